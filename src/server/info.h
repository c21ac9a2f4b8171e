// INFO: the server's report in Redis 7.0's sections, field names and order
// (server, clients, memory, persistence, stats, replication, cpu, modules,
// commandstats, errorstats, latencystats, cluster, keyspace), plus an
// osprey_version field. Selection as Redis 7: no argument or "default" gives
// the default sections, "all" every section, "everything" every section and
// module sections; otherwise the sections named (any case, repeatable).
//
// The memory figures are also what MEMORY STATS reports, so they are
// computed once here (MemoryReport).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace osprey::server {

class Server;

// The INFO text for the INFO arguments `sections` (without "INFO" itself):
// "# Title\r\nfield:value\r\n..." per section, sections separated by an empty
// line. Unknown section names select nothing.
std::string GenerateInfo(Server& server, std::span<const std::string_view> sections);

// Where the memory goes, as Redis's INFO memory and MEMORY STATS see it.
struct MemoryReport {
  uint64_t used = 0;      // allocator's live bytes (used_memory)
  uint64_t rss = 0;       // resident set of the process
  uint64_t peak = 0;      // highest used seen
  uint64_t startup = 0;   // used once the server was initialized
  uint64_t overhead = 0;  // everything but the data set itself
  uint64_t dataset = 0;   // used - overhead
  uint64_t allocator_allocated = 0;
  uint64_t allocator_active = 0;
  uint64_t allocator_resident = 0;
  uint64_t clients_normal = 0;  // all clients but replicas
  uint64_t clients_replicas = 0;
  uint64_t replication_backlog = 0;
  uint64_t aof_buffer = 0;
  uint64_t total_keys = 0;
  struct DbOverhead {
    int db = 0;
    uint64_t main = 0;     // the key table's own memory
    uint64_t expires = 0;  // expire bookkeeping apart from it
  };
  std::vector<DbOverhead> dbs;  // non-empty databases only
  double peak_perc = 0;
  double dataset_perc = 0;
  uint64_t bytes_per_key = 0;
  double allocator_frag = 0;  // active / allocated
  int64_t allocator_frag_bytes = 0;
  double allocator_rss = 0;  // resident / active
  int64_t allocator_rss_bytes = 0;
  double rss_overhead = 0;  // rss / allocator resident
  int64_t rss_overhead_bytes = 0;
  double fragmentation = 0;  // rss / used (mem_fragmentation_ratio)
  int64_t fragmentation_bytes = 0;
};

// Gathers the memory figures now (also raises the recorded peak).
MemoryReport ComputeMemoryReport(Server& server);

// Appends "fmt" formatted as printf would (INFO's lines are printf-shaped).
void AppendFormat(std::string* out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// INFO sections other than the per-command ones (info_sections.cc).
void AppendServerSection(Server& server, std::string* out);
void AppendClientsSection(Server& server, std::string* out);
void AppendMemorySection(Server& server, std::string* out);
void AppendPersistenceSection(Server& server, std::string* out);
void AppendStatsSection(Server& server, std::string* out);
void AppendReplicationSection(Server& server, std::string* out);
void AppendCpuSection(Server& server, std::string* out);

}  // namespace osprey::server
