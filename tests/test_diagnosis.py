"""The diagnosis of driver errors from the driver's own exception types, shaped as the local two-node cluster
raised them with node 2 stopped, and redaction of secret values by whole token."""

from __future__ import annotations

from cassandra import (
    AuthenticationFailed,
    ConsistencyLevel,
    DriverException,
    OperationTimedOut,
    ReadTimeout,
    Unauthorized,
    Unavailable,
)
from cassandra.cluster import NoHostAvailable
from cassandra.connection import ConnectionShutdown, DefaultEndPoint, ProtocolError, ProtocolVersionUnsupported
from cassandra.policies import SimpleConvictionPolicy
from cassandra.pool import Host

from core.cql.diagnosis import QueryContext, is_unbounded
from core.cql.failures import FailureKind, classify_connect_error, classify_query_error, redact
from core.cql.probe import ProbeAnswer, judge_answer, split_endpoint

# The server's words, as Cassandra 5.0 sent them with node 2 of the local cluster stopped.
LOGIN_QUORUM = ('Failed to authenticate to 127.0.0.1:9042: Error from server: code=0100 [Bad credentials] '
                'message="Unable to perform authentication: Cannot achieve consistency level QUORUM"')
SUPERUSER_QUORUM = ('Error from server: code=2100 [Unauthorized] message="Unable to perform authorization of '
                    'super-user permission: Cannot achieve consistency level QUORUM"')
UNAVAILABLE_QUORUM = ('Error from server: code=1000 [Unavailable exception] message="Cannot achieve consistency '
                      'level QUORUM" info={\'consistency\': \'QUORUM\', \'required_replicas\': 2, '
                      '\'alive_replicas\': 1}')


def host(address: str) -> Host:
    return Host(DefaultEndPoint(address), SimpleConvictionPolicy)


def nha(error: BaseException, endpoint: str = "127.0.0.1:9042") -> NoHostAvailable:
    return NoHostAvailable("Unable to connect to any servers", {endpoint: error})


# -- redaction -------------------------------------------------------------------------------------


def test_a_secret_inside_an_identifier_is_left_alone() -> None:
    text = "Table 'cqlscope_demo.no_such_table' does not exist"
    assert redact(text, ["cqlscope"]) == text


def test_a_secret_inside_a_host_name_is_left_alone() -> None:
    text = "cassandra-nonexistent.example.invalid: Name or service not known"
    assert redact(text, ["cassandra"]) == text


def test_a_secret_standing_alone_is_replaced() -> None:
    assert redact("password hunter2.", ["hunter2"]) == "password ***."
    assert redact("got 'hunter2' and (hunter2)", ["hunter2"]) == "got '***' and (***)"
    assert redact("pw=p@ss! end", ["p@ss!"]) == "pw=*** end"
    assert redact("xhunter2 hunter2x hunter2_a a.hunter2", ["hunter2"]) == "xhunter2 hunter2x hunter2_a a.hunter2"


def test_the_user_name_is_not_redacted_by_the_classifiers() -> None:
    error = AuthenticationFailed('Failed to authenticate to 10.0.0.5:9042: Error from server: code=0100 [Bad '
                                 'credentials] message="Provided username cqlscope and/or password are incorrect"')
    failure = classify_connect_error(nha(error, "10.0.0.5:9042"), connect_timeout=5, secrets=["pw-1"],
                                     user="cqlscope")
    assert failure.kind == FailureKind.AUTHENTICATION
    assert "Provided username cqlscope" in failure.message
    query = classify_query_error(Exception("Table 'cqlscope_demo.no_such_table' does not exist"), timeout=5,
                                 secrets=["cqlscope"])
    assert "'cqlscope_demo.no_such_table'" in query.message


# -- a login or permission check that needs a QUORUM -----------------------------------------------


def test_a_login_failing_for_quorum_blames_the_down_node_not_the_credentials() -> None:
    failure = classify_connect_error(nha(AuthenticationFailed(LOGIN_QUORUM)), connect_timeout=5,
                                     secrets=["cassandra"], user="cassandra")
    assert failure.kind == FailureKind.AUTH_UNAVAILABLE
    assert failure.title != "Authentication failed" and "not enough replicas" in failure.title
    assert "a node is down" in failure.message and "QUORUM" in failure.message and "LOCAL_ONE" in failure.message
    assert "Check the user and password" not in failure.message
    assert "127.0.0.1" in failure.message and "'cassandra'" in failure.message


def test_a_permission_check_failing_for_quorum_is_no_missing_grant() -> None:
    context = QueryContext("SELECT * FROM ks.t WHERE k = 1", "ONE", "127.0.0.1", ("127.0.0.2",), "cassandra")
    failure = classify_query_error(Unauthorized(SUPERUSER_QUORUM), timeout=5, context=context)
    assert failure.kind == FailureKind.AUTH_UNAVAILABLE
    assert "Grant the role access" not in failure.message
    assert "127.0.0.2 is down" in failure.message and "QUORUM" in failure.message


def test_a_real_missing_grant_still_says_grant() -> None:
    error = Unauthorized('Error from server: code=2100 [Unauthorized] message="User bob has no SELECT permission '
                         'on <table ks.t> or any of its parents"')
    failure = classify_query_error(error, timeout=5)
    assert failure.kind == FailureKind.UNAUTHORIZED and "Grant the role access" in failure.message


# -- replicas unavailable --------------------------------------------------------------------------


def test_unavailable_names_consistency_counts_and_down_nodes() -> None:
    error = Unavailable(UNAVAILABLE_QUORUM, consistency=ConsistencyLevel.QUORUM, required_replicas=2,
                        alive_replicas=1)
    context = QueryContext("SELECT * FROM ks.t WHERE k = 1", "QUORUM", "127.0.0.1", ("127.0.0.2",))
    failure = classify_query_error(error, timeout=5, context=context)
    assert failure.kind == FailureKind.UNAVAILABLE and failure.title == "Not enough replicas"
    assert "consistency QUORUM: 1 of the 2 required is alive" in failure.message
    assert "coordinator 127.0.0.1" in failure.message and "down: 127.0.0.2" in failure.message
    assert "code=1000" not in failure.message


def test_unavailable_inside_no_host_available_names_the_closed_node() -> None:
    """The driver's retry tries the next node, whose connection is closed: the shape seen with node 2 down."""
    error = NoHostAvailable("Unable to complete the operation against any hosts", {
        host("127.0.0.2"): ConnectionShutdown("Connection to 127.0.0.2:9042 is defunct"),
        host("127.0.0.1"): Unavailable(UNAVAILABLE_QUORUM, consistency=ConsistencyLevel.QUORUM,
                                       required_replicas=2, alive_replicas=1)})
    failure = classify_query_error(error, timeout=5, context=QueryContext(consistency="QUORUM"))
    assert failure.kind == FailureKind.UNAVAILABLE and failure.title == "Not enough replicas"
    assert "coordinator 127.0.0.1" in failure.message and "down: 127.0.0.2" in failure.message


def test_every_node_closed_is_unreachable_not_a_connection_failure() -> None:
    error = NoHostAvailable("Unable to complete the operation against any hosts", {
        host("127.0.0.2"): ConnectionShutdown("Connection to 127.0.0.2:9042 is defunct")})
    failure = classify_query_error(error, timeout=5)
    assert failure.kind == FailureKind.UNREACHABLE
    assert "127.0.0.2: connection closed (the node is down or restarting)" in failure.message


# -- timeouts --------------------------------------------------------------------------------------


def test_a_client_timeout_names_the_node_and_skips_limit_advice_for_a_lookup() -> None:
    error = OperationTimedOut(errors={host("127.0.0.2"): "Client request timeout"}, last_host=host("127.0.0.2"))
    context = QueryContext("SELECT * FROM ks.t WHERE id = 3", "ONE")
    failure = classify_query_error(error, timeout=2, context=context)
    assert failure.kind == FailureKind.TIMEOUT
    assert "No answer from 127.0.0.2 within the request timeout of 2 s at consistency ONE" in failure.message
    assert "LIMIT" not in failure.message


def test_a_client_timeout_of_a_whole_table_read_suggests_a_limit() -> None:
    error = OperationTimedOut(errors={}, last_host=host("127.0.0.1"))
    failure = classify_query_error(error, timeout=2, context=QueryContext("select * from ks.t", "ONE"))
    assert "127.0.0.1" in failure.message and "LIMIT" in failure.message


def test_a_replica_timeout_names_the_coordinator_and_the_counts() -> None:
    error = ReadTimeout('Error from server: code=1200 [Coordinator node timed out waiting for replica nodes\' '
                        'responses] message="Operation timed out - received only 1 responses."',
                        consistency=ConsistencyLevel.ALL, required_responses=2, received_responses=1,
                        data_retrieved=False)
    context = QueryContext("SELECT * FROM ks.t WHERE k = 1", "ALL", "127.0.0.1")
    failure = classify_query_error(error, timeout=5, context=context)
    assert failure.kind == FailureKind.TIMEOUT
    assert "coordinator 127.0.0.1" in failure.message and "consistency ALL: 1 of 2 replicas" in failure.message
    assert "LIMIT" not in failure.message


def test_unbounded_reads() -> None:
    assert is_unbounded("SELECT * FROM ks.t")
    assert is_unbounded("SELECT v FROM ks.t -- WHERE k = 1")
    assert is_unbounded("SELECT 'WHERE' FROM ks.t")
    assert not is_unbounded("SELECT * FROM ks.t WHERE k = 3")
    assert not is_unbounded("SELECT * FROM ks.t LIMIT 10")
    assert not is_unbounded("INSERT INTO ks.t (k) VALUES (1)")
    assert not is_unbounded(None)


# -- not a CQL server, and protocol versions -------------------------------------------------------


def test_the_probe_judges_first_bytes() -> None:
    assert judge_answer(b"HTTP/1.1 400 Bad Request\r\n").speaks_cql is False
    assert judge_answer(b"<!DOCTYPE HTML>\n<html lang=\"en\">").speaks_cql is False
    assert judge_answer(b"SSH-2.0-OpenSSH_9.2\r\n").speaks_cql is False
    assert judge_answer(b"\x84\x00\x00\x00\x06\x00\x00\x00\x10").speaks_cql is True
    assert judge_answer(b"\x15\x03\x03\x00\x02\x02\x32").speaks_cql is None  # a TLS alert: a TLS-only port
    assert judge_answer(b"").speaks_cql is None
    assert split_endpoint("127.0.0.1:9142") == ("127.0.0.1", 9142)
    assert split_endpoint("[::1]:9043") == ("::1", 9043)
    assert split_endpoint("db.example") == ("db.example", 9042)


def test_a_timeout_from_a_port_that_answers_http_is_not_a_cql_server() -> None:
    def probe(endpoint: str) -> ProbeAnswer:
        assert endpoint == "127.0.0.1:8080"
        return ProbeAnswer(False, "an HTTP server answered 'HTTP/1.1 400'")

    error = nha(OperationTimedOut("errors=Timed out creating connection (3 seconds), last_host=None"),
                "127.0.0.1:8080")
    failure = classify_connect_error(error, connect_timeout=3, probe=probe)
    assert failure.kind == FailureKind.NOT_CQL and failure.title == "Not a CQL server"
    assert "127.0.0.1:8080 does not speak the CQL native protocol" in failure.message
    assert "check the port" in failure.message and "auto" not in failure.message


def test_a_real_slow_cql_node_stays_a_timeout() -> None:
    error = nha(OperationTimedOut("errors=Timed out creating connection (3 seconds), last_host=None"))
    failure = classify_connect_error(error, connect_timeout=3,
                                     probe=lambda _endpoint: ProbeAnswer(None, "no answer"))
    assert failure.kind == FailureKind.TIMEOUT and "3 s" in failure.message


def test_garbage_frames_are_not_a_cql_server_even_without_a_probe() -> None:
    error = nha(ProtocolError("This version of the driver does not support protocol version 103"))
    failure = classify_connect_error(error, connect_timeout=3)
    assert failure.kind == FailureKind.NOT_CQL and "check the port" in failure.message
    assert "auto" not in failure.message


def test_an_explicit_protocol_version_the_server_refuses_suggests_auto() -> None:
    error = DriverException("ProtocolError returned from server while using explicitly set client "
                            "protocol_version 5")  # raised by connect itself, not per host
    failure = classify_connect_error(error, connect_timeout=3, protocol_version=5)
    assert failure.kind == FailureKind.PROTOCOL and failure.title == "Protocol version mismatch"
    assert "version 5" in failure.message and "auto" in failure.message


def test_with_auto_the_advice_is_never_to_set_auto() -> None:
    failure = classify_connect_error(nha(ProtocolVersionUnsupported("127.0.0.1:9042", 3)), connect_timeout=3)
    assert failure.kind == FailureKind.PROTOCOL
    assert "auto" not in failure.message and "3 to 5" in failure.message
