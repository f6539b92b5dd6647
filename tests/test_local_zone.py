"""The viewer's ("browser") time zone: TZ first, then the operating system's setting through tzlocal, which maps
a Windows zone name to its IANA name as browsers do; "UTC" when nothing usable is configured."""

from __future__ import annotations

import pytest

from core.grafana.timezones import local_zone_name


def test_tz_wins_when_it_names_a_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", ":Asia/Kathmandu")
    assert local_zone_name() == "Asia/Kathmandu"


def test_the_system_setting_comes_from_tzlocal(monkeypatch: pytest.MonkeyPatch) -> None:
    import tzlocal

    monkeypatch.delenv("TZ", raising=False)
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "America/St_Johns")
    assert local_zone_name() == "America/St_Johns"
    monkeypatch.setenv("TZ", "Not/AZone")  # a TZ no zone database knows is passed over
    assert local_zone_name() == "America/St_Johns"


def test_a_windows_zone_name_maps_to_the_iana_zone_a_browser_reports() -> None:
    # tzlocal's table (from the Unicode CLDR) is what it reads the Windows registry's zone through.
    from tzlocal.windows_tz import win_tz

    assert win_tz["W. Europe Standard Time"] == "Europe/Berlin"
    assert win_tz["Nepal Standard Time"] == "Asia/Katmandu", "CLDR's canonical id, as ICU-based browsers report it"


def test_nothing_usable_is_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    import tzlocal

    def broken() -> str:
        raise LookupError("no zone configured")

    monkeypatch.delenv("TZ", raising=False)
    monkeypatch.setattr(tzlocal, "get_localzone_name", broken)
    assert local_zone_name() == "UTC"
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Mars/Olympus_Mons")
    assert local_zone_name() == "UTC"
