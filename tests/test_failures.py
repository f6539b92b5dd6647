"""Classification of driver errors into actionable messages, with the driver's own exception types."""

from __future__ import annotations

import ssl

from cassandra import AuthenticationFailed, OperationTimedOut
from cassandra.cluster import NoHostAvailable
from cassandra.connection import ProtocolVersionUnsupported

from core.cql.failures import FailureKind, classify_connect_error, redact


def nha(error: BaseException, endpoint: str = "10.1.2.3:9042") -> NoHostAvailable:
    return NoHostAvailable("Unable to connect to any servers", {endpoint: error})


def test_protocol_version_mismatch() -> None:
    failure = classify_connect_error(nha(ProtocolVersionUnsupported("10.1.2.3:9042", 5)), connect_timeout=5,
                                     protocol_version=5)
    assert failure.kind == FailureKind.PROTOCOL
    assert "protocol version" in failure.message and "auto" in failure.message


def test_tls_hostname_check() -> None:
    error = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
                                            "Hostname mismatch, certificate is not valid for 'db.example'.")
    failure = classify_connect_error(nha(error), connect_timeout=5, tls_enabled=True)
    assert failure.kind == FailureKind.TLS
    assert "host name check" in failure.message and "Verify server certificate" in failure.message


def test_plain_client_against_tls_only_port() -> None:
    failure = classify_connect_error(nha(ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")),
                                     connect_timeout=5, tls_enabled=True)
    assert failure.kind == FailureKind.TLS and "does not speak TLS" in failure.message


def test_authentication_keeps_the_user_name_and_hides_the_password() -> None:
    error = AuthenticationFailed('Failed to authenticate to 10.1.2.3:9042: Error from server: code=0100 '
                                 '[Bad credentials] message="Provided username alice and/or password s3cret are '
                                 'incorrect"')
    failure = classify_connect_error(nha(error), connect_timeout=5, secrets=["s3cret"])
    assert failure.kind == FailureKind.AUTHENTICATION
    assert "username alice" in failure.message and "s3cret" not in failure.message and "***" in failure.message


def test_timeout_names_the_connect_timeout() -> None:
    failure = classify_connect_error(nha(OperationTimedOut("timed out")), connect_timeout=2.5)
    assert failure.kind == FailureKind.TIMEOUT and "2.5 s" in failure.message


def test_several_contact_points_report_the_most_telling_first() -> None:
    errors = {"10.0.0.1:9042": ConnectionRefusedError(111, "Connection refused"),
              "10.0.0.2:9042": AuthenticationFailed("Bad credentials")}
    failure = classify_connect_error(NoHostAvailable("x", errors), connect_timeout=5)
    assert failure.kind == FailureKind.AUTHENTICATION
    assert "10.0.0.1:9042 refused the connection" in failure.message


def test_redact() -> None:
    assert redact("user bob pw hunter2", ["bob", None, "hunter2"]) == "user *** pw ***"
