"""Raw RESP on sockets: encode requests, read exactly one reply as raw bytes.

The differential tests compare servers byte for byte, so nothing here decodes
a reply into Python values on the read path: `RespReader.read_reply()` returns
the reply's exact bytes (RESP2 and RESP3, attributes and streamed forms
included). `reply_end()` is the pure parser behind it; `split_aggregate()` and
friends take a raw reply apart for the few normalizers that need to.
"""

from __future__ import annotations

import socket
import time

CRLF = b"\r\n"

# Types whose payload is the rest of the line.
_LINE_TYPES = frozenset(b"+-:_,#(")
# Types with a length-prefixed blob payload.
_BLOB_TYPES = frozenset(b"$!=")
# Aggregates: element count on the header line; a map/attribute counts pairs.
_AGGREGATE_TYPES = frozenset(b"*~>")
_PAIR_TYPES = frozenset(b"%|")


class ProtocolViolation(Exception):
    """The bytes read are not a valid RESP reply."""


class ConnectionClosed(Exception):
    """The peer closed the connection before a complete reply arrived."""

    def __init__(self, partial: bytes):
        super().__init__(f"connection closed after {len(partial)} bytes of a reply")
        self.partial = partial


class ReplyTimeout(Exception):
    """No complete reply arrived in time."""

    def __init__(self, partial: bytes):
        super().__init__(f"timed out after {len(partial)} bytes of a reply")
        self.partial = partial


# --------------------------------------------------------------------------
# Requests


def encode_command(args) -> bytes:
    """Encodes one request as a RESP multibulk of bulk strings."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        out.append(b"$%d\r\n" % len(arg))
        out.append(arg)
        out.append(CRLF)
    return b"".join(out)


# Bytes that may appear in an unquoted inline argument. Everything else
# (space, quotes, backslash, control and non-ASCII bytes) is sent quoted.
_INLINE_PLAIN = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    b"_.:{}*?[]+-/@!#$%^&=<>,;|~`()"
)


def inline_quote(arg: bytes) -> bytes:
    """Renders one argument for the inline protocol (double-quoted if needed)."""
    if arg and all(b in _INLINE_PLAIN for b in arg):
        return arg
    out = bytearray(b'"')
    for b in arg:
        if b == 0x22 or b == 0x5C:  # " and backslash
            out += b"\\" + bytes([b])
        elif 0x20 <= b < 0x7F:
            out.append(b)
        else:
            out += b"\\x%02x" % b
    out += b'"'
    return bytes(out)


def encode_inline(args) -> bytes:
    """Encodes one request as an inline command line terminated by CRLF."""
    return b" ".join(inline_quote(a) for a in args) + CRLF


# --------------------------------------------------------------------------
# Parsing raw replies


def _line_end(buf: bytes, pos: int) -> int | None:
    """Index of the CR of the CRLF ending the line at pos, or None if incomplete."""
    end = buf.find(CRLF, pos)
    return None if end < 0 else end


def _header_int(buf: bytes, start: int, end: int) -> int:
    text = buf[start:end]
    try:
        return int(text)
    except ValueError:
        raise ProtocolViolation(f"bad length {text!r} at offset {start - 1}") from None


def reply_end(buf: bytes, pos: int = 0) -> int | None:
    """Returns the offset just past the complete reply starting at pos.

    Returns None when buf holds only a prefix of a reply. Raises
    ProtocolViolation when the bytes cannot be the start of a reply.
    An attribute (`|`) is returned together with the reply it annotates.
    """
    if pos >= len(buf):
        return None
    kind = buf[pos]
    end = _line_end(buf, pos)
    if end is None:
        return None
    if kind in _LINE_TYPES:
        return end + 2
    if kind in _BLOB_TYPES:
        if kind == 0x24 and buf[pos + 1:end] == b"?":  # streamed string
            return _streamed_string_end(buf, end + 2)
        n = _header_int(buf, pos + 1, end)
        if n < 0:
            if kind != 0x24 or n != -1:
                raise ProtocolViolation(f"negative blob length at offset {pos}")
            return end + 2
        stop = end + 2 + n
        if len(buf) < stop + 2:
            return None
        if buf[stop:stop + 2] != CRLF:
            raise ProtocolViolation(f"blob at offset {pos} not followed by CRLF")
        return stop + 2
    if kind in _AGGREGATE_TYPES or kind in _PAIR_TYPES:
        if buf[pos + 1:end] == b"?":  # streamed aggregate, ends with ".\r\n"
            return _streamed_aggregate_end(buf, end + 2)
        n = _header_int(buf, pos + 1, end)
        if n < 0:
            if kind != 0x2A or n != -1:
                raise ProtocolViolation(f"negative aggregate length at offset {pos}")
            return end + 2
        if kind in _PAIR_TYPES:
            n *= 2
        at = end + 2
        for _ in range(n):
            at = reply_end(buf, at)
            if at is None:
                return None
        if kind == 0x7C:  # attribute: the annotated reply follows
            return reply_end(buf, at)
        return at
    raise ProtocolViolation(f"unknown reply type byte {bytes([kind])!r} at offset {pos}")


def _streamed_string_end(buf: bytes, at: int) -> int | None:
    while True:
        end = _line_end(buf, at)
        if end is None:
            return None
        if buf[at] != 0x3B:  # ';'
            raise ProtocolViolation(f"expected streamed string chunk at offset {at}")
        n = _header_int(buf, at + 1, end)
        if n == 0:
            return end + 2
        at = end + 2 + n + 2
        if len(buf) < at:
            return None


def _streamed_aggregate_end(buf: bytes, at: int) -> int | None:
    while True:
        if at >= len(buf):
            return None
        if buf[at:at + 3] == b".\r\n":
            return at + 3
        if buf[at] == 0x2E and len(buf) < at + 3:
            return None
        at = reply_end(buf, at)
        if at is None:
            return None


def split_aggregate(raw: bytes) -> tuple[bytes, list[bytes]]:
    """Splits a complete counted aggregate into (header line, element replies).

    For maps the elements alternate key, value. Non-aggregates (and nulls)
    come back as (raw, []).
    """
    if not raw or raw[0] not in (_AGGREGATE_TYPES | _PAIR_TYPES):
        return raw, []
    end = raw.index(CRLF)
    header = raw[:end + 2]
    if raw[1:end] in (b"-1", b"?"):
        return raw, []
    elems = []
    at = end + 2
    while at < len(raw):
        nxt = reply_end(raw, at)
        if nxt is None:
            raise ProtocolViolation("truncated aggregate")
        elems.append(raw[at:nxt])
        at = nxt
    return header, elems


def integer_value(raw: bytes) -> int | None:
    """The value of an integer reply (`:n`), else None."""
    if raw[:1] == b":" and raw.endswith(CRLF):
        try:
            return int(raw[1:-2])
        except ValueError:
            return None
    return None


def blob_value(raw: bytes) -> bytes | None:
    """The payload of a bulk/verbatim string or simple string, else None."""
    if raw[:1] in (b"$", b"=") and not raw.startswith(b"$-1"):
        end = raw.index(CRLF)
        return raw[end + 2:-2]
    if raw[:1] == b"+":
        return raw[1:-2]
    return None


def is_null(raw: bytes) -> bool:
    return raw in (b"$-1\r\n", b"*-1\r\n", b"_\r\n")


# --------------------------------------------------------------------------
# Reading from a socket


class RespReader:
    """Buffered reader of whole replies from one socket."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = b""

    def read_reply(self, timeout: float = 10.0) -> bytes:
        """Returns the raw bytes of exactly one complete reply.

        Raises ConnectionClosed on EOF or reset, ReplyTimeout after `timeout`
        seconds without a complete reply, ProtocolViolation on garbage.
        """
        deadline = time.monotonic() + timeout
        while True:
            end = reply_end(self.buf)
            if end is not None:
                reply, self.buf = self.buf[:end], self.buf[end:]
                return reply
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ReplyTimeout(self.buf)
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise ReplyTimeout(self.buf) from None
            except (ConnectionResetError, BrokenPipeError):
                chunk = b""
            if not chunk:
                raise ConnectionClosed(self.buf)
            self.buf += chunk

    def read_until_quiet(self, idle: float, limit: float) -> tuple[bytes, bool]:
        """Reads whatever arrives until `idle` seconds pass without data or EOF.

        Returns (bytes, closed). Never blocks longer than `limit` in total.
        Bytes already buffered are included.
        """
        data, self.buf = self.buf, b""
        deadline = time.monotonic() + limit
        while True:
            wait = min(idle, deadline - time.monotonic())
            if wait <= 0:
                return data, False
            self.sock.settimeout(wait)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return data, False
            except (ConnectionResetError, BrokenPipeError):
                return data, True
            if not chunk:
                return data, True
            data += chunk


def connect(host: str, port: int, timeout: float = 5.0) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock
