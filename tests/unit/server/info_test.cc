// INFO: section selection, field names and order, and the statistics the
// sections report, through the real dispatcher with a fake clock.
#include "server/info.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "server/config_registry.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

class InfoTest : public ::testing::Test {
 protected:
  std::string Info(std::vector<std::string_view> sections = {}, size_t client = 0) {
    std::vector<std::string_view> args = {"info"};
    args.insert(args.end(), sections.begin(), sections.end());
    return h_.RunOn(client, args).ToString();
  }
  // The section titles, in order.
  static std::vector<std::string> Titles(const std::string& info) {
    std::vector<std::string> titles;
    std::regex re("# ([A-Za-z]+)\r\n");
    for (auto it = std::sregex_iterator(info.begin(), info.end(), re); it != std::sregex_iterator();
         ++it) {
      titles.push_back((*it)[1]);
    }
    return titles;
  }
  // The value of `field`, or "<missing>".
  static std::string Field(const std::string& info, const std::string& field) {
    std::smatch m;
    if (!std::regex_search(info, m, std::regex("(^|\n)" + field + ":([^\r]*)\r\n"))) {
      return "<missing>";
    }
    return m[2];
  }
  // The field names of the one section in `info`, in order.
  static std::vector<std::string> FieldNames(const std::string& info) {
    std::vector<std::string> names;
    std::regex re("(^|\n)([a-z_0-9|]+):");
    for (auto it = std::sregex_iterator(info.begin(), info.end(), re); it != std::sregex_iterator();
         ++it) {
      names.push_back((*it)[2]);
    }
    return names;
  }

  CommandHarness h_;
};

using Names = std::vector<std::string>;

// ---------------------------------------------------------------- selection

TEST_F(InfoTest, DefaultSectionsInRedisOrder) {
  const Names expected = {"Server",     "Clients",     "Memory",  "Persistence",
                          "Stats",      "Replication", "CPU",     "Modules",
                          "Errorstats", "Cluster",     "Keyspace"};
  EXPECT_EQ(Titles(Info()), expected);
  EXPECT_EQ(Titles(Info({"default"})), expected);
}

TEST_F(InfoTest, AllAndEverythingAddCommandAndLatencyStats) {
  const Names expected = {"Server",       "Clients", "Memory",  "Persistence",  "Stats",
                          "Replication",  "CPU",     "Modules", "Commandstats", "Errorstats",
                          "Latencystats", "Cluster", "Keyspace"};
  EXPECT_EQ(Titles(Info({"all"})), expected);
  EXPECT_EQ(Titles(Info({"everything"})), expected);
  EXPECT_EQ(Titles(Info({"cpu", "all"})), expected);
}

TEST_F(InfoTest, NamedSectionsAnyCaseOnceEachInRedisOrder) {
  EXPECT_EQ(Titles(Info({"CPU"})), Names({"CPU"}));
  EXPECT_EQ(Titles(Info({"commandSTATS"})), Names({"Commandstats"}));
  EXPECT_EQ(Titles(Info({"keyspace", "server", "Server"})), Names({"Server", "Keyspace"}));
  EXPECT_EQ(Titles(Info({"module_list"})), Names({"Modules"}));
  EXPECT_EQ(Titles(Info({"modules"})), Names({"Modules"}));
  const std::string both = Info({"cpu", "default"});
  EXPECT_EQ(Titles(both).size(), 11u);
}

TEST_F(InfoTest, SectionsAreSeparatedByOneEmptyLine) {
  const std::string info = Info({"cpu", "cluster"});
  EXPECT_EQ(info.rfind("# CPU\r\n", 0), 0u);
  EXPECT_NE(info.find("\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n"), std::string::npos);
  EXPECT_EQ(info.substr(info.size() - 2), "\r\n");
  EXPECT_EQ(info.find("\r\n\r\n\r\n"), std::string::npos);
}

TEST_F(InfoTest, UnknownSectionsGiveAnEmptyReply) {
  EXPECT_EQ(Info({"nosuch"}), "");
  EXPECT_EQ(Info({"sentinel"}), "");
}

TEST_F(InfoTest, Resp3RepliesWithVerbatimText) {
  h_.Run({"hello", "3"});
  Reply r = h_.Run({"info", "server"});
  EXPECT_EQ(r.type, Reply::Type::kVerbatim);
  EXPECT_EQ(r.str.rfind("# Server\r\n", 0), 0u);
}

// ---------------------------------------------------------------- fields

TEST_F(InfoTest, ServerSectionFields) {
  const std::string info = Info({"server"});
  const Names expected = {"redis_version",
                          "osprey_version",
                          "redis_git_sha1",
                          "redis_git_dirty",
                          "redis_build_id",
                          "redis_mode",
                          "os",
                          "arch_bits",
                          "monotonic_clock",
                          "multiplexing_api",
                          "atomicvar_api",
                          "gcc_version",
                          "process_id",
                          "process_supervised",
                          "run_id",
                          "tcp_port",
                          "server_time_usec",
                          "uptime_in_seconds",
                          "uptime_in_days",
                          "hz",
                          "configured_hz",
                          "lru_clock",
                          "executable",
                          "config_file",
                          "io_threads_active"};
  EXPECT_EQ(FieldNames(info), expected);
  EXPECT_EQ(Field(info, "redis_version"), "7.0.15");
  EXPECT_EQ(Field(info, "redis_mode"), "standalone");
  EXPECT_EQ(Field(info, "multiplexing_api"), "epoll");
  EXPECT_EQ(Field(info, "run_id"), h_.server().run_id());
  EXPECT_EQ(Field(info, "hz"), "10");
  EXPECT_EQ(Field(info, "process_id"), std::to_string(getpid()));
}

TEST_F(InfoTest, UptimeFollowsTheClock) {
  h_.AdvanceMillis(2 * 86400 * 1000 + 5000);
  const std::string info = Info({"server"});
  EXPECT_EQ(Field(info, "uptime_in_seconds"), std::to_string(2 * 86400 + 5));
  EXPECT_EQ(Field(info, "uptime_in_days"), "2");
}

TEST_F(InfoTest, ClientsSectionCountsClientsAndBlockedOnes) {
  size_t other = h_.NewClient();
  std::string info = Info({"clients"});
  EXPECT_EQ(Field(info, "connected_clients"), "2");
  EXPECT_EQ(Field(info, "maxclients"), "10000");
  EXPECT_EQ(Field(info, "blocked_clients"), "0");
  h_.Run({"client", "pause", "1000", "write"});
  h_.RunOn(other, {"set", "k", "v"});
  info = Info({"clients"});
  EXPECT_EQ(Field(info, "blocked_clients"), "1");
}

TEST_F(InfoTest, MemorySectionFieldsAndFormats) {
  const std::string info = Info({"memory"});
  const Names names = FieldNames(info);
  ASSERT_EQ(names.size(), 51u);
  EXPECT_EQ(names.front(), "used_memory");
  EXPECT_EQ(names.back(), "lazyfreed_objects");
  EXPECT_TRUE(std::regex_match(Field(info, "used_memory"), std::regex("[0-9]+")));
  EXPECT_TRUE(std::regex_match(Field(info, "used_memory_human"), std::regex("[0-9.]+[BKMGTP]")));
  EXPECT_TRUE(
      std::regex_match(Field(info, "used_memory_peak_perc"), std::regex("[0-9]+\\.[0-9]{2}%")));
  EXPECT_TRUE(
      std::regex_match(Field(info, "mem_fragmentation_ratio"), std::regex("[0-9]+\\.[0-9]{2}")));
  EXPECT_EQ(Field(info, "maxmemory"), "0");
  EXPECT_EQ(Field(info, "maxmemory_human"), "0B");
  EXPECT_EQ(Field(info, "maxmemory_policy"), "noeviction");
  EXPECT_GE(std::stoull(Field(info, "used_memory_peak")), std::stoull(Field(info, "used_memory")));
}

TEST_F(InfoTest, MemoryFollowsMaxmemoryConfig) {
  ASSERT_TRUE(h_.server().config_registry().Set("maxmemory", "2mb").ok());
  ASSERT_TRUE(h_.server().config_registry().Set("maxmemory-policy", "allkeys-lru").ok());
  const std::string info = Info({"memory"});
  EXPECT_EQ(Field(info, "maxmemory"), "2097152");
  EXPECT_EQ(Field(info, "maxmemory_human"), "2.00M");
  EXPECT_EQ(Field(info, "maxmemory_policy"), "allkeys-lru");
}

TEST_F(InfoTest, PersistenceCountsChangesSinceLastSave) {
  std::string info = Info({"persistence"});
  EXPECT_EQ(FieldNames(info).size(), 30u);
  EXPECT_EQ(Field(info, "loading"), "0");
  EXPECT_EQ(Field(info, "rdb_changes_since_last_save"), "0");
  EXPECT_EQ(Field(info, "rdb_last_bgsave_status"), "ok");
  h_.Run({"set", "a", "1"});
  h_.Run({"set", "b", "2"});
  info = Info({"persistence"});
  EXPECT_EQ(Field(info, "rdb_changes_since_last_save"), "2");
}

TEST_F(InfoTest, StatsSectionHasRedisFieldsAndCounts) {
  h_.Run({"set", "k", "v"});
  h_.Run({"get", "k"});
  h_.Run({"get", "nokey"});
  h_.Run({"nosuchcommand"});
  const std::string info = Info({"stats"});
  const Names names = FieldNames(info);
  ASSERT_EQ(names.size(), 50u);
  EXPECT_EQ(names.front(), "total_connections_received");
  EXPECT_EQ(names.back(), "reply_buffer_expands");
  EXPECT_EQ(Field(info, "total_commands_processed"), "3");
  EXPECT_EQ(Field(info, "keyspace_hits"), "1");
  EXPECT_EQ(Field(info, "keyspace_misses"), "1");
  EXPECT_EQ(Field(info, "total_error_replies"), "1");
  EXPECT_EQ(Field(info, "instantaneous_input_kbps"), "0.00");
}

TEST_F(InfoTest, ReplicationSectionOfAMaster) {
  const std::string info = Info({"replication"});
  EXPECT_EQ(Field(info, "role"), "master");
  EXPECT_EQ(Field(info, "connected_slaves"), "0");
  EXPECT_EQ(Field(info, "master_failover_state"), "no-failover");
  EXPECT_TRUE(std::regex_match(Field(info, "master_replid"), std::regex("[0-9a-f]{40}")));
  EXPECT_NE(Field(info, "master_replid"), h_.server().run_id());
  EXPECT_EQ(Field(Info({"replication"}), "master_replid"), Field(info, "master_replid"));
  EXPECT_EQ(Field(info, "master_replid2"), std::string(40, '0'));
  EXPECT_EQ(Field(info, "second_repl_offset"), "-1");
  EXPECT_EQ(Field(info, "repl_backlog_size"), "1048576");
}

TEST_F(InfoTest, CpuSectionHasSixTimes) {
  const std::string info = Info({"cpu"});
  const Names expected = {"used_cpu_sys",
                          "used_cpu_user",
                          "used_cpu_sys_children",
                          "used_cpu_user_children",
                          "used_cpu_sys_main_thread",
                          "used_cpu_user_main_thread"};
  EXPECT_EQ(FieldNames(info), expected);
  EXPECT_TRUE(std::regex_match(Field(info, "used_cpu_user"), std::regex("[0-9]+\\.[0-9]{6}")));
}

TEST_F(InfoTest, KeyspaceListsNonEmptyDatabases) {
  EXPECT_EQ(Info({"keyspace"}), "# Keyspace\r\n");
  h_.Run({"set", "a", "1"});
  h_.Run({"set", "b", "2", "ex", "100"});
  h_.Run({"select", "3"});
  h_.Run({"set", "c", "3"});
  const std::string info = Info({"keyspace"});
  EXPECT_TRUE(std::regex_search(info, std::regex("\r\ndb0:keys=2,expires=1,avg_ttl=[0-9]+\r\n")))
      << info;
  EXPECT_NE(info.find("db3:keys=1,expires=0,avg_ttl=0\r\n"), std::string::npos) << info;
}

// ---------------------------------------------------------------- per command

TEST_F(InfoTest, CommandStatsCountCallsRejectionsAndFailures) {
  h_.Run({"set", "k", "v"});
  h_.Run({"set", "k", "v"});
  h_.Run({"set", "k"});   // rejected: arity
  h_.Run({"incr", "k"});  // fails: not an integer
  h_.Run({"client", "id"});
  const std::string info = Info({"commandstats"});
  EXPECT_TRUE(std::regex_search(
      info, std::regex("\r\ncmdstat_set:calls=2,usec=[0-9]+,usec_per_call=[0-9]+\\.[0-9]{2},"
                       "rejected_calls=1,failed_calls=0\r\n")))
      << info;
  EXPECT_TRUE(std::regex_search(info, std::regex("cmdstat_incr:calls=1,.*,rejected_calls=0,"
                                                 "failed_calls=1\r\n")));
  EXPECT_NE(info.find("cmdstat_client|id:calls=1,"), std::string::npos);
  EXPECT_EQ(info.find("cmdstat_get:"), std::string::npos);
}

TEST_F(InfoTest, ExecIsNotBlamedForTheErrorsOfItsCommands) {
  h_.Run({"multi"});
  h_.Run({"set", "a", "b"});
  h_.Run({"auth", "a"});  // fails: no password is configured
  h_.Run({"exec"});
  h_.Run({"exec"});  // fails itself: no MULTI
  const std::string info = Info({"commandstats"});
  EXPECT_TRUE(std::regex_search(info, std::regex("cmdstat_set:calls=1,.*failed_calls=0\r\n")));
  EXPECT_TRUE(std::regex_search(info, std::regex("cmdstat_auth:calls=1,.*failed_calls=1\r\n")));
  EXPECT_TRUE(std::regex_search(info, std::regex("cmdstat_exec:calls=2,.*failed_calls=1\r\n")))
      << info;
}

TEST_F(InfoTest, BlockedCommandIsCountedOnceAndFailsWhenUnblockedWithAnError) {
  const size_t waiter = h_.NewClient();
  const std::string id = std::to_string(h_.RunOn(waiter, {"client", "id"}).integer);
  h_.RunOn(waiter, {"blpop", "l", "0"});
  h_.Run({"client", "unblock", id, "error"});
  std::string info = Info({"commandstats"});
  EXPECT_NE(info.find("cmdstat_blpop:calls=1,"), std::string::npos) << info;
  EXPECT_NE(info.find("rejected_calls=0,failed_calls=1\r\n"), std::string::npos) << info;
  // Served by a push: one call, no failure.
  h_.Run({"config", "resetstat"});
  h_.RunOn(waiter, {"blpop", "l", "0"});
  h_.Run({"lpush", "l", "a"});
  info = Info({"commandstats"});
  EXPECT_TRUE(std::regex_search(info, std::regex("cmdstat_blpop:calls=1,.*failed_calls=0\r\n")))
      << info;
}

TEST_F(InfoTest, BlockedCommandLatencyIsRecordedWhenItCompletes) {
  const size_t waiter = h_.NewClient();
  h_.RunOn(waiter, {"blpop", "l", "0"});
  EXPECT_EQ(Info({"latencystats"}).find("latency_percentiles_usec_blpop"), std::string::npos);
  h_.Run({"lpush", "l", "a"});
  EXPECT_NE(Info({"latencystats"}).find("latency_percentiles_usec_blpop:p50="), std::string::npos);
  // Timed out (here through CLIENT UNBLOCK) counts too.
  h_.Run({"config", "resetstat"});
  const std::string id = std::to_string(h_.RunOn(waiter, {"client", "id"}).integer);
  h_.RunOn(waiter, {"brpop", "l", "0"});
  h_.Run({"client", "unblock", id});
  EXPECT_NE(Info({"latencystats"}).find("latency_percentiles_usec_brpop:p50="), std::string::npos);
}

TEST_F(InfoTest, ErrorStatsCountByErrorCode) {
  h_.Run({"nosuchcommand"});
  h_.Run({"set", "k", "v"});
  h_.Run({"lpush", "k", "x"});  // WRONGTYPE (or unknown command before lists exist)
  h_.Run({"get"});
  const std::string info = Info({"errorstats"});
  EXPECT_TRUE(std::regex_search(info, std::regex("errorstat_ERR:count=[23]\r\n"))) << info;
}

TEST_F(InfoTest, LatencyStatsUseTheConfiguredPercentiles) {
  h_.Run({"set", "k", "v"});
  h_.Run({"client", "id"});
  std::string info = Info({"latencystats"});
  EXPECT_TRUE(
      std::regex_search(info, std::regex("\r\nlatency_percentiles_usec_set:p50=[0-9]+\\.[0-9]{3},"
                                         "p99=[0-9]+\\.[0-9]{3},p99\\.9=[0-9]+\\.[0-9]{3}\r\n")))
      << info;
  EXPECT_NE(info.find("latency_percentiles_usec_client|id:p50="), std::string::npos);
  ASSERT_TRUE(
      h_.server().config_registry().Set("latency-tracking-info-percentiles", "0 50.5 100").ok());
  info = Info({"latencystats"});
  EXPECT_TRUE(std::regex_search(info, std::regex("usec_set:p0=[0-9.]+,p50\\.5=[0-9.]+,"
                                                 "p100=[0-9.]+\r\n")))
      << info;
}

TEST_F(InfoTest, LatencyTrackingOffHidesAndStopsRecording) {
  ASSERT_TRUE(h_.server().config_registry().Set("latency-tracking", "no").ok());
  h_.Run({"set", "k", "v"});
  EXPECT_EQ(Info({"latencystats"}), "# Latencystats\r\n");
  ASSERT_TRUE(h_.server().config_registry().Set("latency-tracking", "yes").ok());
  EXPECT_EQ(Info({"latencystats"}).find("usec_set:"), std::string::npos);
}

TEST_F(InfoTest, ResetStatsClearsWhatRedisClears) {
  h_.Run({"set", "k", "v"});
  h_.Run({"get", "k"});
  h_.Run({"nosuchcommand"});
  h_.AdvanceMillis(5000);
  // CONFIG RESETSTAT reaches the server through the registry's hook.
  ASSERT_TRUE(static_cast<bool>(h_.server().config_registry().hooks().reset_stats));
  h_.server().config_registry().hooks().reset_stats();
  const std::string all = Info({"all"});
  EXPECT_EQ(Field(all, "total_commands_processed"), "0");
  EXPECT_EQ(Field(all, "keyspace_hits"), "0");
  EXPECT_EQ(Field(all, "total_error_replies"), "0");
  EXPECT_EQ(all.find("errorstat_"), std::string::npos);
  // The INFO call itself is the only command counted since.
  EXPECT_EQ(all.find("cmdstat_set"), std::string::npos);
  EXPECT_EQ(all.find("latency_percentiles_usec_set"), std::string::npos);
  // Kept: uptime and the changes since the last save.
  EXPECT_EQ(Field(all, "uptime_in_seconds"), "5");
  EXPECT_EQ(Field(all, "rdb_changes_since_last_save"), "1");
}

}  // namespace
}  // namespace osprey::testing
