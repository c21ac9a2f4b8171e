// LATENCY LATEST | HISTORY | RESET | GRAPH | DOCTOR | HISTOGRAM | HELP: the
// latency monitor's data (latency_monitor.h) as Redis replies with it.
//
// GRAPH draws the samples of one event in Redis's layout: a title line, a
// rule of 80 dashes, then blocks of up to 80 columns, one column per sample
// (oldest first). Each block is four rows of bars -- a column's height is
// its latency scaled between the lowest and highest sample into 12 steps,
// the top cell of a bar drawn '_', 'o' or '#' (a third, two thirds, a full
// cell) and full cells below it '|' -- then an empty row, then each
// column's age ("12s", "3m", "5h", "2d") written downwards.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "base/latency_histogram.h"
#include "commands/command_table.h"
#include "commands/help_reply.h"
#include "server/latency_monitor.h"
#include "server/server.h"
#include "server/server_config.h"
#include "server/server_context.h"

namespace osprey::server {

using commands::CommandContext;

namespace {

constexpr size_t kGraphColumns = 80;
constexpr int kGraphRows = 4;
// Characters drawing a third, two thirds and a whole cell of a bar's top.
constexpr char kBarTops[] = {'_', 'o', '#'};
constexpr int kCellSteps = 3;

LatencyMonitor& MonitorOf(CommandContext& ctx) {
  return ServerCommandContext::From(ctx).server().latency_monitor();
}

int64_t NowSeconds(CommandContext& ctx) {
  return ServerCommandContext::From(ctx).server().now_ms() / 1000;
}

// "17s", "4m", "2h", "3d": how long ago a sample was taken.
std::string AgeLabel(int64_t seconds) {
  if (seconds < 60) return std::to_string(seconds) + "s";
  if (seconds < 3600) return std::to_string(seconds / 60) + "m";
  if (seconds < 86400) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 86400) + "d";
}

// Draws one block of columns (see the file comment).
void DrawBlock(const std::vector<int>& heights, const std::vector<std::string>& labels,
               std::string* out) {
  const size_t width = heights.size();
  for (int row = 0; row < kGraphRows; ++row) {
    // The cell of this row covers steps [floor, floor + kCellSteps).
    const int floor = (kGraphRows - 1 - row) * kCellSteps;
    for (size_t col = 0; col < width; ++col) {
      const int above = heights[col] - floor;
      char ch = ' ';
      if (above >= kCellSteps) {
        ch = '|';
      } else if (above >= 0) {
        ch = kBarTops[above];
      }
      out->push_back(ch);
    }
    out->push_back('\n');
  }
  out->append(width, ' ');
  out->push_back('\n');
  for (size_t line = 0;; ++line) {
    std::string row(width, ' ');
    bool any = false;
    for (size_t col = 0; col < width; ++col) {
      if (line < labels[col].size()) {
        row[col] = labels[col][line];
        any = true;
      }
    }
    if (!any) break;
    out->append(row);
    out->push_back('\n');
  }
}

std::string DrawGraph(const std::string& name, const LatencyEvent& event, int64_t now_s) {
  const std::vector<LatencySample> samples = event.Ordered();
  int64_t low = samples.empty() ? 0 : samples[0].latency_ms;
  int64_t high = low;
  for (const LatencySample& s : samples) {
    low = std::min(low, s.latency_ms);
    high = std::max(high, s.latency_ms);
  }
  char title[512];
  std::snprintf(title, sizeof(title),
                " - high %" PRId64 " ms, low %" PRId64 " ms (all time high %" PRId64 " ms)\n",
                high, low, event.max_ms);
  std::string out = name + title;
  out.append(kGraphColumns, '-');
  out.push_back('\n');

  const int steps = kGraphRows * kCellSteps;
  const double range = high > low ? static_cast<double>(high - low) : 1.0;
  for (size_t start = 0; start < samples.size(); start += kGraphColumns) {
    if (start != 0) out.push_back('\n');
    const size_t end = std::min(samples.size(), start + kGraphColumns);
    std::vector<int> heights;
    std::vector<std::string> labels;
    for (size_t i = start; i < end; ++i) {
      int h = static_cast<int>(static_cast<double>((samples[i].latency_ms - low) * steps) / range);
      heights.push_back(std::clamp(h, 0, steps - 1));
      labels.push_back(AgeLabel(now_s - samples[i].unix_time));
    }
    DrawBlock(heights, labels, &out);
  }
  return out;
}

// Figures DOCTOR reports for one event.
struct EventSummary {
  size_t samples = 0;
  int64_t average = 0;
  int64_t mean_deviation = 0;
  double period_s = 0;  // seconds between spikes, on average
};

EventSummary Summarize(const LatencyEvent& event, int64_t now_s) {
  EventSummary s;
  s.samples = event.samples.size();
  if (s.samples == 0) return s;
  int64_t sum = 0;
  int64_t oldest = event.samples[0].unix_time;
  for (const LatencySample& x : event.samples) {
    sum += x.latency_ms;
    oldest = std::min(oldest, x.unix_time);
  }
  s.average = sum / static_cast<int64_t>(s.samples);
  int64_t deviation = 0;
  for (const LatencySample& x : event.samples) {
    deviation += x.latency_ms > s.average ? x.latency_ms - s.average : s.average - x.latency_ms;
  }
  s.mean_deviation = deviation / static_cast<int64_t>(s.samples);
  const int64_t span = std::max<int64_t>(1, now_s - oldest);
  s.period_s = static_cast<double>(span) / static_cast<double>(s.samples);
  return s;
}

// The advice DOCTOR can give, each printed at most once.
enum Advice : uint32_t {
  kAdviceEnableSlowlog = 1u << 0,
  kAdviceTuneSlowlog = 1u << 1,
  kAdviceReadSlowlog = 1u << 2,
  kAdviceBigValues = 1u << 3,
  kAdviceScheduler = 1u << 4,
  kAdviceDisk = 1u << 5,
  kAdviceFsyncPolicy = 1u << 6,
  kAdviceExpireCycle = 1u << 7,
  kAdviceEviction = 1u << 8,
};

uint32_t AdviceFor(const std::string& event, const ServerConfig& cfg) {
  uint32_t a = 0;
  if (event == "command") {
    if (cfg.slowlog_log_slower_than < 0) {
      a |= kAdviceEnableSlowlog;
    } else if (cfg.slowlog_log_slower_than / 1000 > cfg.latency_monitor_threshold) {
      a |= kAdviceTuneSlowlog;
    }
    a |= kAdviceReadSlowlog | kAdviceBigValues;
  } else if (event == "fast-command") {
    a |= kAdviceScheduler;
  } else if (event == "aof-fsync-always") {
    a |= kAdviceFsyncPolicy;
  } else if (event.rfind("aof-", 0) == 0 || event.rfind("rdb-", 0) == 0) {
    a |= kAdviceDisk;
  } else if (event == "expire-cycle") {
    a |= kAdviceExpireCycle | kAdviceBigValues;
  } else if (event.rfind("eviction-", 0) == 0) {
    a |= kAdviceEviction | kAdviceBigValues;
  }
  return a;
}

void AppendAdvice(uint32_t advice, const ServerConfig& cfg, std::string* out) {
  auto add = [&](uint32_t bit, const std::string& text) {
    if (advice & bit) *out += "- " + text + "\n";
  };
  add(kAdviceEnableSlowlog,
      "The slow log is switched off: turn it on (CONFIG SET slowlog-log-slower-than "
      "<microseconds>) to see which commands are slow.");
  add(kAdviceTuneSlowlog,
      "The slow log only records commands slower than " +
          std::to_string(cfg.slowlog_log_slower_than / 1000) +
          " ms, more than latency-monitor-threshold: lower slowlog-log-slower-than to " +
          std::to_string(cfg.latency_monitor_threshold * 1000) +
          " so the commands behind these spikes are recorded.");
  add(kAdviceReadSlowlog,
      "Read SLOWLOG GET to find the slow commands. Commands that walk whole collections "
      "(KEYS, SMEMBERS, HGETALL, LRANGE 0 -1...) take time proportional to their size.");
  add(kAdviceBigValues,
      "Removing or expiring very big values takes time in proportion to their size: UNLINK "
      "and the lazyfree-lazy-* options free them in the background.");
  add(kAdviceScheduler,
      "Even O(1) and O(log N) commands were slow: the host may be overloaded or the process "
      "descheduled. Measure the intrinsic latency of the system (redis-cli --intrinsic-latency "
      "100) and look for other busy processes.");
  add(kAdviceDisk,
      "Disk writes were slow: check for other processes using the disk, prefer a local SSD, "
      "and consider no-appendfsync-on-rewrite.");
  add(kAdviceFsyncPolicy,
      "appendfsync always waits for the disk on every write: appendfsync everysec is usually "
      "safe enough and far faster.");
  add(kAdviceExpireCycle,
      "Reclaiming expired keys took long: many keys expiring at the same moment cost time; "
      "spread their expire times.");
  add(kAdviceEviction,
      "Evicting keys took long: a large burst of writes over maxmemory forces eviction of "
      "many keys at once.");
}

std::string DoctorReport(CommandContext& ctx) {
  Server& server = ServerCommandContext::From(ctx).server();
  const ServerConfig& cfg = server.config();
  const auto& events = server.latency_monitor().events();
  if (events.empty() && cfg.latency_monitor_threshold == 0) {
    return "Latency monitoring is switched off, so there is nothing to report. Turn it on "
           "with CONFIG SET latency-monitor-threshold <milliseconds> and ask again once the "
           "server has run for a while.\n";
  }
  if (events.empty()) {
    return "No latency spikes above " + std::to_string(cfg.latency_monitor_threshold) +
           " ms have been recorded. Nothing to report.\n";
  }
  const int64_t now_s = NowSeconds(ctx);
  std::string out = "Latency spikes recorded by this server, by event:\n\n";
  uint32_t advice = 0;
  int number = 0;
  for (const auto& [name, event] : events) {
    const EventSummary s = Summarize(event, now_s);
    char line[512];
    std::snprintf(line, sizeof(line),
                  "%d. %s: %zu spikes, average %" PRId64 " ms, mean deviation %" PRId64
                  " ms, one every %.2f s on average. Worst ever: %" PRId64 " ms.\n",
                  ++number, name.c_str(), s.samples, s.average, s.mean_deviation, s.period_s,
                  event.max_ms);
    out += line;
    advice |= AdviceFor(name, cfg);
  }
  out += "\n";
  if (advice == 0) {
    out += "No advice for these events.\n";
  } else {
    out += "Advice:\n\n";
    AppendAdvice(advice, cfg, &out);
  }
  return out;
}

// How many of the values in `h` are at most `limit`, where `limit` is the
// highest value of one of h's buckets. The histogram only answers "value at
// percentile", so this binary-searches the rank: the value at rank r is the
// top of the bucket holding the r-th smallest value.
uint64_t CountAtOrBelow(const base::LatencyHistogram& h, uint64_t limit, uint64_t low_rank) {
  const uint64_t n = h.count();
  auto value_at_rank = [&](uint64_t r) {
    return h.ValueAtPercentile(100.0 * static_cast<double>(r) / static_cast<double>(n));
  };
  uint64_t lo = low_rank;  // known: ranks up to lo are <= limit
  uint64_t hi = n;
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo + 1) / 2;
    if (value_at_rank(mid) <= limit) lo = mid; else hi = mid - 1;
  }
  return lo;
}

// One command's entry of LATENCY HISTOGRAM, as Redis sends it: its call
// count, then the cumulative count of calls at or under each power of two
// from 1024 ns (as microseconds: the top of that value's bucket / 1000),
// listing only the steps where the count grew and stopping once every call
// is counted.
void ReplyCdf(protocol::ReplyWriter& out, const base::LatencyHistogram& h) {
  std::vector<std::pair<uint64_t, uint64_t>> steps;  // (usec, cumulative calls)
  uint64_t counted = 0;
  for (uint64_t level = 1024; counted < h.count(); level <<= 1) {
    const uint64_t top = base::LatencyHistogram::BucketHigh(
        base::LatencyHistogram::BucketOf(std::min(level, base::LatencyHistogram::kMaxValue)));
    const uint64_t upto = level >= base::LatencyHistogram::kMaxValue
                              ? h.count()
                              : CountAtOrBelow(h, top, counted);
    if (upto > counted) steps.emplace_back(top / 1000, upto);
    counted = upto;
  }
  out.MapLen(2);
  out.Bulk("calls");
  out.Integer(static_cast<int64_t>(h.count()));
  out.Bulk("histogram_usec");
  out.MapLen(steps.size());
  for (const auto& [usec, calls] : steps) {
    out.Integer(static_cast<int64_t>(usec));
    out.Integer(static_cast<int64_t>(calls));
  }
}

}  // namespace

void LatencyHistogramCommand(CommandContext& ctx) {
  Server& server = ServerCommandContext::From(ctx).server();
  const std::vector<base::LatencyHistogram>& histograms = server.command_latency();
  // The commands to report, in order (a command named twice is sent twice,
  // as Redis does).
  std::vector<const commands::CommandDef*> picked;
  auto pick = [&](const commands::CommandDef* cmd) {
    if (!histograms[cmd->id].empty()) picked.push_back(cmd);
  };
  if (ctx.argc() == 2) {
    for (const commands::CommandDef* cmd : commands::CommandTable::all()) pick(cmd);
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i) {
      const commands::CommandDef* cmd = server.command_table().FindByFullName(ctx.arg(i));
      if (cmd == nullptr) continue;
      pick(cmd);
      for (int j = 0; j < cmd->num_subcommands; ++j) pick(cmd->subcommands[j]);
    }
  }
  ctx.reply().MapLen(picked.size());
  for (const commands::CommandDef* cmd : picked) {
    ctx.reply().Bulk(cmd->fullname);
    ReplyCdf(ctx.reply(), histograms[cmd->id]);
  }
}

void LatencyLatestCommand(CommandContext& ctx) {
  const auto& events = MonitorOf(ctx).events();
  ctx.reply().ArrayLen(events.size());
  for (const auto& [name, event] : events) {
    const LatencySample& last = event.Latest();
    ctx.reply().ArrayLen(4);
    ctx.reply().Bulk(name);
    ctx.reply().Integer(last.unix_time);
    ctx.reply().Integer(last.latency_ms);
    ctx.reply().Integer(event.max_ms);
  }
}

void LatencyHistoryCommand(CommandContext& ctx) {
  const auto& events = MonitorOf(ctx).events();
  auto it = events.find(std::string(ctx.arg(2)));
  if (it == events.end()) {
    ctx.reply().ArrayLen(0);
    return;
  }
  const std::vector<LatencySample> samples = it->second.Ordered();
  ctx.reply().ArrayLen(samples.size());
  for (const LatencySample& s : samples) {
    ctx.reply().ArrayLen(2);
    ctx.reply().Integer(s.unix_time);
    ctx.reply().Integer(s.latency_ms);
  }
}

void LatencyResetCommand(CommandContext& ctx) {
  std::vector<std::string> names;
  for (size_t i = 2; i < ctx.argc(); ++i) names.emplace_back(ctx.arg(i));
  ctx.reply().Integer(static_cast<int64_t>(MonitorOf(ctx).Reset(names)));
}

void LatencyGraphCommand(CommandContext& ctx) {
  const auto& events = MonitorOf(ctx).events();
  auto it = events.find(std::string(ctx.arg(2)));
  if (it == events.end()) {
    ctx.reply().Error("ERR No samples available for event '" + std::string(ctx.arg(2)) + "'");
    return;
  }
  ctx.reply().Verbatim(DrawGraph(it->first, it->second, NowSeconds(ctx)));
}

void LatencyDoctorCommand(CommandContext& ctx) { ctx.reply().Verbatim(DoctorReport(ctx)); }

void LatencyHelpCommand(CommandContext& ctx) {
  commands::ReplyHelp(
      ctx.reply(), ctx.arg(0),
      {
          "DOCTOR",
          "    Send a readable report on the latency spikes seen, with advice.",
          "GRAPH <event>",
          "    Send an ASCII chart of the latency samples of <event>.",
          "HISTORY <event>",
          "    Send the (time, latency) samples kept for <event>.",
          "LATEST",
          "    Send the latest and the highest latency of every event.",
          "RESET [<event> ...]",
          "    Forget the samples of the given events (of every event when none is",
          "    given).",
          "HISTOGRAM [COMMAND ...]",
          "    Send the distribution of run times of the given commands (of every command",
          "    that ran when none is given), as cumulative histograms.",
      });
}

}  // namespace osprey::server
