// The AOF base as commands (aof-use-rdb-preamble no): each key rebuilt by
// the commands Redis 7 writes for it in a rewrite. A string is one SET; a
// list, set or sorted set is RPUSH, SADD or ZADD with at most
// kAofRewriteItemsPerCommand elements each; a hash is HMSET the same way.
// A hash with field expire times gets one HMSET per field, each followed by
// HPEXPIREAT ... FIELDS 1 <field> when the field has a time (Redis 7.4's
// form). A stream is one XADD per entry with its ID (XADD MAXLEN 0 of a
// throwaway entry when it has none), XSETID with its last ID, entries-added
// count and largest deleted ID, then per group XGROUP CREATE ... ENTRIESREAD
// and per consumer XCLAIM ... JUSTID FORCE for each entry it owns (keeping
// delivery time and count) or XGROUP CREATECONSUMER when it owns none.
// A key's own expire time follows its value as PEXPIREAT.
// The format is described in docs/formats/aof.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "keyspace/entry.h"

namespace osprey::keyspace {
class Keyspace;
}

namespace osprey::persistence {

// Redis's AOF_REWRITE_ITEMS_PER_CMD: elements (or field-value pairs, or
// score-member pairs) per command.
inline constexpr size_t kAofRewriteItemsPerCommand = 64;

// Appends to *out, in RESP, the commands that rebuild `key` holding `e`'s
// value, then PEXPIREAT when `e` has an expire time. Fields whose time has
// passed but which are still stored are written too (with their time, so
// a load removes them again). REQUIRES: e holds a string, list, set,
// sorted set, hash or stream.
void AppendKeyAsCommands(std::string* out, std::string_view key, keyspace::Entry e);

// Appends the whole data set: for every database holding keys, SELECT and
// then each key as AppendKeyAsCommands writes it.
void AppendDatasetAsCommands(std::string* out, const keyspace::Keyspace& ks);

}  // namespace osprey::persistence
