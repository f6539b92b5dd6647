"""Go's formatting rules as the scylla emulation applies them, on values whose Go output is known by hand
(encoding/json and strconv of Go 1.24, gopkg.in/inf.v0's Dec.String, gocql's duration encoding)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from cassandra import AuthenticationFailed, OperationTimedOut

from core.grafana.plugins.go_json import GoJsonError, dec_string, format_float, marshal, quote, time_text
from core.grafana.plugins.go_values import GO_ZERO_TIME_SEC, CqlType, GoTime, GoValue, decode
from core.grafana.plugins.gocql_dial import dial_failure
from core.grafana.plugins.scylla_frames import time_ms, to_value


@pytest.mark.parametrize("value, bits, text", [
    (1e21, 64, "1e+21"), (1e20, 64, "100000000000000000000"), (1e-7, 64, "1e-7"), (1.5e-7, 64, "1.5e-7"),
    (0.000001, 64, "0.000001"), (123456789.0, 64, "123456789"), (-0.0, 64, "-0"), (3.14159, 64, "3.14159"),
    (0.10000000149011612, 32, "0.1"), (16777217.0, 32, "16777216"), (3.4e38, 32, "3.4e+38"),
    (1.401298464324817e-45, 32, "1e-45"),
])
def test_floats_as_encoding_json_writes_them(value: float, bits: int, text: str) -> None:
    assert format_float(value, bits) == text


def test_special_floats_fail_to_marshal() -> None:
    with pytest.raises(GoJsonError, match="json: unsupported value: NaN"):
        format_float(float("nan"), 64)
    with pytest.raises(GoJsonError, match=r"json: unsupported value: \+Inf"):
        format_float(float("inf"), 32)


def test_strings_are_html_safe_json() -> None:
    assert quote('a"\\\x01\b\f\n\r\t<>&\u2028\u2029é') == (
        '"a\\"\\\\\\u0001\\b\\f\\n\\r\\t\\u003c\\u003e\\u0026\\u2028\\u2029é"')


@pytest.mark.parametrize("value, text", [
    ("1E+3", "1000"), ("0.00", "0.00"), ("-0.05", "-0.05"), ("123.456", "123.456"), ("0", "0"),
])
def test_inf_dec_string(value: str, text: str) -> None:
    assert dec_string(Decimal(value)) == text


def test_times_in_rfc3339_and_after_grafanas_nanosecond_round_trip() -> None:
    assert time_text(GoTime(0, 5000)) == "1970-01-01T00:00:00.000005Z"
    assert time_text(GoTime(GO_ZERO_TIME_SEC)) == "0001-01-01T00:00:00Z"
    with pytest.raises(GoJsonError, match=r"year outside of range \[0,9999\]"):
        time_text(GoTime(253402300800))  # 10000-01-01
    # The recorded vectors: time.Time{} reaches Grafana as 1754-08-30 (UnixNano wraps), 2262-04-11 exactly.
    assert time_ms(GoTime(GO_ZERO_TIME_SEC)) == (-6795364578872, 654848)
    assert time_ms(GoTime(9223372036, 854000000)) == (9223372036854, 0)


def test_times_beyond_year_9999_fail_marshal_with_gos_error_text() -> None:
    """Go 1.26's json.Marshal of []time.Time and map[time.Time]int holding 10000-01-01 (run with `go run`)."""
    far = GoValue("time.Time", GoTime(253402300800))
    with pytest.raises(GoJsonError) as failed:
        marshal(GoValue("[]time.Time", [far]))
    assert str(failed.value) == ("json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: year outside "
                                 "of range [0,9999]")
    with pytest.raises(GoJsonError) as failed:
        marshal(GoValue("map[time.Time]int", [(far, GoValue("int", 1))]))
    assert str(failed.value) == ('json: encoding error for type "map[time.Time]int": "Time.MarshalText: year outside '
                                 'of range [0,9999]"')


def test_unsupported_map_keys_and_nil_members() -> None:
    float_keys = GoValue("map[float64]int", [(GoValue("float64", 1.5), GoValue("int", 1))])
    with pytest.raises(GoJsonError, match=r"json: unsupported type: map\[float64\]int"):
        marshal(float_keys)
    log: list[str] = []
    assert to_value(float_keys, CqlType("map"), log) == ("string", "")
    assert log and "unsupported type" in log[0]
    udt = GoValue("map[string]interface {}", [("z", GoValue("*big.Int", None)), ("a", GoValue("[]int", None))])
    assert marshal(udt) == '{"a":null,"z":null}'


def test_durations_decode_zigzag_vints() -> None:
    # months 0, days -1 (zigzag 1), nanoseconds 300 (zigzag 600 = 0x258: two bytes, 0x82 0x58)
    assert decode(CqlType("duration"), bytes([0x00, 0x01, 0x82, 0x58])).value == (0, -1, 300)


@pytest.mark.parametrize("cause, words", [
    (ConnectionRefusedError(111, "Connection refused"), "dial tcp 10.1.2.3:9043: connect: connection refused"),
    (TimeoutError("timed out"), "dial tcp 10.1.2.3:9043: i/o timeout"),  # net.Dialer's deadline
    (OperationTimedOut("errors=Timed out creating connection (11 seconds), last_host=None"),
     "gocql: no response to connection startup within timeout"),  # startupCoordinator.setupConn
    (AuthenticationFailed("Remote end requires authentication"), None),
])
def test_gocql_words_for_a_contact_point_it_cannot_use(cause: BaseException, words: str | None) -> None:
    assert dial_failure("10.1.2.3", 9043, cause) == words
