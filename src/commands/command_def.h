// What Osprey knows about each command, as data: name, arity, flags, key
// specs, ACL categories and the documentation COMMAND DOCS returns. The
// definitions are written as JSON (src/commands/defs/*.json) and compiled
// into constant tables by gen_command_table.py; dispatch, COMMAND, ACL and
// cluster routing all read these tables. The facts equal Redis 7.0's.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace osprey::commands {

struct CommandDef;
struct KeysResult;  // commands/key_extraction.h

// A command's own key finder, for the few commands whose key specs cannot say
// everything (Redis's getkeys_proc; SET's GET option changes its key flags).
// Fills `result` with the key positions in `args` (args[0] is the command
// name) and returns their number.
using GetKeysFunction = int (*)(const CommandDef& cmd, std::span<const std::string_view> args,
                                KeysResult* result);

// Command flags (COMMAND INFO's second field). Bit positions are ours.
enum CommandFlag : uint64_t {
  kCmdWrite = 1ull << 0,
  kCmdReadonly = 1ull << 1,
  kCmdDenyOom = 1ull << 2,
  kCmdModule = 1ull << 3,
  kCmdAdmin = 1ull << 4,
  kCmdPubsub = 1ull << 5,
  kCmdNoScript = 1ull << 6,
  kCmdBlocking = 1ull << 7,
  kCmdLoading = 1ull << 8,
  kCmdStale = 1ull << 9,
  kCmdSkipMonitor = 1ull << 10,
  kCmdSkipSlowlog = 1ull << 11,
  kCmdAsking = 1ull << 12,
  kCmdFast = 1ull << 13,
  kCmdNoAuth = 1ull << 14,
  kCmdMayReplicate = 1ull << 15,   // not shown by COMMAND INFO
  kCmdSentinel = 1ull << 16,       // not shown
  kCmdOnlySentinel = 1ull << 17,   // not shown
  kCmdNoMandatoryKeys = 1ull << 18,
  kCmdProtected = 1ull << 19,      // not shown
  kCmdNoAsyncLoading = 1ull << 20,
  kCmdNoMulti = 1ull << 21,
  kCmdMovableKeys = 1ull << 22,    // derived from the key specs
  kCmdAllowBusy = 1ull << 23,
  kCmdTouchesArbitraryKeys = 1ull << 24,  // not shown
};

// ACL categories, in the order Redis lists them.
enum AclCategory : uint64_t {
  kAclKeyspace = 1ull << 0,
  kAclRead = 1ull << 1,
  kAclWrite = 1ull << 2,
  kAclSet = 1ull << 3,
  kAclSortedSet = 1ull << 4,
  kAclList = 1ull << 5,
  kAclHash = 1ull << 6,
  kAclString = 1ull << 7,
  kAclBitmap = 1ull << 8,
  kAclHyperLogLog = 1ull << 9,
  kAclGeo = 1ull << 10,
  kAclStream = 1ull << 11,
  kAclPubsub = 1ull << 12,
  kAclAdmin = 1ull << 13,
  kAclFast = 1ull << 14,
  kAclSlow = 1ull << 15,
  kAclBlocking = 1ull << 16,
  kAclDangerous = 1ull << 17,
  kAclConnection = 1ull << 18,
  kAclTransaction = 1ull << 19,
  kAclScripting = 1ull << 20,
};
inline constexpr int kAclCategoryCount = 21;
// Category names without the '@', indexed by bit position.
extern const char* const kAclCategoryNames[kAclCategoryCount];

enum KeySpecFlag : uint32_t {
  kKeyRO = 1u << 0,
  kKeyRW = 1u << 1,
  kKeyOW = 1u << 2,
  kKeyRM = 1u << 3,
  kKeyAccess = 1u << 4,
  kKeyUpdate = 1u << 5,
  kKeyInsert = 1u << 6,
  kKeyDelete = 1u << 7,
  kKeyNotKey = 1u << 8,
  kKeyIncomplete = 1u << 9,
  kKeyVariableFlags = 1u << 10,
};

enum class BeginSearchType : uint8_t { kInvalid, kUnknown, kIndex, kKeyword };
enum class FindKeysType : uint8_t { kInvalid, kUnknown, kRange, kKeynum };

// Where a command's keys are, as Redis's key specs describe it: first find
// where the keys begin (an index, or after a keyword), then which follow.
struct KeySpec {
  const char* notes = nullptr;
  uint32_t flags = 0;
  BeginSearchType begin_type = BeginSearchType::kInvalid;
  int index_pos = 0;                  // kIndex
  const char* keyword = nullptr;      // kKeyword
  int keyword_startfrom = 0;          // kKeyword
  FindKeysType find_type = FindKeysType::kInvalid;
  int range_lastkey = 0;              // kRange
  int range_keystep = 0;
  int range_limit = 0;
  int keynum_index = 0;               // kKeynum
  int keynum_firstkey = 0;
  int keynum_keystep = 0;
};

enum class ArgType : uint8_t {
  kString, kInteger, kDouble, kKey, kPattern, kUnixTime, kPureToken, kOneOf, kBlock,
};
enum ArgFlag : uint32_t { kArgOptional = 1, kArgMultiple = 2, kArgMultipleToken = 4 };

struct CommandArg {
  const char* name = nullptr;
  ArgType type = ArgType::kString;
  int key_spec_index = -1;
  const char* token = nullptr;
  const char* summary = nullptr;
  const char* since = nullptr;
  uint32_t flags = 0;
  const char* deprecated_since = nullptr;
  const CommandArg* subargs = nullptr;
  int num_subargs = 0;
};

struct HistoryEntry {
  const char* version;
  const char* description;
};

enum class CommandGroup : uint8_t {
  kGeneric, kString, kList, kSet, kSortedSet, kHash, kPubsub, kTransactions, kConnection,
  kServer, kScripting, kHyperLogLog, kCluster, kSentinel, kGeo, kStream, kBitmap, kModule,
};
// The name COMMAND DOCS gives a group ("generic", "sorted-set", ...).
std::string_view CommandGroupName(CommandGroup group);

enum DocFlag : uint32_t { kDocDeprecated = 1, kDocSyscmd = 2 };

struct CommandDef {
  int id = 0;                       // index in the flat table (stats, handlers)
  const char* name = nullptr;       // lower case: "get"; for a subcommand "get"
  const char* fullname = nullptr;   // "get", or "config|get" for a subcommand
  const CommandDef* parent = nullptr;
  int arity = 0;
  uint64_t flags = 0;
  uint64_t acl_categories = 0;      // including those implied by the flags
  CommandGroup group = CommandGroup::kGeneric;
  const char* summary = nullptr;
  const char* since = nullptr;
  const char* complexity = nullptr;
  uint32_t doc_flags = 0;
  const char* deprecated_since = nullptr;
  const char* replaced_by = nullptr;
  const HistoryEntry* history = nullptr;
  int num_history = 0;
  const char* const* tips = nullptr;
  int num_tips = 0;
  const KeySpec* key_specs = nullptr;
  int num_key_specs = 0;
  // The (first, last, step) triple COMMAND INFO shows, derived from the specs
  // as Redis derives it. legacy_last is an absolute position, or negative to
  // count from the end (-1: the last argument); all three are 0 without keys.
  int legacy_first = 0;
  int legacy_last = 0;
  int legacy_step = 0;
  const CommandArg* args = nullptr;
  int num_args = 0;
  const CommandDef* const* subcommands = nullptr;
  int num_subcommands = 0;
  // Set only for commands whose keys the specs alone cannot describe.
  GetKeysFunction get_keys = nullptr;

  bool has(CommandFlag f) const { return (flags & f) != 0; }
  bool is_container() const { return num_subcommands > 0; }
};

}  // namespace osprey::commands
