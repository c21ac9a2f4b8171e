// ConfigRegistry: value parsing and formatting per directive kind, CONFIG GET
// matching, and CONFIG SET's all-or-nothing semantics. Expected texts were
// checked against redis-server 7.0.15.
#include "server/config_registry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <string_view>
#include <vector>

#include "keyspace/notifications.h"
#include "server/config_def.h"

namespace osprey::server {
namespace {

std::string Get(const ConfigRegistry& r, std::string_view name) {
  base::Result<std::string> v = r.GetValue(name);
  return v.ok() ? *v : "<missing>";
}

// The error reply of setting one directive, or "OK".
std::string SetReply(ConfigRegistry& r, std::string_view name, std::string_view value) {
  base::Status st = r.Set(name, value);
  return st.ok() ? "OK" : std::string(st.message());
}

std::string Failed(std::string_view name, std::string_view why) {
  return "ERR CONFIG SET failed (possibly related to argument '" + std::string(name) + "') - " +
         std::string(why);
}

std::string SetMany(ConfigRegistry& r, std::vector<std::string_view> args,
                    ConfigRegistry::SetOptions options = {.allow_protected = true}) {
  base::Status st = r.Set(args, options);
  return st.ok() ? "OK" : std::string(st.message());
}

// ------------------------------------------------------------------ lookup

TEST(ConfigRegistryTest, FindsPrimaryNamesAndAliasesInAnyCase) {
  const ConfigDef* primary = ConfigRegistry::Find("replica-read-only");
  ASSERT_NE(primary, nullptr);
  EXPECT_EQ(ConfigRegistry::Find("SLAVE-READ-ONLY"), primary);
  EXPECT_EQ(ConfigRegistry::Find("hash-max-ziplist-entries"),
            ConfigRegistry::Find("hash-max-listpack-entries"));
  EXPECT_EQ(ConfigRegistry::Find("lua-time-limit")->name, "busy-reply-threshold");
  EXPECT_EQ(ConfigRegistry::Find("slaveof")->name, "replicaof");
  EXPECT_EQ(ConfigRegistry::Find("nosuch"), nullptr);
  EXPECT_EQ(ConfigRegistry::Find("include"), nullptr);  // file-only
}

TEST(ConfigRegistryTest, AliasSharesTheValueOfItsPrimary) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "slave-priority", "7"), "OK");
  EXPECT_EQ(Get(r, "replica-priority"), "7");
  EXPECT_EQ(r.values().replica_priority, 7);
}

// -------------------------------------------------------------------- bool

TEST(ConfigRegistryTest, BoolAcceptsYesAndNoInAnyCase) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "activerehashing", "NO"), "OK");
  EXPECT_FALSE(r.values().activerehashing);
  EXPECT_EQ(Get(r, "activerehashing"), "no");
  EXPECT_EQ(SetReply(r, "activerehashing", "Yes"), "OK");
  EXPECT_EQ(Get(r, "activerehashing"), "yes");
}

TEST(ConfigRegistryTest, BoolRejectsAnythingElse) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "appendonly", "maybe"),
            Failed("appendonly", "argument must be 'yes' or 'no'"));
  EXPECT_EQ(SetReply(r, "appendonly", "1"), Failed("appendonly", "argument must be 'yes' or 'no'"));
}

TEST(ConfigRegistryTest, ActiveDefragCannotBeEnabled) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "activedefrag", "no"), "OK");
  EXPECT_EQ(SetReply(r, "activedefrag", "yes").substr(0, 90),
            Failed("activedefrag", "Active defragmentation cannot be enabled").substr(0, 90));
}

// ----------------------------------------------------------------- integers

TEST(ConfigRegistryTest, IntegerAcceptsOnlyCanonicalDecimal) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "timeout", "30"), "OK");
  EXPECT_EQ(r.values().timeout, 30);
  for (std::string_view bad : {"+1", "01", " 1", "1 ", "1.0", "abc", "", "1k"}) {
    EXPECT_EQ(SetReply(r, "timeout", bad),
              Failed("timeout", "argument couldn't be parsed into an integer"))
        << bad;
  }
}

TEST(ConfigRegistryTest, IntegerBoundsAreReportedAsRedisWordsThem) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "hz", "-1"),
            Failed("hz", "argument must be between 0 and 2147483647 inclusive"));
  EXPECT_EQ(SetReply(r, "active-defrag-cycle-min", "100"),
            Failed("active-defrag-cycle-min", "argument must be between 1 and 99 inclusive"));
  EXPECT_EQ(SetReply(r, "maxclients", "-1"),
            Failed("maxclients", "argument must be between 1 and 4294967295 inclusive"));
  EXPECT_EQ(
      SetReply(r, "slowlog-max-len", "-1"),
      Failed("slowlog-max-len", "argument must be between 0 and 9223372036854775807 inclusive"));
  EXPECT_EQ(SetReply(r, "slowlog-log-slower-than", "-1"), "OK");
  EXPECT_EQ(r.values().slowlog_log_slower_than, -1);
}

TEST(ConfigRegistryTest, HzIsClampedToOneThroughFiveHundred) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "hz", "1000"), "OK");
  EXPECT_EQ(Get(r, "hz"), "500");
  EXPECT_EQ(SetReply(r, "hz", "0"), "OK");
  EXPECT_EQ(Get(r, "hz"), "1");
  ASSERT_TRUE(r.LoadFromString("hz 900\n").ok());
  EXPECT_EQ(r.values().hz, 500);
}

TEST(ConfigRegistryTest, ReplBacklogIsRaisedToSixteenKbOnlyByConfigSet) {
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString("repl-backlog-size 1").ok());
  EXPECT_EQ(Get(r, "repl-backlog-size"), "1");
  EXPECT_EQ(SetReply(r, "repl-backlog-size", "2"), "OK");
  EXPECT_EQ(Get(r, "repl-backlog-size"), "16384");
}

TEST(ConfigRegistryTest, OctalValuesReadAndPrintInOctal) {
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString("unixsocketperm 0770").ok());
  EXPECT_EQ(r.values().unixsocketperm, 0770u);
  EXPECT_EQ(Get(r, "unixsocketperm"), "770");
}

// ------------------------------------------------------------------- memory

TEST(ConfigRegistryTest, MemoryUnitsFollowRedisRules) {
  const std::pair<std::string_view, uint64_t> kCases[] = {
      {"100", 100},        {"1b", 1},        {"1k", 1000},
      {"1kb", 1024},       {"1K", 1000},     {"1KB", 1024},
      {"2m", 2000000},     {"2mb", 2 << 20}, {"3g", 3000000000ull},
      {"3Gb", 3ull << 30}, {"", 0},          {"99999999999999999999", UINT64_MAX},
  };
  for (const auto& [text, bytes] : kCases) {
    uint64_t v = 7;
    EXPECT_TRUE(ParseMemory(text, &v)) << text;
    EXPECT_EQ(v, bytes) << text;
  }
  uint64_t v;
  for (std::string_view bad : {"-1", "+1", " 1", "1.5mb", "1x", "1 kb", "mbb"}) {
    EXPECT_FALSE(ParseMemory(bad, &v)) << bad;
  }
}

TEST(ConfigRegistryTest, MemoryValuesAreShownInBytes) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "maxmemory", "1gb"), "OK");
  EXPECT_EQ(Get(r, "maxmemory"), "1073741824");
  EXPECT_EQ(SetReply(r, "maxmemory", "99999999999999999999"), "OK");
  EXPECT_EQ(Get(r, "maxmemory"), "18446744073709551615");
  EXPECT_EQ(SetReply(r, "maxmemory", "-1"), Failed("maxmemory", "argument must be a memory value"));
  EXPECT_EQ(SetReply(r, "proto-max-bulk-len", "1k"),
            Failed("proto-max-bulk-len",
                   "argument must be between 1048576 and 9223372036854775807 inclusive"));
}

TEST(ConfigRegistryTest, MaxmemoryClientsTakesBytesOrPercent) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "maxmemory-clients", "10%"), "OK");
  EXPECT_EQ(r.values().maxmemory_clients, -10);
  EXPECT_EQ(Get(r, "maxmemory-clients"), "10%");
  EXPECT_EQ(SetReply(r, "maxmemory-clients", "0%"), "OK");
  EXPECT_EQ(Get(r, "maxmemory-clients"), "0");
  EXPECT_EQ(SetReply(r, "maxmemory-clients", "1mb"), "OK");
  EXPECT_EQ(Get(r, "maxmemory-clients"), "1048576");
  EXPECT_EQ(SetReply(r, "maxmemory-clients", "101%"),
            Failed("maxmemory-clients", "percentage argument must be less or equal to 100"));
  EXPECT_EQ(SetReply(r, "maxmemory-clients", "-5%"),
            Failed("maxmemory-clients", "argument must be a memory or percent value"));
}

// -------------------------------------------------------------------- enums

TEST(ConfigRegistryTest, EnumsMatchNamesInAnyCaseAndShowThemLowerCase) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "maxmemory-policy", "ALLKEYS-LRU"), "OK");
  EXPECT_EQ(r.values().maxmemory_policy, MaxmemoryPolicy::kAllkeysLru);
  EXPECT_EQ(Get(r, "maxmemory-policy"), "allkeys-lru");
  EXPECT_EQ(SetReply(r, "loglevel", "warning"), "OK");
  EXPECT_EQ(r.values().loglevel, base::LogLevel::kWarning);
}

TEST(ConfigRegistryTest, EnumErrorListsEveryName) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "maxmemory-policy", "foo"),
            Failed("maxmemory-policy",
                   "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
                   "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
                   "noeviction"));
}

TEST(ConfigRegistryTest, SynonymEnumValuesShowTheirFirstName) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "oom-score-adj", "relative"), "OK");
  EXPECT_EQ(r.values().oom_score_adj, OomScoreAdj::kRelative);
  EXPECT_EQ(Get(r, "oom-score-adj"), "yes");
}

TEST(ConfigRegistryTest, MultiArgEnumIsASetOfFlags) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "shutdown-on-sigint", "force nosave now"), "OK");
  EXPECT_EQ(r.values().shutdown_on_sigint, kShutdownForce | kShutdownNoSave | kShutdownNow);
  EXPECT_EQ(Get(r, "shutdown-on-sigint"), "nosave now force");
  EXPECT_EQ(SetReply(r, "shutdown-on-sigint", "default save"), "OK");
  EXPECT_EQ(Get(r, "shutdown-on-sigint"), "save");
  EXPECT_EQ(SetReply(r, "shutdown-on-sigint", "save nosave"),
            Failed("shutdown-on-sigint",
                   "shutdown options SAVE and NOSAVE can't be used simultaneously"));
  EXPECT_EQ(SetReply(r, "shutdown-on-sigint", ""),
            Failed("shutdown-on-sigint",
                   "argument(s) must be one of the following: default, save, nosave, now, force"));
}

// ------------------------------------------------------------------ strings

TEST(ConfigRegistryTest, StringChecks) {
  ConfigRegistry r;
  ConfigRegistry::SetOptions opts{.allow_protected = true};
  std::vector<std::string_view> args = {"dbfilename", "a/b.rdb"};
  EXPECT_EQ(SetMany(r, args, opts),
            Failed("dbfilename", "dbfilename can't be a path, just a filename"));
  EXPECT_EQ(SetReply(r, "cluster-announce-hostname", "a_b"),
            Failed("cluster-announce-hostname",
                   "Hostnames may only contain alphanumeric characters, hyphens or dots"));
  EXPECT_EQ(SetReply(r, "cluster-announce-hostname", "node-1.example"), "OK");
  for (std::string_view bad : {"{nosuch}", "{title}", "   ", "{title", "{"}) {
    EXPECT_EQ(
        SetReply(r, "proc-title-template", bad),
        Failed("proc-title-template", "template format is invalid or contains unknown variables"))
        << bad;
  }
  EXPECT_EQ(SetReply(r, "proc-title-template", "{{ {port}"), "OK");
}

// ---------------------------------------------------------------- specials

TEST(ConfigRegistryTest, SaveParsesPairsAndEmptyClears) {
  ConfigRegistry r;
  EXPECT_EQ(Get(r, "save"), "3600 1 300 100 60 10000");
  EXPECT_EQ(SetReply(r, "save", "100 10 200 20"), "OK");
  EXPECT_EQ(r.values().save, (std::vector<SavePoint>{{100, 10}, {200, 20}}));
  EXPECT_EQ(SetReply(r, "save", ""), "OK");
  EXPECT_TRUE(r.values().save.empty());
  EXPECT_EQ(Get(r, "save"), "");
  for (std::string_view bad : {"100", "0 1", "100 -1", "abc 1", "  ", "10 5x"}) {
    EXPECT_EQ(SetReply(r, "save", bad), Failed("save", "Invalid save parameters")) << bad;
  }
}

TEST(ConfigRegistryTest, ClientOutputBufferLimitUpdatesNamedClassesOnly) {
  ConfigRegistry r;
  EXPECT_EQ(Get(r, "client-output-buffer-limit"),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  EXPECT_EQ(SetReply(r, "client-output-buffer-limit", "replica 1mb 2k 3"), "OK");
  EXPECT_EQ(r.values().client_output_buffer_limit.replica, (ClientBufferLimit{1 << 20, 2000, 3}));
  EXPECT_EQ(Get(r, "client-output-buffer-limit"),
            "normal 0 0 0 slave 1048576 2000 3 pubsub 33554432 8388608 60");
  EXPECT_EQ(SetReply(r, "client-output-buffer-limit", "normal 1 2"),
            Failed("client-output-buffer-limit",
                   "Wrong number of arguments in buffer limit configuration."));
  EXPECT_EQ(SetReply(r, "client-output-buffer-limit", "master 1 2 3"),
            Failed("client-output-buffer-limit",
                   "Invalid client class specified in buffer limit configuration."));
  EXPECT_EQ(SetReply(r, "client-output-buffer-limit", "pubsub 1 2 -5"),
            Failed("client-output-buffer-limit",
                   "Error in hard, soft or soft_seconds setting in buffer limit configuration."));
}

TEST(ConfigRegistryTest, NotifyKeyspaceEventsNormalizesLetters) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "notify-keyspace-events", "KEA"), "OK");
  EXPECT_EQ(r.values().notify_keyspace_events,
            keyspace::kNotifyKeyspace | keyspace::kNotifyKeyevent | keyspace::kNotifyAll);
  EXPECT_EQ(Get(r, "notify-keyspace-events"), "AKE");
  EXPECT_EQ(SetReply(r, "notify-keyspace-events", "Exm"), "OK");
  EXPECT_EQ(Get(r, "notify-keyspace-events"), "xEm");
  EXPECT_EQ(
      SetReply(r, "notify-keyspace-events", "A K"),
      Failed("notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."));
}

TEST(ConfigRegistryTest, LatencyPercentilesPrintWithoutTrailingZeros) {
  ConfigRegistry r;
  EXPECT_EQ(Get(r, "latency-tracking-info-percentiles"), "50 99 99.9");
  EXPECT_EQ(SetReply(r, "latency-tracking-info-percentiles", "1.5 99.99999 1e1"), "OK");
  EXPECT_EQ(Get(r, "latency-tracking-info-percentiles"), "1.5 99.99999 10");
  EXPECT_EQ(SetReply(r, "latency-tracking-info-percentiles", "50 101"),
            Failed("latency-tracking-info-percentiles",
                   "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"));
  EXPECT_EQ(SetReply(r, "latency-tracking-info-percentiles", "a"),
            Failed("latency-tracking-info-percentiles",
                   "Invalid latency-tracking-info-percentiles parameters"));
  EXPECT_EQ(SetReply(r, "latency-tracking-info-percentiles", ""), "OK");
  EXPECT_TRUE(r.values().latency_tracking_info_percentiles.empty());
}

TEST(ConfigRegistryTest, BindTakesUpToSixteenAddresses) {
  ConfigRegistry r;
  EXPECT_EQ(Get(r, "bind"), "* -::*");
  EXPECT_EQ(SetReply(r, "bind", "127.0.0.1 -::1"), "OK");
  EXPECT_EQ(r.values().bind, (std::vector<std::string>{"127.0.0.1", "-::1"}));
  EXPECT_EQ(SetReply(r, "bind", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"),
            Failed("bind", "Too many bind addresses specified."));
  EXPECT_EQ(SetReply(r, "bind", ""), "OK");
  EXPECT_TRUE(r.values().bind.empty());
}

TEST(ConfigRegistryTest, OomScoreAdjValuesNeedThreeValuesInRange) {
  ConfigRegistry r;
  EXPECT_EQ(SetReply(r, "oom-score-adj-values", "1 2 3"), "OK");
  EXPECT_EQ(Get(r, "oom-score-adj-values"), "1 2 3");
  EXPECT_EQ(SetReply(r, "oom-score-adj-values", "1 2"),
            Failed("oom-score-adj-values", "wrong number of arguments"));
  EXPECT_EQ(SetReply(r, "oom-score-adj-values", "1 2 3000"),
            Failed("oom-score-adj-values",
                   "Invalid oom-score-adj-values, elements must be between -2000 and 2000."));
}

TEST(ConfigRegistryTest, ReplicaOfIsHostAndPortOrNoOne) {
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString("slaveof 10.0.0.1 6380").ok());
  EXPECT_EQ(r.values().replicaof_host, "10.0.0.1");
  EXPECT_EQ(r.values().replicaof_port, 6380);
  EXPECT_EQ(Get(r, "replicaof"), "10.0.0.1 6380");
  ASSERT_TRUE(r.LoadFromString("replicaof NO ONE").ok());
  EXPECT_EQ(Get(r, "slaveof"), "");
  base::Status st = r.LoadFromString("replicaof host 70000");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("Invalid master port"), std::string_view::npos);
}

TEST(ConfigRegistryTest, DirChangesTheWorkingDirectory) {
  char before[4096];
  ASSERT_NE(getcwd(before, sizeof(before)), nullptr);
  ConfigRegistry r;
  EXPECT_EQ(Get(r, "dir"), before);
  EXPECT_EQ(SetReply(r, "dir", "/"), "OK");
  EXPECT_EQ(Get(r, "dir"), "/");
  EXPECT_EQ(r.values().dir, "/");
  EXPECT_EQ(SetReply(r, "dir", "/nonexistent-osprey-dir"),
            Failed("dir", "No such file or directory"));
  EXPECT_EQ(Get(r, "dir"), "/");
  ASSERT_EQ(chdir(before), 0);
}

// ---------------------------------------------------------------- CONFIG GET

std::vector<std::pair<std::string, std::string>> GetPatterns(const ConfigRegistry& r,
                                                             std::vector<std::string_view> p) {
  return r.Get(p);
}

TEST(ConfigRegistryTest, GetByExactNameEchoesTheSpelling) {
  ConfigRegistry r;
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(GetPatterns(r, {"MAXMEMORY"}), (Pairs{{"MAXMEMORY", "0"}}));
  EXPECT_EQ(GetPatterns(r, {"maxmemory", "MAXMEMORY", "hz"}),
            (Pairs{{"maxmemory", "0"}, {"hz", "10"}}));
  EXPECT_EQ(GetPatterns(r, {"nosuch"}), Pairs{});
  EXPECT_EQ(GetPatterns(r, {"slaveof", "replicaof"}), (Pairs{{"slaveof", ""}, {"replicaof", ""}}));
}

TEST(ConfigRegistryTest, GetPatternListsAliasesButNotHiddenDirectives) {
  ConfigRegistry r;
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  // rdb-key-save-delay and key-load-delay are hidden from patterns.
  auto delay = GetPatterns(r, {"*DELAY*"});
  ASSERT_EQ(delay.size(), 2u);
  EXPECT_EQ(delay[0].first, "repl-disable-tcp-nodelay");
  EXPECT_EQ(delay[1].first, "repl-diskless-sync-delay");
  EXPECT_EQ(GetPatterns(r, {"rdb-key-save-delay"}), (Pairs{{"rdb-key-save-delay", "0"}}));
  auto priority = GetPatterns(r, {"*-priority"});
  ASSERT_EQ(priority.size(), 2u);
  EXPECT_EQ(priority[0].first, "replica-priority");
  EXPECT_EQ(priority[1].first, "slave-priority");
  // A name matched by an earlier argument is not repeated.
  EXPECT_EQ(GetPatterns(r, {"hz", "h?"}).size(), 1u);
}

// ---------------------------------------------------------------- CONFIG SET

TEST(ConfigRegistryTest, SetReportsUnknownImmutableProtectedAndDuplicates) {
  ConfigRegistry r;
  ConfigRegistry::SetOptions no_protected;
  EXPECT_EQ(SetMany(r, {"nosuch", "1"}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  EXPECT_EQ(SetMany(r, {"daemonize", "yes"}), Failed("daemonize", "can't set immutable config"));
  EXPECT_EQ(SetMany(r, {"DBFILENAME", "x"}, no_protected),
            Failed("DBFILENAME", "can't set protected config"));
  EXPECT_EQ(SetMany(r, {"dbfilename", "x.rdb"}), "OK");
  EXPECT_EQ(SetMany(r, {"HZ", "1", "hz", "2"}), Failed("hz", "duplicate parameter"));
  // A primary name and its alias are different parameters, as in Redis.
  EXPECT_EQ(SetMany(r, {"hash-max-ziplist-entries", "1", "hash-max-listpack-entries", "2"}), "OK");
  EXPECT_EQ(Get(r, "hash-max-listpack-entries"), "2");
}

TEST(ConfigRegistryTest, SetReportsTheFirstProblem) {
  ConfigRegistry r;
  EXPECT_EQ(SetMany(r, {"daemonize", "yes", "nosuch", "1"}),
            Failed("daemonize", "can't set immutable config"));
  EXPECT_EQ(SetMany(r, {"hz", "abc", "nosuch", "1"}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  EXPECT_EQ(SetMany(r, {"MAXMEMORY", "abc"}),
            Failed("maxmemory", "argument must be a memory value"));
  EXPECT_EQ(SetMany(r, {"LUA-TIME-LIMIT", "x"}),
            Failed("lua-time-limit", "argument couldn't be parsed into an integer"));
}

TEST(ConfigRegistryTest, SetRefusesDenyLoadingDirectivesWhileLoading) {
  ConfigRegistry r;
  ConfigRegistry::SetOptions loading{.allow_protected = true, .loading = true};
  EXPECT_EQ(SetMany(r, {"appendonly", "yes"}, loading),
            "LOADING Redis is loading the dataset in memory");
  EXPECT_EQ(SetMany(r, {"hz", "5"}, loading), "OK");
}

TEST(ConfigRegistryTest, SetIsAllOrNothing) {
  ConfigRegistry r;
  EXPECT_EQ(SetMany(r, {"hz", "5", "maxmemory", "1mb", "save", "1 2"}), "OK");
  EXPECT_EQ(SetMany(r, {"hz", "6", "save", "9 9", "maxmemory", "abc"}),
            Failed("maxmemory", "argument must be a memory value"));
  EXPECT_EQ(Get(r, "hz"), "5");
  EXPECT_EQ(Get(r, "save"), "1 2");
  EXPECT_EQ(Get(r, "maxmemory"), "1048576");
}

TEST(ConfigRegistryTest, ApplyHookRunsOncePerCallWhenSomethingChanged) {
  ConfigRegistry r;
  int runs = 0;
  r.AddApplyHook({"maxmemory", "maxmemory-policy"}, [&](const ServerConfig&) {
    ++runs;
    return base::Status::Ok();
  });
  EXPECT_EQ(SetMany(r, {"maxmemory", "1mb", "maxmemory-policy", "allkeys-lru"}), "OK");
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(SetMany(r, {"maxmemory", "1mb"}), "OK");  // unchanged: no apply
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(SetMany(r, {"hz", "20"}), "OK");
  EXPECT_EQ(runs, 1);
}

TEST(ConfigRegistryTest, FailedApplyRollsBackAndReappliesOldValues) {
  ConfigRegistry r;
  std::vector<int64_t> seen;
  r.AddApplyHook({"timeout"}, [&](const ServerConfig& c) {
    seen.push_back(c.timeout);
    if (c.timeout == 13) return base::Status::IoError("Unable to use 13");
    return base::Status::Ok();
  });
  EXPECT_EQ(SetMany(r, {"hz", "7", "timeout", "13"}), Failed("timeout", "Unable to use 13"));
  EXPECT_EQ(r.values().timeout, 0);
  EXPECT_EQ(r.values().hz, 10);
  EXPECT_EQ(seen, (std::vector<int64_t>{13, 0}));
}

TEST(ConfigRegistryTest, VolatileDirectivesApplyEvenWhenUnchanged) {
  ConfigRegistry r;
  int runs = 0;
  r.AddApplyHook({"tls-cert-file"}, [&](const ServerConfig&) {
    ++runs;
    return base::Status::Ok();
  });
  EXPECT_EQ(SetMany(r, {"tls-cert-file", "/x.pem"}), "OK");
  EXPECT_EQ(SetMany(r, {"tls-cert-file", "/x.pem"}), "OK");
  EXPECT_EQ(runs, 2);
}

TEST(ConfigRegistryTest, ReportsUnimplementedDirectivesAtNonDefaultValues) {
  ConfigRegistry r;
  std::vector<std::string> notices;
  r.hooks().unimplemented_set = [&](std::string_view name) { notices.emplace_back(name); };
  EXPECT_TRUE(r.UnimplementedInUse().empty());
  EXPECT_EQ(SetMany(r, {"no-appendfsync-on-rewrite", "yes", "hz", "20"}), "OK");
  EXPECT_EQ(notices, std::vector<std::string>{"no-appendfsync-on-rewrite"});
  EXPECT_EQ(r.UnimplementedInUse(), std::vector<std::string_view>{"no-appendfsync-on-rewrite"});
  EXPECT_EQ(SetMany(r, {"no-appendfsync-on-rewrite", "no"}), "OK");
  EXPECT_EQ(notices.size(), 1u);
}

}  // namespace
}  // namespace osprey::server
