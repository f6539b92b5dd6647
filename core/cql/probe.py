"""Ask a host:port whether it speaks the CQL native protocol, to tell "not a CQL server" from a slow node.

The driver reports an HTTP server (or anything else) on the port as a connect timeout or an unreadable
frame. This probe sends one CQL OPTIONS request and reads the first bytes of the answer: a CQL server
answers with a response frame whose first byte is 0x80 plus its protocol version.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

# version 4 request, no flags, stream 0, opcode OPTIONS (0x05), empty body; then a blank line, so that a
# line-based server (HTTP) answers too: a CQL server answers the frame before it reads further.
_OPTIONS_V4 = struct.pack(">BBhBi", 0x04, 0x00, 0, 0x05, 0) + b"\r\n\r\n"
_RESPONSE_FLAG = 0x80
_CQL_VERSIONS = range(1, 7)
_HEADER = 9


@dataclass(frozen=True)
class ProbeAnswer:
    """What the probe learned: `speaks_cql` is None when it cannot tell (no answer, no connection)."""

    speaks_cql: bool | None
    detail: str


def split_endpoint(endpoint: str, default_port: int = 9042) -> tuple[str, int]:
    """`host`, `host:port` or `[v6]:port` as (host, port)."""
    text = endpoint.split(" ")[0]
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else default_port
    if text.count(":") == 1:
        host, _, port = text.partition(":")
        return host, int(port) if port.isdigit() else default_port
    return text, default_port


def probe_native_protocol(endpoint: str, timeout: float) -> ProbeAnswer:
    """Send a CQL OPTIONS frame to `endpoint` and judge the first bytes of the answer (blocking, bounded)."""
    host, port = split_endpoint(endpoint)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(_OPTIONS_V4)
            data = _read_some(sock)
    except TimeoutError:
        return ProbeAnswer(None, "no answer")
    except OSError as exc:
        return ProbeAnswer(None, exc.strerror or str(exc))
    return ProbeAnswer(None, "no answer") if data is None else judge_answer(data)


def _read_some(sock: socket.socket) -> bytes | None:
    """The first bytes answered; None when nothing came before the timeout."""
    data = b""
    try:
        while len(data) < 64:
            chunk = sock.recv(64 - len(data))
            if not chunk:
                break
            data += chunk
            if len(data) >= _HEADER and data[0] & _RESPONSE_FLAG:
                break
    except TimeoutError:
        return data or None
    return data


def judge_answer(data: bytes) -> ProbeAnswer:
    """Whether `data`, the first bytes answered to an OPTIONS request, is a CQL response frame."""
    if not data:
        return ProbeAnswer(None, "it closed the connection without answering")
    first = data[0]
    if first & _RESPONSE_FLAG and first & 0x7F in _CQL_VERSIONS:
        return ProbeAnswer(True, f"a CQL response frame of protocol version {first & 0x7F}")
    if first in (0x15, 0x16) and data[1:2] == b"\x03":  # a TLS alert or handshake record
        return ProbeAnswer(None, "it answered in TLS: the port expects TLS")
    text = data.decode("latin-1")
    shown = "".join(c if c.isprintable() else "." for c in text[:24]).strip()
    lowered = text.lower()
    if lowered.startswith("http/") or "<html" in lowered or "<!doctype" in lowered or "http" in lowered:
        return ProbeAnswer(False, f"an HTTP server answered '{shown}'")
    if lowered.startswith(("ssh-", "+ok", "-err", "220 ")):
        return ProbeAnswer(False, f"another kind of server answered '{shown}'")
    return ProbeAnswer(False, f"it answered '{shown}', which is not a CQL frame")
