// The directives with a value syntax of their own: save, bind,
// client-output-buffer-limit, oom-score-adj-values, notify-keyspace-events,
// replicaof, latency-tracking-info-percentiles and dir. Each parses,
// formats and rewrites itself the way Redis 7.0 does, error texts included.
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "base/ascii.h"
#include "base/numbers.h"
#include "base/split_args.h"
#include "keyspace/notifications.h"
#include "server/config_def.h"

namespace osprey::server {
namespace {

base::Status Invalid(const char* msg) { return base::Status::InvalidArgument(msg); }

// C strtoll(s, &end, 10) over the whole string, which is how Redis reads these
// numbers: leading blanks and a sign pass, "" reads as 0, overflow saturates.
bool StrToLL(std::string_view s, long long* out) {
  std::string buf(s.substr(0, s.find('\0')));
  char* end = nullptr;
  long long v = std::strtoll(buf.c_str(), &end, 10);
  if (*end != '\0') return false;
  *out = v;
  return true;
}

bool IsSingleEmptyArg(std::span<const std::string> args) {
  return args.size() == 1 && args[0].empty();
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += ' ';
    out += words[i];
  }
  return out;
}

// ------------------------------------------------------------------- save

base::Status SetSave(ServerConfig& cfg, std::span<const std::string> args, SpecialSetContext& ctx) {
  // `save ""` clears the list.
  if (IsSingleEmptyArg(args)) {
    cfg.save.clear();
    args = {};
  }
  if (args.size() % 2 != 0) return Invalid("Invalid save parameters");
  std::vector<SavePoint> points;
  for (size_t j = 0; j < args.size(); j += 2) {
    long long seconds, changes;
    if (!StrToLL(args[j], &seconds) || seconds < 1 || !StrToLL(args[j + 1], &changes) ||
        changes < 0) {
      return Invalid("Invalid save parameters");
    }
    points.push_back({seconds, static_cast<int>(changes)});
  }
  // In a config file the first save line replaces the defaults and the next
  // ones add to it; CONFIG SET always replaces the whole list.
  if (!ctx.reading_file || ctx.save_loaded == nullptr || !*ctx.save_loaded) {
    if (ctx.save_loaded != nullptr && ctx.reading_file) *ctx.save_loaded = true;
    cfg.save.clear();
  }
  cfg.save.insert(cfg.save.end(), points.begin(), points.end());
  return base::Status::Ok();
}

std::string GetSave(const ServerConfig& cfg) {
  std::string out;
  for (const SavePoint& p : cfg.save) {
    if (!out.empty()) out += ' ';
    out += std::to_string(p.seconds) + " " + std::to_string(p.changes);
  }
  return out;
}

void RewriteSave(const ServerConfig& cfg, std::string_view name, RewriteSink& sink) {
  // Written even when default, and as `save ""` when empty, so that the
  // built-in default never comes back on restart.
  if (cfg.save.empty()) {
    sink.Line(name, "save \"\"", true);
  } else {
    for (const SavePoint& p : cfg.save) {
      sink.Line(name, "save " + std::to_string(p.seconds) + " " + std::to_string(p.changes), true);
    }
  }
  sink.MarkProcessed(name);
}

// ------------------------------------------------------------------- bind

constexpr size_t kMaxBindAddresses = 16;

base::Status SetBind(ServerConfig& cfg, std::span<const std::string> args, SpecialSetContext&) {
  if (args.size() > kMaxBindAddresses) return Invalid("Too many bind addresses specified.");
  if (IsSingleEmptyArg(args)) args = {};
  cfg.bind.assign(args.begin(), args.end());
  return base::Status::Ok();
}

std::string GetBind(const ServerConfig& cfg) { return Join(cfg.bind); }

void RewriteBind(const ServerConfig& cfg, std::string_view name, RewriteSink& sink) {
  if (cfg.bind == ServerConfig().bind) {
    sink.MarkProcessed(name);
    return;
  }
  std::string line(name);
  line += ' ';
  line += cfg.bind.empty() ? "\"\"" : Join(cfg.bind);
  sink.Line(name, std::move(line), true);
}

// ------------------------------------------------ client-output-buffer-limit

// "slave" and "replica" name the same class; "master" is refused.
bool ClientClassByName(std::string_view name, ClientClass* out) {
  if (base::EqualsIgnoreCase(name, "normal")) {
    *out = ClientClass::kNormal;
  } else if (base::EqualsIgnoreCase(name, "slave") || base::EqualsIgnoreCase(name, "replica")) {
    *out = ClientClass::kReplica;
  } else if (base::EqualsIgnoreCase(name, "pubsub")) {
    *out = ClientClass::kPubsub;
  } else {
    return false;
  }
  return true;
}

constexpr ClientClass kClientClasses[] = {ClientClass::kNormal, ClientClass::kReplica,
                                          ClientClass::kPubsub};

base::Status SetClientOutputBufferLimit(ServerConfig& cfg, std::span<const std::string> args,
                                        SpecialSetContext&) {
  if (args.size() % 4 != 0) {
    return Invalid("Wrong number of arguments in buffer limit configuration.");
  }
  // Everything is checked before anything changes.
  ClientOutputBufferLimits next = cfg.client_output_buffer_limit;
  for (size_t j = 0; j < args.size(); j += 4) {
    ClientClass cls;
    if (!ClientClassByName(args[j], &cls)) {
      return Invalid("Invalid client class specified in buffer limit configuration.");
    }
    ClientBufferLimit limit;
    long long seconds;
    if (!ParseMemory(args[j + 1], &limit.hard) || !ParseMemory(args[j + 2], &limit.soft) ||
        !StrToLL(args[j + 3], &seconds) || static_cast<int>(seconds) < 0) {
      return Invalid("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    }
    limit.soft_seconds = static_cast<int>(seconds);  // Redis keeps it in an int
    next[cls] = limit;
  }
  cfg.client_output_buffer_limit = next;
  return base::Status::Ok();
}

std::string GetClientOutputBufferLimit(const ServerConfig& cfg) {
  static constexpr const char* kNames[] = {"normal", "slave", "pubsub"};
  std::string out;
  char buf[96];
  for (ClientClass cls : kClientClasses) {
    const ClientBufferLimit& l = cfg.client_output_buffer_limit[cls];
    std::snprintf(buf, sizeof(buf), "%s%s %" PRIu64 " %" PRIu64 " %" PRId64, out.empty() ? "" : " ",
                  kNames[static_cast<int>(cls)], l.hard, l.soft, l.soft_seconds);
    out += buf;
  }
  return out;
}

void RewriteClientOutputBufferLimit(const ServerConfig& cfg, std::string_view name,
                                    RewriteSink& sink) {
  static constexpr const char* kNames[] = {"normal", "replica", "pubsub"};
  const ClientOutputBufferLimits defaults;
  for (ClientClass cls : kClientClasses) {
    const ClientBufferLimit& l = cfg.client_output_buffer_limit[cls];
    std::string line(name);
    line += ' ';
    line += kNames[static_cast<int>(cls)];
    line += ' ' + FormatMemoryForRewrite(static_cast<int64_t>(l.hard));
    line += ' ' + FormatMemoryForRewrite(static_cast<int64_t>(l.soft));
    line += ' ' + std::to_string(l.soft_seconds);
    sink.Line(name, std::move(line), !(l == defaults[cls]));
  }
}

// --------------------------------------------------- oom-score-adj-values

base::Status SetOomScoreAdjValues(ServerConfig& cfg, std::span<const std::string> args,
                                  SpecialSetContext&) {
  if (args.size() != cfg.oom_score_adj_values.size()) return Invalid("wrong number of arguments");
  std::array<int, 3> values;
  for (size_t i = 0; i < values.size(); ++i) {
    long long v;
    if (!StrToLL(args[i], &v) || v < -2000 || v > 2000) {
      return Invalid("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
    }
    values[i] = static_cast<int>(v);
  }
  cfg.oom_score_adj_values = values;
  return base::Status::Ok();
}

std::string GetOomScoreAdjValues(const ServerConfig& cfg) {
  const auto& v = cfg.oom_score_adj_values;
  return std::to_string(v[0]) + " " + std::to_string(v[1]) + " " + std::to_string(v[2]);
}

void RewriteOomScoreAdjValues(const ServerConfig& cfg, std::string_view name, RewriteSink& sink) {
  std::string line(name);
  line += ' ' + GetOomScoreAdjValues(cfg);
  sink.Line(name, std::move(line), cfg.oom_score_adj_values != ServerConfig().oom_score_adj_values);
}

// -------------------------------------------------- notify-keyspace-events

base::Status SetNotifyKeyspaceEvents(ServerConfig& cfg, std::span<const std::string> args,
                                     SpecialSetContext&) {
  if (args.size() != 1) return Invalid("wrong number of arguments");
  uint32_t flags;
  if (!ParseNotifyKeyspaceEvents(args[0], &flags)) {
    return Invalid("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  }
  cfg.notify_keyspace_events = flags;
  return base::Status::Ok();
}

std::string GetNotifyKeyspaceEvents(const ServerConfig& cfg) {
  return FormatNotifyKeyspaceEvents(cfg.notify_keyspace_events);
}

void RewriteNotifyKeyspaceEvents(const ServerConfig& cfg, std::string_view name,
                                 RewriteSink& sink) {
  std::string line(name);
  line += ' ';
  base::AppendQuoted(line, FormatNotifyKeyspaceEvents(cfg.notify_keyspace_events));
  sink.Line(name, std::move(line), cfg.notify_keyspace_events != 0);
}

// -------------------------------------------------------------- replicaof

base::Status SetReplicaOf(ServerConfig& cfg, std::span<const std::string> args,
                          SpecialSetContext&) {
  if (args.size() != 2) return Invalid("wrong number of arguments");
  cfg.replicaof_host.clear();
  if (base::EqualsIgnoreCase(args[0], "no") && base::EqualsIgnoreCase(args[1], "one")) {
    return base::Status::Ok();
  }
  long long port;
  if (!StrToLL(args[1], &port) || port < 0 || port > 65535) return Invalid("Invalid master port");
  cfg.replicaof_host = args[0];
  cfg.replicaof_port = static_cast<int>(port);
  return base::Status::Ok();
}

std::string GetReplicaOf(const ServerConfig& cfg) {
  if (cfg.replicaof_host.empty()) return std::string();
  return cfg.replicaof_host + " " + std::to_string(cfg.replicaof_port);
}

void RewriteReplicaOf(const ServerConfig& cfg, std::string_view name, RewriteSink& sink) {
  // A master, or a cluster node, must have no replicaof line at all.
  if (cfg.cluster_enabled || cfg.replicaof_host.empty()) {
    sink.MarkProcessed(name);
    return;
  }
  std::string line(name);
  line += ' ' + GetReplicaOf(cfg);
  sink.Line(name, std::move(line), true);
}

// --------------------------------------- latency-tracking-info-percentiles

// printf("%f") without trailing zeros or a bare '.'.
std::string FormatPercentile(double p) {
  char buf[400];
  int len = std::snprintf(buf, sizeof(buf), "%f", p);
  std::string s(buf, static_cast<size_t>(len));
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

base::Status SetLatencyPercentiles(ServerConfig& cfg, std::span<const std::string> args,
                                   SpecialSetContext&) {
  std::vector<double> values;
  if (!IsSingleEmptyArg(args)) {
    for (const std::string& arg : args) {
      double p;
      if (!base::ParseDouble(arg, &p)) {
        return Invalid("Invalid latency-tracking-info-percentiles parameters");
      }
      if (p > 100.0 || p < 0.0) {
        return Invalid(
            "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
      }
      values.push_back(p);
    }
  }
  cfg.latency_tracking_info_percentiles = std::move(values);
  return base::Status::Ok();
}

std::string GetLatencyPercentiles(const ServerConfig& cfg) {
  std::string out;
  for (double p : cfg.latency_tracking_info_percentiles) {
    if (!out.empty()) out += ' ';
    out += FormatPercentile(p);
  }
  return out;
}

void RewriteLatencyPercentiles(const ServerConfig& cfg, std::string_view name, RewriteSink& sink) {
  // Always written, as `""` when empty, so the default never comes back.
  std::string line(name);
  if (cfg.latency_tracking_info_percentiles.empty()) {
    line += " \"\"";
  } else {
    line += ' ' + GetLatencyPercentiles(cfg);
  }
  sink.Line(name, std::move(line), true);
}

// -------------------------------------------------------------------- dir

// The working directory is process-wide: `dir` changes it, and reads it back.
std::string CurrentDir() {
  char buf[4096];
  if (getcwd(buf, sizeof(buf)) == nullptr) return std::string();
  return buf;
}

base::Status SetDir(ServerConfig& cfg, std::span<const std::string> args, SpecialSetContext&) {
  if (args.size() != 1) return Invalid("wrong number of arguments");
  if (chdir(args[0].c_str()) == -1) return base::Status::InvalidArgument(std::strerror(errno));
  cfg.dir = CurrentDir();
  return base::Status::Ok();
}

std::string GetDir(const ServerConfig& cfg) {
  std::string cwd = CurrentDir();
  return cwd.empty() ? cfg.dir : cwd;
}

void RewriteDir(const ServerConfig&, std::string_view name, RewriteSink& sink) {
  const std::string cwd = CurrentDir();
  if (cwd.empty()) {
    sink.MarkProcessed(name);
    return;
  }
  std::string line(name);
  line += ' ';
  base::AppendQuoted(line, cwd);
  sink.Line(name, std::move(line), true);
}

}  // namespace

bool ParseNotifyKeyspaceEvents(std::string_view classes, uint32_t* flags) {
  using namespace keyspace;  // NOLINT: the NotifyClass constants
  uint32_t f = 0;
  for (char c : classes.substr(0, classes.find('\0'))) {
    switch (c) {
      case 'A':
        f |= kNotifyAll;
        break;
      case 'g':
        f |= kNotifyGeneric;
        break;
      case '$':
        f |= kNotifyString;
        break;
      case 'l':
        f |= kNotifyList;
        break;
      case 's':
        f |= kNotifySet;
        break;
      case 'h':
        f |= kNotifyHash;
        break;
      case 'z':
        f |= kNotifyZSet;
        break;
      case 'x':
        f |= kNotifyExpired;
        break;
      case 'e':
        f |= kNotifyEvicted;
        break;
      case 'K':
        f |= kNotifyKeyspace;
        break;
      case 'E':
        f |= kNotifyKeyevent;
        break;
      case 't':
        f |= kNotifyStream;
        break;
      case 'm':
        f |= kNotifyKeyMiss;
        break;
      case 'd':
        f |= kNotifyModule;
        break;
      case 'n':
        f |= kNotifyNew;
        break;
      default:
        return false;
    }
  }
  *flags = f;
  return true;
}

std::string FormatNotifyKeyspaceEvents(uint32_t flags) {
  using namespace keyspace;  // NOLINT: the NotifyClass constants
  std::string out;
  if ((flags & kNotifyAll) == kNotifyAll) {
    out += 'A';
  } else {
    static constexpr std::pair<uint32_t, char> kClasses[] = {
        {kNotifyGeneric, 'g'}, {kNotifyString, '$'}, {kNotifyList, 'l'},    {kNotifySet, 's'},
        {kNotifyHash, 'h'},    {kNotifyZSet, 'z'},   {kNotifyExpired, 'x'}, {kNotifyEvicted, 'e'},
        {kNotifyStream, 't'},  {kNotifyModule, 'd'}, {kNotifyNew, 'n'},
    };
    for (const auto& [bit, letter] : kClasses) {
      if (flags & bit) out += letter;
    }
  }
  if (flags & kNotifyKeyspace) out += 'K';
  if (flags & kNotifyKeyevent) out += 'E';
  if (flags & kNotifyKeyMiss) out += 'm';
  return out;
}

const SpecialOps kSaveOps = {SetSave, GetSave, RewriteSave};
const SpecialOps kBindOps = {SetBind, GetBind, RewriteBind};
const SpecialOps kClientOutputBufferLimitOps = {
    SetClientOutputBufferLimit, GetClientOutputBufferLimit, RewriteClientOutputBufferLimit};
const SpecialOps kOomScoreAdjValuesOps = {SetOomScoreAdjValues, GetOomScoreAdjValues,
                                          RewriteOomScoreAdjValues};
const SpecialOps kNotifyKeyspaceEventsOps = {SetNotifyKeyspaceEvents, GetNotifyKeyspaceEvents,
                                             RewriteNotifyKeyspaceEvents};
const SpecialOps kReplicaOfOps = {SetReplicaOf, GetReplicaOf, RewriteReplicaOf};
const SpecialOps kLatencyTrackingInfoPercentilesOps = {SetLatencyPercentiles, GetLatencyPercentiles,
                                                       RewriteLatencyPercentiles};
const SpecialOps kDirOps = {SetDir, GetDir, RewriteDir};

}  // namespace osprey::server
