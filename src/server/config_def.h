// How one configuration directive is described: its names, flags, value kind
// and the operations that parse, format and rewrite it. The table of every
// directive lives in config_directives.cc; the registry only walks it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "server/server_config.h"

namespace osprey::server {

enum ConfigFlag : uint32_t {
  kConfigImmutable = 1u << 0,    // start-up only: CONFIG SET refuses it
  kConfigSensitive = 1u << 1,    // the value is redacted from logs and slowlog
  kConfigMultiArg = 1u << 2,     // the value is several space-separated words
  kConfigHidden = 1u << 3,       // CONFIG GET lists it only for its exact name
  kConfigProtected = 1u << 4,    // CONFIG SET needs enable-protected-configs
  kConfigDenyLoading = 1u << 5,  // CONFIG SET refuses it while loading data
  kConfigVolatile = 1u << 6,     // names a file whose content may change: setting the
                                 // same value again still runs the apply hook
};

enum class ConfigKind { kBool, kNumeric, kEnum, kString, kSpecial };

// How a numeric directive reads and prints its value.
enum class NumericFormat {
  kInteger,          // canonical decimal only
  kMemory,           // "100", "1k" (1000), "1kb" (1024), "5mb", "1gb"...
  kMemoryOrPercent,  // kMemory or "N%", stored as -N
  kOctal,            // unixsocketperm: "700"
};

struct EnumName {
  std::string_view name;
  int64_t value;
};

// Collects what CONFIG REWRITE should write for each directive.
class RewriteSink {
 public:
  virtual ~RewriteSink() = default;
  // Writes `line` for `option`, in place of the option's next unused line in
  // the old file, or appended at the end when there is none and `force` is
  // set (a non-default value). Otherwise the line is dropped.
  virtual void Line(std::string_view option, std::string line, bool force) = 0;
  // Marks `option` handled, so its remaining old lines are blanked.
  virtual void MarkProcessed(std::string_view option) = 0;
};

// State a special directive's setter may need besides the config itself.
struct SpecialSetContext {
  // True while reading a config file (not for CONFIG SET): the first "save"
  // line then replaces the default save points and later ones append.
  bool reading_file = false;
  bool* save_loaded = nullptr;
};

// Operations of a directive whose value is not a single scalar.
struct SpecialOps {
  base::Status (*set)(ServerConfig& cfg, std::span<const std::string> args, SpecialSetContext& ctx);
  std::string (*get)(const ServerConfig& cfg);
  void (*rewrite)(const ServerConfig& cfg, std::string_view name, RewriteSink& sink);
};

struct ConfigDef {
  std::string_view name;
  std::string_view alias;  // "" when there is none
  uint32_t flags = 0;
  ConfigKind kind = ConfigKind::kBool;
  // False for directives whose feature Osprey does not implement yet: they are
  // accepted, validated and stored, and the server may warn when one is set
  // to a non-default value.
  bool implemented = true;

  // kBool, kNumeric and kEnum: the field as an integer (bools 0/1, enums by
  // value, uint64_t fields by bit pattern).
  int64_t (*get_int)(const ServerConfig&) = nullptr;
  void (*set_int)(ServerConfig&, int64_t) = nullptr;

  // kNumeric.
  NumericFormat format = NumericFormat::kInteger;
  int64_t lower = 0;
  int64_t upper = 0;
  bool unsigned_bounds = false;  // compare (and print) bounds as unsigned

  // kEnum. With kConfigMultiArg the value is a set of bit flags.
  std::span<const EnumName> enum_names;

  // kString. With `empty_is_null`, "" means unset: CONFIG REWRITE then drops
  // the directive instead of writing `name ""`.
  std::string ServerConfig::*str = nullptr;
  bool empty_is_null = false;

  // kSpecial.
  const SpecialOps* special = nullptr;

  // Optional extra check after the value parsed (for strings: the new text;
  // for the rest: the new integer). Returns the error text on failure.
  base::Status (*validate_int)(int64_t value) = nullptr;
  base::Status (*validate_str)(const ServerConfig& cfg, std::string_view value) = nullptr;
  // Optional fix-up after a successful set (hz is clamped to 1..500).
  void (*normalize)(ServerConfig& cfg) = nullptr;
  // Optional fix-up after CONFIG SET changed the value, but not at load
  // (Redis raises repl-backlog-size to 16kb only when applying a change).
  void (*on_config_set)(ServerConfig& cfg) = nullptr;
};

// Every directive, in a stable order (CONFIG REWRITE appends in this order).
std::span<const ConfigDef> ConfigDirectives();

// A name a directive answers to: its primary name or its alias.
struct ConfigName {
  std::string_view name;
  const ConfigDef* def;
  size_t index;  // of def in ConfigDirectives()
  bool is_alias;
};
// Every name (aliases included), sorted.
std::span<const ConfigName> ConfigNames();
// The entry for `name` in any case, or null.
const ConfigName* FindConfigName(std::string_view name);

// ---------------------------------------------------------------- values

enum class SetOutcome { kChanged, kUnchanged };

// Parses `args` (already split) into `cfg` for `def`. On failure `cfg` may
// be partly changed for special directives; callers restore from a copy.
base::Result<SetOutcome> SetDirective(const ConfigDef& def, ServerConfig& cfg,
                                      std::span<const std::string> args, SpecialSetContext& ctx);
// The value as CONFIG GET shows it.
std::string GetDirective(const ConfigDef& def, const ServerConfig& cfg);
// What CONFIG REWRITE writes for `def`; `defaults` decides what is forced.
void RewriteDirective(const ConfigDef& def, const ServerConfig& cfg, const ServerConfig& defaults,
                      RewriteSink& sink);

// Redis's memory value rules: digits then an optional unit b, k, kb, m, mb,
// g, gb (any case); k/m/g are powers of 1000, kb/mb/gb of 1024. No sign, no
// spaces. Like Redis, an empty number counts as 0 and an overflow saturates.
bool ParseMemory(std::string_view s, uint64_t* out);
// The shortest "<n>gb" / "<n>mb" / "<n>kb" / "<n>" form CONFIG REWRITE writes.
std::string FormatMemoryForRewrite(int64_t bytes);
// Splits a CONFIG SET value of a multi-argument directive on single spaces
// (so "" is no argument and "a  b" has an empty one in the middle).
std::vector<std::string> SplitOnSpaces(std::string_view value);

// notify-keyspace-events letters <-> keyspace::NotifyClass bits. Parse
// returns false on a letter outside "Ag$lshzxeKEtmdn".
bool ParseNotifyKeyspaceEvents(std::string_view classes, uint32_t* flags);
std::string FormatNotifyKeyspaceEvents(uint32_t flags);

// The directives with their own value syntax (config_special.cc).
extern const SpecialOps kSaveOps;
extern const SpecialOps kBindOps;
extern const SpecialOps kClientOutputBufferLimitOps;
extern const SpecialOps kOomScoreAdjValuesOps;
extern const SpecialOps kNotifyKeyspaceEventsOps;
extern const SpecialOps kReplicaOfOps;
extern const SpecialOps kLatencyTrackingInfoPercentilesOps;
extern const SpecialOps kDirOps;

}  // namespace osprey::server
