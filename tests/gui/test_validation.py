"""Inline validation on the Connection tab: live messages under the fields, and Save refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from core.config.datasource import DataSource
from core.config.workspace import Workspace
from gui.common.banner import BannerKind
from tests.gui.conftest import OpenWindow
from tests.gui.driving import click, option_edit, retype, save_screenshot

pytestmark = pytest.mark.gui


@pytest.fixture
def saved_workspace(memory_workspace: Workspace) -> Workspace:
    memory_workspace.store.add(DataSource(name="alpha", hosts=["127.0.0.1"]))
    return memory_workspace


@pytest.mark.parametrize(("field", "text", "expected"), [
    ("port", "70000", "Port 70000 is out of range: use 1-65535"),
    ("port", "abc", "Port: 'abc' is not a valid value"),
    ("name", "", "The name is empty: give the data source a name"),
    ("name", " alpha", "The name starts or ends with spaces"),
    ("hosts", "db1:99999", "'db1:99999' has a bad port (use 1-65535)"),
    ("connect_timeout", "0", "The connect timeout must be above 0"),
])
def test_bad_value_is_shown_inline_and_save_is_refused(
        qtbot: QtBot, open_window: OpenWindow, saved_workspace: Workspace, field: str, text: str,
        expected: str) -> None:
    window = open_window(saved_workspace)
    form = window.connection_form
    profile = saved_workspace.store.profile.path
    before = profile.read_bytes()
    assert form.problem_text(field) == ""

    edit = form.name_edit if field == "name" else option_edit(window, field)
    retype(qtbot, edit, text)

    assert expected in form.problem_text(field), form.problem_text(field)  # live, before any Save
    assert window.isWindowModified()
    click(qtbot, window.save_button)
    assert window.banner.kind == BannerKind.ERROR
    assert window.banner.title() == "Not saved"
    assert profile.read_bytes() == before
    assert saved_workspace.store.get("alpha") == saved_workspace.store.list()[0]
    assert saved_workspace.store.names() == ["alpha"]
    assert window.isWindowModified()


def test_fixing_the_value_clears_the_message_and_saves(
        qtbot: QtBot, open_window: OpenWindow, saved_workspace: Workspace) -> None:
    window = open_window(saved_workspace)
    port = option_edit(window, "port")
    retype(qtbot, port, "70000")
    assert "out of range" in window.connection_form.problem_text("port")
    save_screenshot(window, "main-window-invalid-port.png")

    retype(qtbot, port, "9043")

    assert window.connection_form.problem_text("port") == ""
    click(qtbot, window.save_button)
    assert window.banner.kind == BannerKind.SUCCESS
    assert saved_workspace.store.get("alpha").port == 9043
    assert "port: 9043" in saved_workspace.store.profile.path.read_text()
    assert not window.isWindowModified()


def test_new_data_source_without_hosts_is_not_stored(
        qtbot: QtBot, open_window: OpenWindow, memory_workspace: Workspace) -> None:
    window = open_window(memory_workspace)
    click(qtbot, window.list_panel.add_button)
    assert "No contact point" in window.connection_form.problem_text("hosts")

    click(qtbot, window.save_button)

    assert window.banner.kind == BannerKind.ERROR
    assert memory_workspace.store.names() == []
    assert not memory_workspace.store.profile.path.exists()


def test_duplicate_name_and_second_default_are_flagged(
        qtbot: QtBot, open_window: OpenWindow, memory_workspace: Workspace) -> None:
    memory_workspace.store.add(DataSource(name="alpha", hosts=["h1"], is_default=True))
    memory_workspace.store.add(DataSource(name="beta", hosts=["h2"]))
    window = open_window(memory_workspace)
    window.select_datasource(memory_workspace.store.get("beta").uid)

    retype(qtbot, window.connection_form.name_edit, "alpha")
    window.connection_form.fields["is_default"].check_box.setChecked(True)  # type: ignore[attr-defined]

    assert "already exists" in window.connection_form.problem_text("name")
    assert "'alpha' is already the default of org 1" in window.connection_form.problem_text("is_default")


def test_tls_switch_enables_its_fields_and_flavor_dims_other_plugin_options(
        qtbot: QtBot, open_window: OpenWindow, saved_workspace: Workspace, tmp_path: Path) -> None:
    window = open_window(saved_workspace)
    form = window.connection_form
    assert not form.fields["tls_ca_file"].isEnabled()
    assert not form.label("scope").isEnabled()  # a scylla-only option, cassandra selected

    form.fields["tls_enabled"].check_box.setChecked(True)  # type: ignore[attr-defined]
    form.fields["flavor"].combo.setCurrentText("scylla")  # type: ignore[attr-defined]
    retype(qtbot, option_edit(window, "tls_ca_file"), str(tmp_path / "missing.pem"))

    assert form.fields["tls_ca_file"].isEnabled()
    assert form.label("scope").isEnabled() and not form.label("keyspace").isEnabled()
    assert "cannot be read" in form.problem_text("tls_ca_file")
    assert window.editor.header_detail.text().startswith("scylladb-scylla-datasource")
    save_screenshot(window, "main-window-scylla-tls.png")
