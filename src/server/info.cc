// INFO: section selection and assembly, the handler, and the sections that
// list commands, errors and databases. The server-wide sections are in
// info_sections.cc.
#include "server/info.h"

#include <cstdarg>
#include <cstdio>
#include <set>

#include "base/ascii.h"
#include "base/latency_histogram.h"
#include "commands/command_table.h"
#include "server/server.h"
#include "server/server_config.h"
#include "server/server_context.h"
#include "server/stats.h"

namespace osprey::server {

namespace {

// Redis replaces the characters that would break INFO's line format.
std::string SafeInfoName(std::string_view name) {
  std::string out(name);
  for (char& ch : out) {
    if (ch == '#' || ch == ':' || ch == '\n' || ch == '\r') ch = '_';
  }
  return out;
}

void AppendModulesSection(Server&, std::string* out) { out->append("# Modules\r\n"); }

void AppendCommandStatsSection(Server& server, std::string* out) {
  out->append("# Commandstats\r\n");
  const std::vector<CommandStats>& stats = server.stats().commands;
  for (const commands::CommandDef* cmd : commands::CommandTable::all()) {
    const size_t id = static_cast<size_t>(cmd->id);
    if (id >= stats.size()) continue;
    const CommandStats& st = stats[id];
    if (st.calls == 0 && st.failed_calls == 0 && st.rejected_calls == 0) continue;
    AppendFormat(out,
                 "cmdstat_%s:calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,"
                 "failed_calls=%llu\r\n",
                 SafeInfoName(cmd->fullname).c_str(), static_cast<unsigned long long>(st.calls),
                 static_cast<unsigned long long>(st.usec),
                 st.calls == 0 ? 0.0
                               : static_cast<double>(static_cast<float>(st.usec) /
                                                     static_cast<float>(st.calls)),
                 static_cast<unsigned long long>(st.rejected_calls),
                 static_cast<unsigned long long>(st.failed_calls));
  }
}

void AppendErrorStatsSection(Server& server, std::string* out) {
  out->append("# Errorstats\r\n");
  for (const auto& [code, count] : server.stats().error_counts) {
    AppendFormat(out, "errorstat_%s:count=%llu\r\n", SafeInfoName(code).c_str(),
                 static_cast<unsigned long long>(count));
  }
}

// A percentile as Redis names it: "%f" without trailing zeros ("50", "99.9").
std::string PercentileLabel(double p) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%f", p);
  std::string s(buf);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

void AppendLatencyStatsSection(Server& server, std::string* out) {
  out->append("# Latencystats\r\n");
  if (!server.config().latency_tracking) return;
  const std::vector<double>& percentiles = server.config().latency_tracking_info_percentiles;
  std::vector<base::LatencyHistogram>& histograms = server.command_latency();
  for (const commands::CommandDef* cmd : commands::CommandTable::all()) {
    const size_t id = static_cast<size_t>(cmd->id);
    if (id >= histograms.size() || histograms[id].empty()) continue;
    AppendFormat(out, "latency_percentiles_usec_%s:", SafeInfoName(cmd->fullname).c_str());
    for (size_t i = 0; i < percentiles.size(); ++i) {
      // Recorded in nanoseconds, reported in microseconds.
      const double usec =
          static_cast<double>(histograms[id].ValueAtPercentile(percentiles[i])) / 1000.0;
      AppendFormat(out, "%sp%s=%.3f", i == 0 ? "" : ",", PercentileLabel(percentiles[i]).c_str(),
                   usec);
    }
    out->append("\r\n");
  }
}

void AppendClusterSection(Server& server, std::string* out) {
  AppendFormat(out, "# Cluster\r\ncluster_enabled:%d\r\n", server.config().cluster_enabled ? 1 : 0);
}

void AppendKeyspaceSection(Server& server, std::string* out) {
  out->append("# Keyspace\r\n");
  keyspace::Keyspace& ks = server.keyspace();
  for (int i = 0; i < ks.db_count(); ++i) {
    const keyspace::Db& db = ks.db(i);
    if (db.size() == 0 && db.expires_count() == 0) continue;
    AppendFormat(out, "db%d:keys=%zu,expires=%zu,avg_ttl=%lld\r\n", i, db.size(),
                 db.expires_count(), static_cast<long long>(db.avg_ttl_ms()));
  }
}

struct Section {
  const char* name;   // as INFO arguments name it
  const char* alias;  // a second name, or null
  bool in_default;
  void (*append)(Server&, std::string*);
};

// Redis's order. "modules" is "module_list" among the defaults.
constexpr Section kSections[] = {
    {"server", nullptr, true, AppendServerSection},
    {"clients", nullptr, true, AppendClientsSection},
    {"memory", nullptr, true, AppendMemorySection},
    {"persistence", nullptr, true, AppendPersistenceSection},
    {"stats", nullptr, true, AppendStatsSection},
    {"replication", nullptr, true, AppendReplicationSection},
    {"cpu", nullptr, true, AppendCpuSection},
    {"modules", "module_list", true, AppendModulesSection},
    {"commandstats", nullptr, false, AppendCommandStatsSection},
    {"errorstats", nullptr, true, AppendErrorStatsSection},
    {"latencystats", nullptr, false, AppendLatencyStatsSection},
    {"cluster", nullptr, true, AppendClusterSection},
    {"keyspace", nullptr, true, AppendKeyspaceSection},
};

}  // namespace

void AppendFormat(std::string* out, const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (static_cast<size_t>(n) < sizeof(buf)) {
    out->append(buf, static_cast<size_t>(n));
    return;
  }
  std::string big(static_cast<size_t>(n) + 1, '\0');
  va_start(ap, fmt);
  std::vsnprintf(big.data(), big.size(), fmt, ap);
  va_end(ap);
  big.resize(static_cast<size_t>(n));
  out->append(big);
}

std::string GenerateInfo(Server& server, std::span<const std::string_view> sections) {
  bool all = false;
  bool defaults = sections.empty();
  std::set<std::string> named;
  for (std::string_view s : sections) {
    if (base::EqualsIgnoreCase(s, "default")) {
      defaults = true;
    } else if (base::EqualsIgnoreCase(s, "all") || base::EqualsIgnoreCase(s, "everything")) {
      // "everything" adds module-generated sections, of which there are none.
      all = true;
    } else {
      named.insert(base::AsciiToLower(s));
    }
  }
  std::string out;
  out.reserve(4096);
  bool first = true;
  for (const Section& sec : kSections) {
    const bool wanted = all || (defaults && sec.in_default) || named.count(sec.name) != 0 ||
                        (sec.alias != nullptr && named.count(sec.alias) != 0);
    if (!wanted) continue;
    if (!first) out.append("\r\n");
    first = false;
    sec.append(server, &out);
  }
  return out;
}

void InfoCommand(commands::CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  std::string text = GenerateInfo(sc.server(), ctx.args().subspan(1));
  ctx.reply().Verbatim(text);
}

}  // namespace osprey::server
