"""Normalizers: turn a raw reply into the bytes that are compared.

Most replies are compared exactly. A reply that is legitimately different
between two correct servers (order of KEYS, time, idle time, a TTL that ticks)
is rewritten by the normalizer declared next to its command in commands.py.
A normalizer is `norm(args, raw, now_ms) -> bytes`; it must leave anything it
does not recognise (errors in particular) untouched, so that those are still
compared byte for byte. Placeholders are written `<...>` so they can never be
mistaken for real RESP.
"""

from __future__ import annotations

from . import resp

# Expiry values used by the generator (see generator.py): relative expiries are
# below ~1.2e8 s and are unique multiples of 1000 s plus < 400 s; absolute
# ones lie in [ABSOLUTE_BASE_S, ABSOLUTE_BASE_S + ABSOLUTE_SPAN_S) (years
# 2100-2135). A TTL above FAR_TTL_S is not a relative one the generator chose.
ABSOLUTE_BASE_S = 4102444800
ABSOLUTE_SPAN_S = 1_100_000_000
FAR_TTL_S = 1_000_000_000
SLOT_S = 1000


def exact(args, raw: bytes, now_ms: int) -> bytes:
    return raw


def _ttl(raw: bytes, unit_per_s: int) -> bytes:
    value = resp.integer_value(raw)
    if value is None or value < 0:
        return raw  # -1 (no TTL), -2 (no key), errors
    if value >= FAR_TTL_S * unit_per_s:
        return b":<ttl far future>\r\n"
    # Round to the generator's 1000 s slot: the seconds that pass between
    # setting and reading an expiry are far below half a slot.
    return b":<ttl ~%d s>\r\n" % (round(value / unit_per_s / SLOT_S) * SLOT_S)


def ttl_seconds(args, raw: bytes, now_ms: int) -> bytes:
    return _ttl(raw, 1)


def ttl_millis(args, raw: bytes, now_ms: int) -> bytes:
    return _ttl(raw, 1000)


def _expiretime(raw: bytes, now: int, unit_per_s: int) -> bytes:
    value = resp.integer_value(raw)
    if value is None or value < 0:
        return raw
    if ABSOLUTE_BASE_S <= value / unit_per_s < ABSOLUTE_BASE_S + ABSOLUTE_SPAN_S:
        return raw  # an absolute expiry from the generator: sent as is, so exact
    if value - now >= FAR_TTL_S * unit_per_s:
        # e.g. PX 9223372036854776: relative, and too far out to round usefully
        return b":<far future>\r\n"
    return b":<now + ~%d s>\r\n" % (round((value - now) / unit_per_s / SLOT_S) * SLOT_S)


def expiretime_seconds(args, raw: bytes, now_ms: int) -> bytes:
    return _expiretime(raw, now_ms // 1000, 1)


def expiretime_millis(args, raw: bytes, now_ms: int) -> bytes:
    return _expiretime(raw, now_ms, 1000)


def sorted_array(args, raw: bytes, now_ms: int) -> bytes:
    """An array whose order is unspecified (KEYS, SMEMBERS): sort its elements."""
    header, elems = resp.split_aggregate(raw)
    if not elems:
        return raw
    return header + b"".join(sorted(elems))


def sorted_pairs(args, raw: bytes, now_ms: int) -> bytes:
    """A flat field/value array or a map in unspecified order (HGETALL)."""
    header, elems = resp.split_aggregate(raw)
    if not elems:
        return raw
    pairs = sorted(zip(elems[0::2], elems[1::2]))
    return header + b"".join(k + v for k, v in pairs)


def scan(args, raw: bytes, now_ms: int) -> bytes:
    """SCAN: the cursor value is implementation-specific, element order too."""
    header, elems = resp.split_aggregate(raw)
    if len(elems) != 2:
        return raw
    cursor = resp.blob_value(elems[0])
    kind = b"<cursor 0>" if cursor == b"0" else b"<cursor>"
    return header + kind + sorted_array(args, elems[1], now_ms)


def present_or_null(args, raw: bytes, now_ms: int) -> bytes:
    """RANDOMKEY: which key is random; only 'some key' versus null is compared."""
    if raw[:1] == b"$" and not resp.is_null(raw):
        return b"<some bulk string>"
    return raw


def time_reply(args, raw: bytes, now_ms: int) -> bytes:
    header, elems = resp.split_aggregate(raw)
    if len(elems) == 2 and all(resp.blob_value(e) is not None for e in elems):
        return header + b"<seconds><microseconds>"
    return raw


def any_integer(args, raw: bytes, now_ms: int) -> bytes:
    """A clock-dependent integer (OBJECT IDLETIME): compare only that it is one."""
    value = resp.integer_value(raw)
    if value is not None and value >= 0:
        return b":<non-negative integer>\r\n"
    return raw


def object_command(args, raw: bytes, now_ms: int) -> bytes:
    sub = args[1].upper() if len(args) > 1 else b""
    if sub in (b"IDLETIME", b"FREQ"):
        return any_integer(args, raw, now_ms)
    return raw


# HELLO fields that identify the process rather than the protocol.
_HELLO_VOLATILE = (b"server", b"version", b"id")


def hello(args, raw: bytes, now_ms: int) -> bytes:
    header, elems = resp.split_aggregate(raw)
    if not elems or len(elems) % 2:
        return raw
    out = [header]
    for key, value in zip(elems[0::2], elems[1::2]):
        if resp.blob_value(key) in _HELLO_VOLATILE:
            value = b"<%s>" % resp.blob_value(key)
        out += (key, value)
    return b"".join(out)


# ------------------------------------------------------------------ aggregates


def _groups(elems: list, size: int) -> list:
    """Elements joined into groups of `size` (a member and its value/score;
    RESP3 nests such pairs in arrays of their own, which arrive as one element)."""
    if size <= 1 or (elems and elems[0][:1] == b"*"):
        return list(elems)
    return [b"".join(elems[i:i + size]) for i in range(0, len(elems), size)]


def _int_arg(args, i: int):
    try:
        return int(args[i]) if len(args) > i else None
    except ValueError:
        return None


def random_members(args, raw: bytes, now_ms: int) -> bytes:
    """SPOP, SRANDMEMBER, HRANDFIELD, ZRANDMEMBER: which members is random.

    Without a count only "some member" versus null is compared. With a count
    n >= 0 the members are distinct: fewer than n means the whole set, compared
    as a sorted multiset; otherwise only the number of distinct members is
    compared. With n < 0 members may repeat: only the number is compared.
    """
    count = _int_arg(args, 2)
    if count is None:
        if raw[:1] == b"$" and not resp.is_null(raw):
            return b"<some member>"
        return raw
    header, elems = resp.split_aggregate(raw)
    if not elems:
        return raw
    groups = _groups(elems, 2 if len(args) > 3 else 1)
    if count < 0:
        return header + b"<%d members, repeats allowed>" % len(groups)
    if len(groups) < count:
        return header + b"".join(sorted(groups))
    if len(set(groups)) != len(groups):
        return raw  # repeated members where they must be distinct: keep the difference
    return header + b"<%d distinct members>" % len(groups)


def scan_members(args, raw: bytes, now_ms: int) -> bytes:
    """HSCAN, SSCAN, ZSCAN. Which elements a page holds is the server's own
    business for a hashtable (two Redis servers differ too), except that one
    call from cursor 0 with COUNT 100000 or more covers any set the
    generator makes: that reply must have cursor 0 and every element (compared as a
    sorted multiset, pairs kept together). Anything else only by shape. (The
    state digest compares a whole small-encoding scan exactly.)"""
    header, parts = resp.split_aggregate(raw)
    if len(parts) != 2:
        return raw
    inner_header, elems = resp.split_aggregate(parts[1])
    counts = [_int_arg(args, i + 1) for i in range(3, len(args) - 1)
              if args[i].upper() == b"COUNT"]
    if len(args) < 3 or args[2] != b"0" or not counts or (counts[-1] or 0) < 100000:
        return header + b"<scan page>"
    cursor = b"<cursor 0>" if resp.blob_value(parts[0]) == b"0" else b"<cursor>"
    size = 1 if args[0].upper() == b"SSCAN" else 2
    return header + cursor + inner_header + b"".join(sorted(_groups(elems, size)))


_SORT_ARG_COUNT = {b"ASC": 0, b"DESC": 0, b"ALPHA": 0, b"LIMIT": 2, b"STORE": 1, b"BY": 1,
                   b"GET": 1}


def sort_reply(args, raw: bytes, now_ms: int) -> bytes:
    """SORT, SORT_RO: exact, except where the order is not defined: BY a
    pattern without '*' (no sorting: a set's own order) and ALPHA BY a pattern
    (elements of equal weight in the sort algorithm's order). Without STORE
    those are compared as multisets of GET groups (only their number under
    LIMIT). A STORE reply (the count) is always exact."""
    header, elems = resp.split_aggregate(raw)
    if not elems:
        return raw
    i, gets, by, alpha, limit, store = 2, 0, [], False, False, False
    while i < len(args):
        word = args[i].upper()
        n = _SORT_ARG_COUNT.get(word)
        if n is None or i + n >= len(args):
            return raw  # not a valid SORT: the reply is an error anyway
        if word == b"BY":
            by.append(args[i + 1])
        gets += word == b"GET"
        alpha |= word == b"ALPHA"
        limit |= word == b"LIMIT"
        store |= word == b"STORE"
        i += n + 1
    unsorted = any(b"*" not in p for p in by)
    undefined_ties = alpha and by and not unsorted
    if store or not (unsorted or undefined_ties):
        return raw
    groups = _groups(elems, max(1, gets))
    if limit:
        return header + b"<%d groups>" % len(groups)
    return header + b"".join(sorted(groups))
