#include "commands/key_extraction.h"

#include <cstdint>

#include "base/ascii.h"
#include "base/numbers.h"

namespace osprey::commands {

namespace {

// Where the spec's keys begin: the position after its keyword, or its fixed
// index. 0 when the keyword is not there (the spec then contributes nothing);
// -1 for a begin search this code cannot apply.
int64_t BeginSearch(const KeySpec& spec, std::span<const std::string_view> args) {
  const int64_t argc = static_cast<int64_t>(args.size());
  switch (spec.begin_type) {
    case BeginSearchType::kIndex:
      return spec.index_pos;
    case BeginSearchType::kKeyword: {
      // A positive startfrom searches forward from there, a negative one
      // backward from the end. As in Redis, the search stops before the last
      // argument (forward) or before args[1] (backward).
      const int64_t from = spec.keyword_startfrom;
      const int64_t start = from > 0 ? from : argc + from;
      const int64_t end = from > 0 ? argc - 1 : 1;
      const int64_t step = start <= end ? 1 : -1;
      for (int64_t i = start; i != end; i += step) {
        if (i >= argc || i < 1) break;
        if (base::EqualsIgnoreCase(args[i], spec.keyword)) return i + 1;
      }
      return 0;
    }
    default:
      return -1;
  }
}

// The last key position for a spec whose keys begin at `first`; false when
// the spec cannot be applied to these arguments.
bool FindLast(const KeySpec& spec, std::span<const std::string_view> args, int64_t* first,
              int64_t* last, int64_t* step) {
  const int64_t argc = static_cast<int64_t>(args.size());
  if (spec.find_type == FindKeysType::kRange) {
    *step = spec.range_keystep;
    if (spec.range_lastkey >= 0) {
      *last = *first + spec.range_lastkey;
    } else if (spec.range_limit == 0) {
      *last = argc + spec.range_lastkey;
    } else {
      // Only 1/limit of the remaining arguments are keys (lastkey is -1).
      *last = *first + ((argc - *first) / spec.range_limit + spec.range_lastkey);
    }
    return true;
  }
  if (spec.find_type == FindKeysType::kKeynum) {
    *step = spec.keynum_keystep;
    const int64_t numkeys_at = *first + spec.keynum_index;
    if (numkeys_at >= argc) return false;
    int64_t numkeys = 0;
    if (!base::ParseInt64(args[numkeys_at], &numkeys) || numkeys < 0) return false;
    if (numkeys > argc) return false;  // can never fit; also keeps the sums small
    *first += spec.keynum_firstkey;
    *last = *first + numkeys - 1;
    return true;
  }
  return false;
}

}  // namespace

int GetKeysFromSpecs(const CommandDef& cmd, std::span<const std::string_view> args,
                     uint32_t search_flags, KeysResult* result) {
  result->keys.clear();
  const int64_t argc = static_cast<int64_t>(args.size());
  for (int j = 0; j < cmd.num_key_specs; ++j) {
    const KeySpec& spec = cmd.key_specs[j];
    if ((spec.flags & kKeyNotKey) && !(search_flags & kKeySearchIncludeNotKeys)) continue;

    bool valid = false;
    int64_t first = BeginSearch(spec, args);
    if (first == 0) continue;  // keyword absent: no keys from this spec
    int64_t last = 0;
    int64_t step = 1;
    if (first > 0 && FindLast(spec, args, &first, &last, &step)) {
      // Out-of-range positions mean a malformed request: the command itself
      // reports it, so the spec is treated as unusable here.
      valid = !(last >= argc || last < first || first >= argc) && step > 0;
    }
    if (valid) {
      for (int64_t i = first; i <= last; i += step) {
        result->keys.push_back({static_cast<int>(i), spec.flags});
      }
      // An incomplete spec may have missed keys: its keys are kept for a
      // partial search, but the full answer is not known.
      if (spec.flags & kKeyIncomplete) valid = false;
    }
    if (!valid && !(search_flags & kKeySearchReturnPartial)) {
      result->keys.clear();
      return -1;
    }
  }
  return static_cast<int>(result->keys.size());
}

int GetKeys(const CommandDef& cmd, std::span<const std::string_view> args, uint32_t search_flags,
            KeysResult* result) {
  bool has_real_spec = false;
  bool has_variable_flags = false;
  for (int j = 0; j < cmd.num_key_specs; ++j) {
    if (!(cmd.key_specs[j].flags & kKeyNotKey)) has_real_spec = true;
    if (cmd.key_specs[j].flags & kKeyVariableFlags) has_variable_flags = true;
  }
  // The specs are preferred, unless their flags depend on the arguments.
  if (has_real_spec && !has_variable_flags) {
    int n = GetKeysFromSpecs(cmd, args, search_flags, result);
    if (n >= 0) return n;
  }
  result->keys.clear();
  if (cmd.get_keys != nullptr) return cmd.get_keys(cmd, args, result);
  return 0;
}

bool CommandHasKeys(const CommandDef& cmd) {
  if (cmd.get_keys != nullptr) return true;
  for (int j = 0; j < cmd.num_key_specs; ++j) {
    if (!(cmd.key_specs[j].flags & kKeyNotKey)) return true;
  }
  return false;
}

int SetGetKeys(const CommandDef& /*cmd*/, std::span<const std::string_view> args,
               KeysResult* result) {
  result->keys.clear();
  if (args.size() < 2) return 0;
  uint32_t flags = kKeyOW | kKeyUpdate;
  for (size_t i = 3; i < args.size(); ++i) {
    // Redis compares the argument as a C string, so bytes after a NUL are ignored.
    std::string_view arg = args[i];
    if (arg.size() > 3 && arg[3] == '\0') arg = arg.substr(0, 3);
    if (base::EqualsIgnoreCase(arg, "get")) {
      flags = kKeyRW | kKeyAccess | kKeyUpdate;
      break;
    }
  }
  result->keys.push_back({1, flags});
  return 1;
}

namespace {

// An argument as Redis's strcasecmp sees it: a C string ends at its first NUL.
std::string_view AsCString(std::string_view arg) {
  const size_t nul = arg.find('\0');
  return nul == std::string_view::npos ? arg : arg.substr(0, nul);
}

}  // namespace

int SortGetKeys(const CommandDef& /*cmd*/, std::span<const std::string_view> args,
                KeysResult* result) {
  result->keys.clear();
  if (args.size() < 2) return 0;
  result->keys.push_back({1, kKeyRO | kKeyAccess});
  int store = 0;
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string_view arg = AsCString(args[i]);
    if (base::EqualsIgnoreCase(arg, "limit")) {
      i += 2;
    } else if (base::EqualsIgnoreCase(arg, "get") || base::EqualsIgnoreCase(arg, "by")) {
      i += 1;
    } else if (base::EqualsIgnoreCase(arg, "store") && i + 1 < args.size()) {
      // The last STORE wins, as in SORT itself.
      store = static_cast<int>(i + 1);
    }
  }
  if (store != 0) result->keys.push_back({store, kKeyOW | kKeyUpdate});
  return static_cast<int>(result->keys.size());
}

int SortRoGetKeys(const CommandDef& /*cmd*/, std::span<const std::string_view> args,
                  KeysResult* result) {
  result->keys.clear();
  if (args.size() < 2) return 0;
  result->keys.push_back({1, kKeyRO | kKeyAccess});
  return 1;
}

int BitFieldGetKeys(const CommandDef& /*cmd*/, std::span<const std::string_view> args,
                    KeysResult* result) {
  result->keys.clear();
  if (args.size() < 2) return 0;
  bool read_only = true;
  for (size_t i = 2; i < args.size(); ++i) {
    const size_t rest = args.size() - i - 1;
    const std::string_view arg = AsCString(args[i]);
    if (base::EqualsIgnoreCase(arg, "get") && rest >= 2) {
      i += 2;
    } else if (base::EqualsIgnoreCase(arg, "overflow") && rest >= 1) {
      i += 1;
    } else {
      // A write, or a request BITFIELD will refuse: not read-only either way.
      read_only = false;
      break;
    }
  }
  result->keys.push_back({1, read_only ? kKeyRO | kKeyAccess : kKeyRW | kKeyAccess | kKeyUpdate});
  return 1;
}

}  // namespace osprey::commands
