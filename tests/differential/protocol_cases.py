"""Hand-written request bytes: inline commands and malformed RESP.

Each case is sent as raw bytes on a new connection to both servers. What is
compared is everything the server sends back and whether it closes the
connection (a protocol error must produce the error reply and then a close).
If the connection is still open after the case, a sentinel ECHO is sent and
its reply is part of the comparison too, which shows whether the server is
still in sync with the client.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from . import resp

QUIET = 0.15    # seconds without data after which a server is taken to be waiting
LIMIT = 2.0     # upper bound on waiting for the sentinel (a stuck parser never answers)
SENTINEL = resp.encode_command([b"ECHO", b"--sentinel--"])
SENTINEL_REPLY = b"$12\r\n--sentinel--\r\n"


@dataclass(frozen=True)
class Case:
    name: str
    payload: bytes
    # False for a payload that ends inside an unterminated line: a sentinel
    # sent before the server has read all of it would become part of it.
    sentinel: bool = True


def _bulk(*args) -> bytes:
    return resp.encode_command(list(args))


CASES = [
    # --- malformed multibulk framing: error reply, then the connection is closed
    Case("negative_bulk_length", b"*1\r\n$-5\r\n"),
    Case("multibulk_count_not_a_number", b"*abc\r\n"),
    Case("multibulk_count_with_plus", b"*+1\r\n$4\r\nPING\r\n"),
    Case("multibulk_count_with_space", b"* 1\r\n$4\r\nPING\r\n"),
    Case("multibulk_count_above_int_max", b"*2147483648\r\n"),
    Case("multibulk_count_line_over_64k", b"*" + b"1" * 70000, sentinel=False),
    Case("multibulk_count_letters_over_64k", b"*" + b"a" * 70000, sentinel=False),
    Case("bulk_length_not_a_number", b"*1\r\n$abc\r\n"),
    Case("bulk_length_empty", b"*1\r\n$\r\n"),
    Case("bulk_length_above_proto_max", b"*1\r\n$536870913\r\n"),
    Case("bulk_length_line_over_64k", b"*1\r\n$" + b"1" * 70000, sentinel=False),
    Case("expected_dollar_got_plus", b"*1\r\n+PING\r\n"),
    Case("expected_dollar_got_colon", b"*2\r\n$4\r\nECHO\r\n:1\r\n"),
    Case("expected_dollar_got_star", b"*1\r\n*1\r\n$4\r\nPING\r\n"),
    Case("error_after_good_command", _bulk(b"SET", b"pk1", b"v") + b"*x\r\n"),
    # --- odd but valid framing: the connection stays usable
    Case("bulk_outside_multibulk", b"$3\r\nfoo\r\n"),
    Case("empty_multibulk", b"*0\r\n" + _bulk(b"PING")),
    Case("null_multibulk", b"*-1\r\n" + _bulk(b"PING")),
    Case("multibulk_count_leading_zero", b"*01\r\n$4\r\nPING\r\n"),
    Case("bulk_longer_than_declared", b"*1\r\n$4\r\nPINGXX\r\n"),
    Case("empty_arguments", _bulk(b"SET", b"", b"e1") + _bulk(b"GET", b"")),
    Case("crlf_inside_bulk", _bulk(b"ECHO", b"a\r\nb\r\n")),
    Case("pipelined_mixed_resp_and_inline",
         _bulk(b"SET", b"pk2", b"1") + b"INCR pk2\r\n" + _bulk(b"GET", b"pk2") + b"PING\r\n"),
    Case("big_argument",
         _bulk(b"SET", b"big", b"x" * 100000) + _bulk(b"STRLEN", b"big")),
    # --- inline commands
    Case("inline_set_get", b"SET a b\r\nGET a\r\n"),
    Case("inline_lf_only", b"SET a2 b\nGET a2\n"),
    Case("inline_empty_lines", b"\r\n\r\n\n" + b"PING\r\n"),
    Case("inline_spaces_and_tabs", b"  ECHO\t  hello   \r\n"),
    Case("inline_lowercase", b"ping\r\necho x\r\n"),
    Case("inline_double_quotes", b'ECHO "hello world"\r\n'),
    Case("inline_escapes", b'ECHO "a\\x41\\n\\r\\t\\b\\a\\"\\\\z"\r\n'),
    Case("inline_bad_hex_escape", b'ECHO "\\xZZ\\q"\r\n'),
    Case("inline_single_quotes", b"ECHO 'it\\'s a\\nb'\r\n"),
    Case("inline_empty_quoted", b'SET "" "e1"\r\nGET ""\r\n'),
    # Redis looks for the newline with strchr(), which stops at the NUL: the line
    # never completes, so not even the sentinel is answered.
    Case("inline_nul_byte", b"ECHO a\x00b\r\n"),
    Case("inline_unknown_command", b"FOO bar baz\r\n"),
    Case("inline_wrong_arity", b"GET\r\nGET a b\r\n"),
    Case("inline_just_under_64k", b"ECHO " + b"x" * 65000 + b"\r\n"),
    Case("inline_cr_in_middle", b"ECHO a\rb\r\n"),
    # --- malformed inline: error reply, then the connection is closed
    Case("inline_unbalanced_double_quote", b'SET "a b\r\n'),
    Case("inline_unbalanced_single_quote", b"SET 'a b\r\n"),
    Case("inline_quote_not_followed_by_space", b'SET "a"b c\r\n'),
    Case("inline_single_quote_not_followed_by_space", b"SET 'a'b c\r\n"),
    Case("inline_trailing_backslash_in_quotes", b'ECHO "abc\\"\r\n'),
    Case("inline_over_64k_without_newline", b"SET a " + b"x" * 70000, sentinel=False),
]


def probe(server, case: Case) -> tuple:
    """Sends the case on a new connection; returns (bytes received, closed)."""
    try:
        sock = server.connect()
    except OSError as e:
        return b"<cannot connect: %s>" % str(e).encode(), True
    reader = resp.RespReader(sock)
    try:
        sock.sendall(case.payload)
        if not case.sentinel:
            return reader.read_until_quiet(LIMIT, LIMIT)
        data, closed = reader.read_until_quiet(QUIET, LIMIT)
        if closed:
            return data, True
        try:
            sock.sendall(SENTINEL)
        except OSError:
            return data, True
        deadline = time.monotonic() + LIMIT
        while not data.endswith(SENTINEL_REPLY) and time.monotonic() < deadline:
            chunk, closed = reader.read_until_quiet(QUIET, LIMIT)
            data += chunk
            if closed:
                return data, True
        return data, False
    finally:
        sock.close()


def probe_all(servers, cases=CASES, workers: int = 12) -> dict:
    """{(case name, server label): (bytes, closed)}, cases run concurrently.

    Cases touch disjoint keys, so running them at the same time is safe.
    """
    jobs = [(case, server) for case in cases for server in servers]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda job: probe(job[1], job[0]), jobs)
        return {(case.name, server.label): r for (case, server), r in zip(jobs, results)}
