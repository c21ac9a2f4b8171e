// Parsing, formatting and rewriting of the scalar directive kinds (bool,
// numeric, enum, string), with Redis 7.0's rules and error texts. Special
// directives delegate to their own operations (config_special.cc).
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/ascii.h"
#include "base/numbers.h"
#include "base/split_args.h"
#include "server/config_def.h"

namespace osprey::server {
namespace {

// Redis reads these arguments as C strings, so a NUL byte ends them.
std::string_view UpToNul(std::string_view s) { return s.substr(0, s.find('\0')); }

base::Status Invalid(std::string msg) { return base::Status::InvalidArgument(std::move(msg)); }

base::Result<SetOutcome> SetBool(const ConfigDef& def, ServerConfig& cfg, std::string_view arg) {
  arg = UpToNul(arg);
  int64_t value;
  if (base::EqualsIgnoreCase(arg, "yes")) {
    value = 1;
  } else if (base::EqualsIgnoreCase(arg, "no")) {
    value = 0;
  } else {
    return Invalid("argument must be 'yes' or 'no'");
  }
  if (def.validate_int != nullptr) OSPREY_RETURN_IF_ERROR(def.validate_int(value));
  if (def.get_int(cfg) == value) return SetOutcome::kUnchanged;
  def.set_int(cfg, value);
  return SetOutcome::kChanged;
}

// strtoll in base 8 over the whole string, as Redis reads octal values:
// leading blanks and a sign pass, and "" reads as 0.
bool ParseOctal(std::string_view s, int64_t* out) {
  std::string buf(UpToNul(s));
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(buf.c_str(), &end, 8);
  if (errno != 0 || *end != '\0') return false;
  *out = v;
  return true;
}

base::Status ParseNumeric(const ConfigDef& def, std::string_view arg, int64_t* out) {
  const bool memory =
      def.format == NumericFormat::kMemory || def.format == NumericFormat::kMemoryOrPercent;
  if (memory) {
    uint64_t bytes;
    if (ParseMemory(arg, &bytes)) {
      *out = static_cast<int64_t>(bytes);
      return base::Status::Ok();
    }
  }
  if (def.format == NumericFormat::kMemoryOrPercent && arg.size() > 1 && arg.back() == '%') {
    int64_t percent;
    if (base::ParseInt64(arg.substr(0, arg.size() - 1), &percent) && percent >= 0) {
      *out = -percent;  // percentages are stored negated
      return base::Status::Ok();
    }
  }
  switch (def.format) {
    case NumericFormat::kOctal:
      if (ParseOctal(arg, out)) return base::Status::Ok();
      return Invalid("argument couldn't be parsed as an octal number");
    case NumericFormat::kInteger:
      if (base::ParseInt64(arg, out)) return base::Status::Ok();
      return Invalid("argument couldn't be parsed into an integer");
    case NumericFormat::kMemoryOrPercent:
      return Invalid("argument must be a memory or percent value");
    case NumericFormat::kMemory:
      break;
  }
  return Invalid("argument must be a memory value");
}

base::Status CheckBounds(const ConfigDef& def, int64_t v) {
  char buf[160];
  if (def.unsigned_bounds) {
    const uint64_t u = static_cast<uint64_t>(v);
    const uint64_t lo = static_cast<uint64_t>(def.lower);
    const uint64_t hi = static_cast<uint64_t>(def.upper);
    if (u >= lo && u <= hi) return base::Status::Ok();
    const char* fmt = def.format == NumericFormat::kOctal
                          ? "argument must be between %" PRIo64 " and %" PRIo64 " inclusive"
                          : "argument must be between %" PRIu64 " and %" PRIu64 " inclusive";
    std::snprintf(buf, sizeof(buf), fmt, lo, hi);
    return Invalid(buf);
  }
  if (def.format == NumericFormat::kMemoryOrPercent && v < 0) {
    if (v >= def.lower) return base::Status::Ok();
    std::snprintf(buf, sizeof(buf), "percentage argument must be less or equal to %" PRId64,
                  -def.lower);
    return Invalid(buf);
  }
  if (v >= def.lower && v <= def.upper) return base::Status::Ok();
  std::snprintf(buf, sizeof(buf), "argument must be between %" PRId64 " and %" PRId64 " inclusive",
                def.lower, def.upper);
  return Invalid(buf);
}

base::Result<SetOutcome> SetNumeric(const ConfigDef& def, ServerConfig& cfg, std::string_view arg) {
  int64_t v;
  OSPREY_RETURN_IF_ERROR(ParseNumeric(def, arg, &v));
  OSPREY_RETURN_IF_ERROR(CheckBounds(def, v));
  if (def.validate_int != nullptr) OSPREY_RETURN_IF_ERROR(def.validate_int(v));
  if (def.get_int(cfg) == v) return SetOutcome::kUnchanged;
  def.set_int(cfg, v);
  return SetOutcome::kChanged;
}

base::Status EnumError(const ConfigDef& def) {
  std::string msg = "argument(s) must be one of the following: ";
  for (size_t i = 0; i < def.enum_names.size(); ++i) {
    if (i > 0) msg += ", ";
    msg += def.enum_names[i].name;
  }
  // Redis builds this text in a 256-byte buffer.
  if (msg.size() > 255) msg.resize(255);
  return Invalid(std::move(msg));
}

base::Result<SetOutcome> SetEnum(const ConfigDef& def, ServerConfig& cfg,
                                 std::span<const std::string> args) {
  const bool bitflags = (def.flags & kConfigMultiArg) != 0;
  if (args.empty() || (!bitflags && args.size() != 1)) return EnumError(def);
  int64_t value = 0;
  for (const std::string& arg : args) {
    bool matched = false;
    for (const EnumName& e : def.enum_names) {
      if (base::EqualsIgnoreCase(UpToNul(arg), e.name)) {
        value |= e.value;
        matched = true;
      }
    }
    if (!matched) return EnumError(def);
  }
  if (def.validate_int != nullptr) OSPREY_RETURN_IF_ERROR(def.validate_int(value));
  if (def.get_int(cfg) == value) return SetOutcome::kUnchanged;
  def.set_int(cfg, value);
  return SetOutcome::kChanged;
}

std::string EnumNames(const ConfigDef& def, int64_t value) {
  const bool bitflags = (def.flags & kConfigMultiArg) != 0;
  std::string names;
  int64_t unmatched = value;
  for (const EnumName& e : def.enum_names) {
    if (e.value == value) return std::string(e.name);  // an exact name wins
    if (bitflags && e.value != 0 && (unmatched & e.value) == e.value) {
      if (!names.empty()) names += ' ';
      names += e.name;
      unmatched &= ~e.value;
    }
  }
  if (names.empty() || unmatched != 0) return "unknown";
  return names;
}

base::Result<SetOutcome> SetString(const ConfigDef& def, ServerConfig& cfg, std::string_view arg) {
  if (def.validate_str != nullptr) OSPREY_RETURN_IF_ERROR(def.validate_str(cfg, arg));
  std::string& field = cfg.*def.str;
  if (field == arg) return SetOutcome::kUnchanged;
  field.assign(arg);
  return SetOutcome::kChanged;
}

std::string FormatNumeric(const ConfigDef& def, int64_t v) {
  char buf[32];
  if (def.format == NumericFormat::kMemoryOrPercent && v < 0) {
    std::snprintf(buf, sizeof(buf), "%" PRId64 "%%", -v);
  } else if (def.format == NumericFormat::kMemory ||
             def.format == NumericFormat::kMemoryOrPercent) {
    std::snprintf(buf, sizeof(buf), "%" PRIu64, static_cast<uint64_t>(v));
  } else if (def.format == NumericFormat::kOctal) {
    std::snprintf(buf, sizeof(buf), "%" PRIo64, static_cast<uint64_t>(v));
  } else {
    std::snprintf(buf, sizeof(buf), "%" PRId64, v);
  }
  return buf;
}

void RewriteNumeric(const ConfigDef& def, int64_t v, int64_t def_v, RewriteSink& sink) {
  std::string line(def.name);
  line += ' ';
  if (def.format == NumericFormat::kMemoryOrPercent && v < 0) {
    line += FormatNumeric(def, v);
  } else if (def.format == NumericFormat::kMemory ||
             def.format == NumericFormat::kMemoryOrPercent) {
    line += FormatMemoryForRewrite(v);
  } else {
    line += FormatNumeric(def, v);
  }
  sink.Line(def.name, std::move(line), v != def_v);
}

}  // namespace

bool ParseMemory(std::string_view s, uint64_t* out) {
  s = UpToNul(s);
  if (!s.empty() && s[0] == '-') return false;
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  if (digits >= 128) return false;  // Redis copies the digits into a 128-byte buffer
  const std::string_view unit = s.substr(digits);
  uint64_t mul;
  if (unit.empty() || base::EqualsIgnoreCase(unit, "b")) {
    mul = 1;
  } else if (base::EqualsIgnoreCase(unit, "k")) {
    mul = 1000;
  } else if (base::EqualsIgnoreCase(unit, "kb")) {
    mul = 1024;
  } else if (base::EqualsIgnoreCase(unit, "m")) {
    mul = 1000 * 1000;
  } else if (base::EqualsIgnoreCase(unit, "mb")) {
    mul = 1024 * 1024;
  } else if (base::EqualsIgnoreCase(unit, "g")) {
    mul = 1000ull * 1000 * 1000;
  } else if (base::EqualsIgnoreCase(unit, "gb")) {
    mul = 1024ull * 1024 * 1024;
  } else {
    return false;
  }
  // Redis converts with strtoull and ignores ERANGE and the multiplication's
  // overflow: too many digits saturate, and the product wraps.
  uint64_t value = 0;
  for (size_t i = 0; i < digits; ++i) {
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (value > (UINT64_MAX - d) / 10) {
      value = UINT64_MAX;
      break;
    }
    value = value * 10 + d;
  }
  *out = value * mul;
  return true;
}

std::string FormatMemoryForRewrite(int64_t bytes) {
  const uint64_t u = static_cast<uint64_t>(bytes);
  constexpr uint64_t kGb = 1ull << 30, kMb = 1ull << 20, kKb = 1ull << 10;
  char buf[32];
  if (u != 0 && u % kGb == 0) {
    std::snprintf(buf, sizeof(buf), "%" PRIu64 "gb", u / kGb);
  } else if (u != 0 && u % kMb == 0) {
    std::snprintf(buf, sizeof(buf), "%" PRIu64 "mb", u / kMb);
  } else if (u != 0 && u % kKb == 0) {
    std::snprintf(buf, sizeof(buf), "%" PRIu64 "kb", u / kKb);
  } else {
    std::snprintf(buf, sizeof(buf), "%" PRIu64, u);
  }
  return buf;
}

std::vector<std::string> SplitOnSpaces(std::string_view value) {
  std::vector<std::string> out;
  if (value.empty()) return out;
  size_t start = 0;
  while (true) {
    const size_t sp = value.find(' ', start);
    if (sp == std::string_view::npos) {
      out.emplace_back(value.substr(start));
      return out;
    }
    out.emplace_back(value.substr(start, sp - start));
    start = sp + 1;
  }
}

base::Result<SetOutcome> SetDirective(const ConfigDef& def, ServerConfig& cfg,
                                      std::span<const std::string> args, SpecialSetContext& ctx) {
  base::Result<SetOutcome> result = SetOutcome::kUnchanged;
  switch (def.kind) {
    case ConfigKind::kBool:
      result = SetBool(def, cfg, args.empty() ? std::string_view() : args[0]);
      break;
    case ConfigKind::kNumeric:
      result = SetNumeric(def, cfg, args.empty() ? std::string_view() : args[0]);
      break;
    case ConfigKind::kEnum:
      result = SetEnum(def, cfg, args);
      break;
    case ConfigKind::kString:
      result = SetString(def, cfg, args.empty() ? std::string_view() : args[0]);
      break;
    case ConfigKind::kSpecial: {
      base::Status st = def.special->set(cfg, args, ctx);
      if (!st.ok()) return st;
      result = SetOutcome::kChanged;
      break;
    }
  }
  if (!result.ok()) return result;
  if (def.normalize != nullptr) def.normalize(cfg);
  if ((def.flags & kConfigVolatile) != 0) return SetOutcome::kChanged;
  return result;
}

std::string GetDirective(const ConfigDef& def, const ServerConfig& cfg) {
  switch (def.kind) {
    case ConfigKind::kBool:
      return def.get_int(cfg) != 0 ? "yes" : "no";
    case ConfigKind::kNumeric:
      return FormatNumeric(def, def.get_int(cfg));
    case ConfigKind::kEnum:
      return EnumNames(def, def.get_int(cfg));
    case ConfigKind::kString:
      return cfg.*def.str;
    case ConfigKind::kSpecial:
      return def.special->get(cfg);
  }
  return std::string();
}

void RewriteDirective(const ConfigDef& def, const ServerConfig& cfg, const ServerConfig& defaults,
                      RewriteSink& sink) {
  std::string line(def.name);
  line += ' ';
  switch (def.kind) {
    case ConfigKind::kBool: {
      const int64_t v = def.get_int(cfg);
      line += v != 0 ? "yes" : "no";
      sink.Line(def.name, std::move(line), v != def.get_int(defaults));
      return;
    }
    case ConfigKind::kNumeric:
      RewriteNumeric(def, def.get_int(cfg), def.get_int(defaults), sink);
      return;
    case ConfigKind::kEnum: {
      const int64_t v = def.get_int(cfg);
      line += EnumNames(def, v);
      sink.Line(def.name, std::move(line), v != def.get_int(defaults));
      return;
    }
    case ConfigKind::kString: {
      const std::string& v = cfg.*def.str;
      // An unset value must be absent from the file to stay unset.
      if (def.empty_is_null && v.empty()) {
        sink.MarkProcessed(def.name);
        return;
      }
      const bool force = def.empty_is_null || v != defaults.*def.str;
      base::AppendQuoted(line, v);
      sink.Line(def.name, std::move(line), force);
      return;
    }
    case ConfigKind::kSpecial:
      def.special->rewrite(cfg, def.name, sink);
      return;
  }
}

}  // namespace osprey::server
