// Finds the key arguments of a request from its command's definition: the
// key specs (where the keys begin, then which arguments follow), or, for the
// few commands the specs cannot fully describe, the command's own finder.
// Used by COMMAND GETKEYS, cluster slot routing and ACL key checks; the
// results equal Redis 7.0's, edge cases included.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "commands/command_def.h"

namespace osprey::commands {

struct KeyReference {
  int pos = 0;         // index into the request's args (args[0] is the command name)
  uint32_t flags = 0;  // KeySpecFlag bits of the spec that found the key
};

// Reusable between calls: keeps its capacity.
struct KeysResult {
  std::vector<KeyReference> keys;
  size_t size() const { return keys.size(); }
};

enum KeySearchFlag : uint32_t {
  kKeySearchDefault = 0,
  // Also report arguments of specs marked NOT_KEY (names that only look like keys).
  kKeySearchIncludeNotKeys = 1u << 0,
  // Skip specs that cannot be applied (or are incomplete) and keep the keys
  // the others find, instead of failing.
  kKeySearchReturnPartial = 1u << 1,
};

// Applies every key spec of `cmd` to `args` (Redis's getKeysUsingKeySpecs).
// Returns the number of keys put in `result`, or -1 when some spec cannot be
// applied (unknown search, bad key count, positions past the end) or is
// incomplete, unless kKeySearchReturnPartial is given; on -1 `result` is empty.
// Never reads past `args`, whatever the request.
int GetKeysFromSpecs(const CommandDef& cmd, std::span<const std::string_view> args,
                     uint32_t search_flags, KeysResult* result);

// The keys of a request (Redis's getKeysFromCommandWithSpecs): from the key
// specs when they are complete and their flags fixed, else from the command's
// own finder (CommandDef::get_keys). Returns the number of keys; 0 when none
// can be found.
int GetKeys(const CommandDef& cmd, std::span<const std::string_view> args, uint32_t search_flags,
            KeysResult* result);

// Whether the command can have key arguments at all (a spec that is not
// NOT_KEY, or its own finder).
bool CommandHasKeys(const CommandDef& cmd);

// --- Commands' own key finders (named by "get_keys_function" in defs/) ---

// SET: the key is always args[1]; with a GET argument it is read as well as
// written (RW ACCESS UPDATE), otherwise only overwritten (OW UPDATE).
int SetGetKeys(const CommandDef& cmd, std::span<const std::string_view> args, KeysResult* result);

// SORT: the sorted key (args[1], RO ACCESS), and the destination of the last
// STORE option (OW UPDATE). Options are skipped with their arguments (LIMIT
// two, GET and BY one) so that a pattern spelled "store" is not taken for
// the option; an unknown word counts as an option without arguments.
int SortGetKeys(const CommandDef& cmd, std::span<const std::string_view> args, KeysResult* result);
// SORT_RO: only the sorted key (it has no STORE).
int SortRoGetKeys(const CommandDef& cmd, std::span<const std::string_view> args,
                  KeysResult* result);
// BITFIELD: the key (args[1]) is RO ACCESS when every subcommand is a GET
// or OVERFLOW, otherwise (a SET, an INCRBY, or anything unparsable) RW
// ACCESS UPDATE.
int BitFieldGetKeys(const CommandDef& cmd, std::span<const std::string_view> args,
                    KeysResult* result);

}  // namespace osprey::commands
