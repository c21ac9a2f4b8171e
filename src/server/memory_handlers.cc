// MEMORY USAGE | STATS | DOCTOR | MALLOC-STATS | PURGE | HELP.
//
// MEMORY USAGE estimates what one key costs in Osprey's layout (not in
// Redis's): the bytes of its entry inside its key-table bucket, its share of
// that bucket's overhead (header and allocator slack, split evenly between
// the bucket's entries) and of the bucket directory, plus whatever it keeps
// on the heap (a long key, a long string, an aggregate value).
//
// MEMORY STATS answers with Redis's field names and the figures INFO memory
// reports (one MemoryReport, info.h, feeds both, as in Redis). Parts that do
// not exist yet (replication backlog, AOF buffer, scripts, cluster links)
// report 0.
#include <dlfcn.h>
#include <malloc.h>

#include <string>

#include "commands/arg_parser.h"
#include "commands/help_reply.h"
#include "keyspace/keyspace.h"
#include "protocol/reply_errors.h"
#include "server/info.h"
#include "server/server.h"
#include "server/server_context.h"

namespace osprey::server {

using commands::CommandContext;

namespace {

// Allocations below this much make DOCTOR decline to judge.
constexpr uint64_t kDoctorMinMemory = 5ull << 20;

size_t KeyUsage(const keyspace::KeyTable& table, keyspace::Entry e) {
  size_t bytes = e.Size();
  const keyspace::KeyTable::BucketUsage b = table.UsageOf(e);
  if (b.entries > 0 && b.allocated > b.used) bytes += (b.allocated - b.used) / b.entries;
  // The directory holds one pointer per bucket.
  if (table.size() > 0) bytes += sizeof(void*) * table.bucket_count() / table.size();
  if (e.key_on_heap()) bytes += e.heap_key()->AllocatedSize();
  if (e.kind() == keyspace::ValueKind::kRawHeap) bytes += e.heap_string()->AllocatedSize();
  if (e.kind() == keyspace::ValueKind::kObject) bytes += e.object()->MemoryUsage();
  return bytes;
}

void ReplyStats(protocol::ReplyWriter& out, const MemoryReport& m) {
  auto field = [&](const char* name, uint64_t v) {
    out.Bulk(name);
    out.Integer(static_cast<int64_t>(v));
  };
  auto signed_field = [&](const char* name, int64_t v) {
    out.Bulk(name);
    out.Integer(v);
  };
  auto ratio = [&](const char* name, double v) {
    out.Bulk(name);
    out.Double(v);
  };
  out.MapLen(27 + m.dbs.size());
  field("peak.allocated", m.peak);
  field("total.allocated", m.used);
  field("startup.allocated", m.startup);
  field("replication.backlog", m.replication_backlog);
  field("clients.slaves", m.clients_replicas);
  field("clients.normal", m.clients_normal);
  field("cluster.links", 0);
  field("aof.buffer", m.aof_buffer);
  field("lua.caches", 0);
  field("functions.caches", 0);
  for (const MemoryReport::DbOverhead& d : m.dbs) {
    out.Bulk("db." + std::to_string(d.db));
    out.MapLen(3);
    field("overhead.hashtable.main", d.main);
    field("overhead.hashtable.expires", d.expires);
    field("overhead.hashtable.slot-to-keys", 0);
  }
  field("overhead.total", m.overhead);
  field("keys.count", m.total_keys);
  field("keys.bytes-per-key", m.bytes_per_key);
  field("dataset.bytes", m.dataset);
  ratio("dataset.percentage", m.dataset_perc);
  ratio("peak.percentage", m.peak_perc);
  field("allocator.allocated", m.allocator_allocated);
  field("allocator.active", m.allocator_active);
  field("allocator.resident", m.allocator_resident);
  ratio("allocator-fragmentation.ratio", m.allocator_frag);
  signed_field("allocator-fragmentation.bytes", m.allocator_frag_bytes);
  ratio("allocator-rss.ratio", m.allocator_rss);
  signed_field("allocator-rss.bytes", m.allocator_rss_bytes);
  ratio("rss-overhead.ratio", m.rss_overhead);
  signed_field("rss-overhead.bytes", m.rss_overhead_bytes);
  ratio("fragmentation", m.fragmentation);
  signed_field("fragmentation.bytes", m.fragmentation_bytes);
}

std::string DoctorReport(Server& server) {
  const MemoryReport m = ComputeMemoryReport(server);
  if (m.used < kDoctorMinMemory) {
    return "This server holds almost no data (under 5 MB allocated), too little for a "
           "meaningful memory diagnosis. Ask again once it holds a real data set.\n";
  }
  std::string findings;
  auto finding = [&](bool when, const char* text) {
    if (when) findings += std::string("- ") + text + "\n";
  };
  constexpr int64_t kTenMb = 10ll << 20;
  finding(m.used > 0 && static_cast<double>(m.peak) / static_cast<double>(m.used) > 1.5,
          "Peak memory was more than 150% of what is allocated now: memory in use went "
          "down a lot since the peak. The RSS may stay high (fragmentation); MEMORY PURGE can "
          "hand free pages back.");
  finding(m.fragmentation > 1.4 && m.fragmentation_bytes > kTenMb,
          "The process is resident in much more memory than it allocates (fragmentation "
          "ratio above 1.4). It often follows the deletion of many keys.");
  finding(m.allocator_frag > 1.1 && m.allocator_frag_bytes > kTenMb,
          "The allocator keeps many partly used pages (allocator fragmentation above 1.1).");
  finding(m.allocator_rss > 1.1 && m.allocator_rss_bytes > kTenMb,
          "The allocator holds free pages it has not returned to the system yet; MEMORY "
          "PURGE returns them.");
  finding(m.rss_overhead > 1.1 && m.rss_overhead_bytes > kTenMb,
          "The process uses much memory outside the allocator (thread stacks, mapped files, "
          "libraries).");
  const size_t clients = server.clients().size();
  finding(clients > 0 && m.clients_normal / clients > (200u << 10),
          "Clients use more than 200 KB each on average: look for big output buffers (CLIENT "
          "LIST omem) or big pipelines, and consider client-output-buffer-limit.");
  finding(m.clients_replicas > (10u << 20),
          "Replica output buffers hold more than 10 MB: replicas are falling behind.");
  if (findings.empty()) {
    return "No memory problem found: allocation, fragmentation and client buffers all look "
           "healthy.\n";
  }
  return "Memory findings for this server:\n\n" + findings;
}

using MallocStatsPrintFn = void (*)(void (*)(void*, const char*), void*, const char*);
using MallctlFn = int (*)(const char*, void*, size_t*, void*, size_t);

// jemalloc's functions, when the process runs on it (osprey-server links
// it; the unit tests do not).
template <typename Fn>
Fn Jemalloc(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}

void AppendStats(void* out, const char* text) { static_cast<std::string*>(out)->append(text); }

// Returns allocator pages nobody uses to the system. False on failure.
bool PurgeAllocator() {
  if (auto mallctl = Jemalloc<MallctlFn>("mallctl")) {
    unsigned arenas = 0;
    size_t len = sizeof(arenas);
    if (mallctl("arenas.narenas", &arenas, &len, nullptr, 0) != 0) return false;
    // "arena.<narenas>.purge" addresses every arena at once.
    const std::string name = "arena." + std::to_string(arenas) + ".purge";
    return mallctl(name.c_str(), nullptr, nullptr, nullptr, 0) == 0;
  }
  malloc_trim(0);
  return true;
}

}  // namespace

void MemoryUsageCommand(CommandContext& ctx) {
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (commands::IsOption(ctx.arg(i), "samples") && i + 1 < ctx.argc()) {
      // Aggregates are measured whole: the sample count is checked only.
      int64_t samples;
      if (!commands::GetInt64(ctx, ctx.arg(i + 1), &samples)) return;
      if (samples < 0) {
        ctx.reply().Error(protocol::ErrorCode::kSyntax);
        return;
      }
      ++i;
    } else {
      ctx.reply().Error(protocol::ErrorCode::kSyntax);
      return;
    }
  }
  // As in Redis, the stored key counts even when its time has passed.
  const keyspace::KeyTable& table = ctx.db().table();
  keyspace::Entry e = table.Find(ctx.arg(2));
  if (!e) {
    ctx.reply().Null();
    return;
  }
  ctx.reply().Integer(static_cast<int64_t>(KeyUsage(table, e)));
}

void MemoryStatsCommand(CommandContext& ctx) {
  ReplyStats(ctx.reply(), ComputeMemoryReport(ServerCommandContext::From(ctx).server()));
}

void MemoryDoctorCommand(CommandContext& ctx) {
  ctx.reply().Verbatim(DoctorReport(ServerCommandContext::From(ctx).server()));
}

void MemoryMallocStatsCommand(CommandContext& ctx) {
  auto print = Jemalloc<MallocStatsPrintFn>("malloc_stats_print");
  if (print == nullptr) {
    ctx.reply().Bulk("Stats not supported for the current allocator");
    return;
  }
  std::string text;
  print(AppendStats, &text, nullptr);
  ctx.reply().Verbatim(text);
}

void MemoryPurgeCommand(CommandContext& ctx) {
  if (PurgeAllocator()) {
    ctx.reply().Ok();
  } else {
    ctx.reply().Error("ERR Error purging dirty pages");
  }
}

void MemoryHelpCommand(CommandContext& ctx) {
  commands::ReplyHelp(ctx.reply(), ctx.arg(0),
                      {
                          "DOCTOR",
                          "    Send a report on memory problems, if any are found.",
                          "MALLOC-STATS",
                          "    Send the memory allocator's own statistics.",
                          "PURGE",
                          "    Ask the allocator to return unused pages to the system.",
                          "STATS",
                          "    Send figures about the server's memory use.",
                          "USAGE <key> [SAMPLES <count>]",
                          "    Send the bytes <key> and its value take. Redis samples up to "
                          "<count>",
                          "    elements of big values (default 5, 0 for all); Osprey measures "
                          "them whole.",
                      });
}

}  // namespace osprey::server
