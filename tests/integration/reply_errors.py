"""Error replies shared by many tests, as the reference server words them.

Compare them with RawConnection.error(...) or RespError.message: redis-py
strips the "ERR " prefix from error texts, so it cannot check them exactly.
"""

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INTEGER = "ERR value is not an integer or out of range"
NOT_FLOAT = "ERR value is not a valid float"
SYNTAX = "ERR syntax error"
NO_SUCH_KEY = "ERR no such key"
DB_OUT_OF_RANGE = "ERR DB index is out of range"
SAME_OBJECT = "ERR source and destination objects are the same"
STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"


def arity(command: str) -> str:
    """The wrong-number-of-arguments error for `command` (lower case, as
    the server names it; subcommands as 'object|encoding')."""
    return "ERR wrong number of arguments for '%s' command" % command


def invalid_expire(command: str) -> str:
    return "ERR invalid expire time in '%s' command" % command
