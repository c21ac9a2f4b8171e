// The AOF as the server runs it, in process: CONFIG SET appendonly, what
// reaches the incremental file, BGREWRITEAOF, DEBUG LOADAOF, INFO fields.
#include "server/aof_service.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "persistence/aof_manifest.h"
#include "server/background_save.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class AofServiceTest : public ::testing::Test {
 protected:
  // Each test names its own files: the harness shares one directory.
  AofServiceTest()
      : name_(std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
              ".aof"),
        h_("appendfilename " + name_ + "\nenable-debug-command yes\n") {}
  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }
  std::string Manifest() {
    return ReadFile("appendonlydir/" + persistence::AofManifestFileName(name_));
  }
  std::string LastIncr() {
    auto m = persistence::AofManifest::Parse(Manifest());
    EXPECT_TRUE(m.ok());
    if (!m.ok() || m->incrs.empty()) return "";
    return ReadFile("appendonlydir/" + m->incrs.back().name);
  }

  // Completes a background rewrite the last command started.
  void Settle() { h_.server().background_save().FinishNow(); }

  std::string name_;
  CommandHarness h_;
};

TEST_F(AofServiceTest, ConfigSetAppendonlyCreatesBaseIncrAndManifest) {
  Run({"set", "before", "1"});
  EXPECT_EQ(Run({"config", "set", "appendonly", "yes"}), "OK");
  Settle();
  EXPECT_TRUE(h_.server().aof().on());
  EXPECT_EQ(Manifest(), "file " + name_ + ".1.base.rdb seq 1 type b\nfile " + name_ +
                            ".1.incr.aof seq 1 type i\n");
  EXPECT_EQ(ReadFile("appendonlydir/" + name_ + ".1.base.rdb").substr(0, 5), "REDIS");
  Run({"set", "after", "2"});
  h_.server().aof().BeforeSleep();
  EXPECT_EQ(LastIncr(), "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$5\r\nafter\r\n$1\r\n2\r\n");
  EXPECT_EQ(Run({"config", "set", "appendonly", "no"}), "OK");
  EXPECT_FALSE(h_.server().aof().on());
}

TEST_F(AofServiceTest, RewriteStartsNewFilesAndDropsOldOnes) {
  EXPECT_EQ(Run({"config", "set", "appendonly", "yes"}), "OK");
  Settle();
  Run({"incr", "n"});
  EXPECT_EQ(Run({"bgrewriteaof"}), "Background append only file rewriting started");
  Settle();
  EXPECT_EQ(Manifest(), "file " + name_ + ".2.base.rdb seq 2 type b\nfile " + name_ +
                            ".2.incr.aof seq 2 type i\n");
  EXPECT_TRUE(ReadFile("appendonlydir/" + name_ + ".1.incr.aof").empty());
  EXPECT_EQ(LastIncr(), "");
  Run({"incr", "n"});
  h_.server().aof().BeforeSleep();
  EXPECT_NE(LastIncr().find("incr"), std::string::npos);
}

TEST_F(AofServiceTest, DebugLoadAofReadsTheFilesBack) {
  EXPECT_EQ(Run({"config", "set", "appendonly", "yes"}), "OK");
  Settle();
  Run({"set", "a", "1"});
  Run({"rpush", "l", "x", "y"});
  Run({"multi"});
  Run({"incr", "c"});
  Run({"incr", "c"});
  Run({"exec"});
  EXPECT_EQ(Run({"debug", "loadaof"}), "OK");
  EXPECT_EQ(Run({"get", "a"}), "1");
  EXPECT_EQ(Run({"get", "c"}), "2");
  EXPECT_EQ(Run({"llen", "l"}), "2");
  // Written while the AOF was off: not in the files, gone after loading.
  EXPECT_EQ(Run({"config", "set", "appendonly", "no"}), "OK");
  Run({"set", "unlogged", "x"});
  EXPECT_EQ(Run({"debug", "loadaof"}), "OK");
  EXPECT_EQ(Run({"exists", "unlogged"}), "0");
  EXPECT_EQ(Run({"dbsize"}), "3");
}

TEST_F(AofServiceTest, TimestampAnnotationsWhenEnabled) {
  EXPECT_EQ(Run({"config", "set", "aof-timestamp-enabled", "yes"}), "OK");
  EXPECT_EQ(Run({"config", "set", "appendonly", "yes"}), "OK");
  Settle();
  Run({"set", "k", "v"});
  h_.server().aof().BeforeSleep();
  const std::string ts = "#TS:" + std::to_string(h_.clock().NowMillis() / 1000) + "\r\n";
  EXPECT_EQ(LastIncr().substr(0, ts.size()), ts);
  EXPECT_EQ(Run({"debug", "loadaof"}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "v");
}

TEST_F(AofServiceTest, InfoPersistenceReportsTheAof) {
  std::string info = h_.Run({"info", "persistence"}).str;
  EXPECT_NE(info.find("aof_enabled:0\r\n"), std::string::npos);
  EXPECT_EQ(Run({"config", "set", "appendonly", "yes"}), "OK");
  Settle();
  Run({"bgrewriteaof"});
  Settle();
  info = h_.Run({"info", "persistence"}).str;
  EXPECT_NE(info.find("aof_enabled:1\r\n"), std::string::npos);
  EXPECT_NE(info.find("aof_rewrites:2\r\n"), std::string::npos);
  EXPECT_NE(info.find("aof_last_write_status:ok\r\n"), std::string::npos);
}

TEST_F(AofServiceTest, BaseInAofFormatWithoutRdbPreamble) {
  EXPECT_EQ(Run({"config", "set", "aof-use-rdb-preamble", "no"}), "OK");
  Run({"set", "s", "v"});
  Run({"rpush", "l", "a", "b"});
  Run({"pexpire", "l", "100000"});
  EXPECT_EQ(Run({"config", "set", "appendonly", "yes"}), "OK");
  Settle();
  EXPECT_EQ(Manifest(), "file " + name_ + ".1.base.aof seq 1 type b\nfile " + name_ +
                            ".1.incr.aof seq 1 type i\n");
  const std::string base = ReadFile("appendonlydir/" + name_ + ".1.base.aof");
  EXPECT_EQ(base.rfind("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n", 0), 0u);
  // Typed commands, as Redis 7 rewrites: no RESTORE payloads.
  EXPECT_EQ(base.find("RESTORE"), std::string::npos);
  EXPECT_NE(base.find("$3\r\nSET\r\n$1\r\ns\r\n$1\r\nv\r\n"), std::string::npos);
  EXPECT_NE(base.find("RPUSH"), std::string::npos);
  EXPECT_NE(base.find("PEXPIREAT"), std::string::npos);
  EXPECT_EQ(Run({"debug", "loadaof"}), "OK");
  EXPECT_EQ(Run({"get", "s"}), "v");
  EXPECT_EQ(Run({"llen", "l"}), "2");
  EXPECT_EQ(h_.Run({"pttl", "l"}).integer > 99000, true);
}

TEST_F(AofServiceTest, LoadingKeepsKeysWhoseTimePassedUntilTheEnd) {
  EXPECT_EQ(Run({"config", "set", "appendonly", "yes"}), "OK");
  Settle();
  {
    std::ofstream out("appendonlydir/" + name_ + ".1.incr.aof", std::ios::app | std::ios::binary);
    out << "*3\r\n$5\r\nRPUSH\r\n$4\r\nlist\r\n$3\r\nfoo\r\n"
        << "*3\r\n$9\r\nPEXPIREAT\r\n$4\r\nlist\r\n$4\r\n1000\r\n"
        << "*3\r\n$5\r\nRPUSH\r\n$4\r\nlist\r\n$3\r\nbar\r\n";
  }
  EXPECT_EQ(Run({"debug", "loadaof"}), "OK");
  // One list of two that expired long ago: gone once loading is over.
  EXPECT_EQ(Run({"llen", "list"}), "0");
}

TEST_F(AofServiceTest, BgRewriteAofArity) {
  EXPECT_EQ(Run({"bgrewriteaof", "now"}),
            "ERR wrong number of arguments for 'bgrewriteaof' command");
}

TEST_F(AofServiceTest, WritesDuringABackgroundRewriteAreKept) {
  EXPECT_EQ(Run({"config", "set", "appendonly", "yes"}), "OK");
  Settle();
  for (int i = 0; i < 200; ++i) Run({"set", "k" + std::to_string(i), "old"});
  EXPECT_EQ(Run({"bgrewriteaof"}), "Background append only file rewriting started");
  EXPECT_TRUE(h_.server().aof().rewrite_in_progress());
  EXPECT_EQ(Run({"bgrewriteaof"}), "ERR Background append only file rewriting already in progress");
  EXPECT_EQ(Run({"bgsave"}),
            "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
            "SCHEDULE in order to schedule a BGSAVE whenever possible.");
  // The new incremental file is in the manifest before the base is done.
  EXPECT_NE(Manifest().find(name_ + ".2.incr.aof seq 2 type i"), std::string::npos);
  for (int i = 0; i < 200; i += 2) Run({"set", "k" + std::to_string(i), "new"});
  Run({"del", "k1"});
  h_.server().aof().BeforeSleep();
  Settle();
  EXPECT_FALSE(h_.server().aof().rewrite_in_progress());
  EXPECT_EQ(Manifest(), "file " + name_ + ".2.base.rdb seq 2 type b\nfile " + name_ +
                            ".2.incr.aof seq 2 type i\n");
  EXPECT_EQ(Run({"debug", "loadaof"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "199");
  EXPECT_EQ(Run({"get", "k0"}), "new");
  EXPECT_EQ(Run({"get", "k3"}), "old");
}

TEST_F(AofServiceTest, BgrewriteaofWaitsForARunningBgsave) {
  EXPECT_EQ(Run({"config", "set", "appendonly", "yes"}), "OK");
  Settle();
  Run({"set", "a", "1"});
  EXPECT_EQ(Run({"bgsave"}), "Background saving started");
  EXPECT_EQ(Run({"bgrewriteaof"}), "Background append only file rewriting scheduled");
  EXPECT_TRUE(h_.server().aof().rewrite_scheduled());
  Settle();  // the BGSAVE ends
  h_.server().RunCron();
  EXPECT_TRUE(h_.server().aof().rewrite_in_progress());
  Settle();
  EXPECT_FALSE(h_.server().aof().rewrite_scheduled());
  EXPECT_NE(Manifest().find(".2.base.rdb"), std::string::npos);
}

TEST_F(AofServiceTest, TurningTheAofOffStopsARewrite) {
  EXPECT_EQ(Run({"config", "set", "appendonly", "yes"}), "OK");
  Settle();
  Run({"set", "a", "1"});
  EXPECT_EQ(Run({"bgrewriteaof"}), "Background append only file rewriting started");
  EXPECT_EQ(Run({"config", "set", "appendonly", "no"}), "OK");
  EXPECT_FALSE(h_.server().aof().rewrite_in_progress());
  EXPECT_FALSE(h_.server().background_save().running());
}

TEST_F(AofServiceTest, HistoryListsTheNewestFirstUntilAutoGcIsBackOn) {
  EXPECT_EQ(Run({"config", "set", "aof-disable-auto-gc", "yes"}), "OK");
  EXPECT_EQ(Run({"config", "set", "appendonly", "yes"}), "OK");
  Settle();
  for (int i = 0; i < 2; ++i) {
    Run({"incr", "n"});
    h_.server().aof().BeforeSleep();
    EXPECT_EQ(Run({"bgrewriteaof"}), "Background append only file rewriting started");
    Settle();
  }
  const std::string& n = name_;
  auto line = [&n](const std::string& file, int seq, const char* type) {
    return "file " + n + "." + file + " seq " + std::to_string(seq) + " type " + type + "\n";
  };
  EXPECT_EQ(Manifest(), line("3.base.rdb", 3, "b") + line("2.incr.aof", 2, "h") +
                            line("2.base.rdb", 2, "h") + line("1.incr.aof", 1, "h") +
                            line("1.base.rdb", 1, "h") + line("3.incr.aof", 3, "i"));
  EXPECT_TRUE(std::ifstream("appendonlydir/" + n + ".1.base.rdb").good());
  EXPECT_EQ(Run({"config", "set", "aof-disable-auto-gc", "no"}), "OK");
  EXPECT_EQ(Manifest(), line("3.base.rdb", 3, "b") + line("3.incr.aof", 3, "i"));
  EXPECT_FALSE(std::ifstream("appendonlydir/" + n + ".1.base.rdb").good());
  EXPECT_FALSE(std::ifstream("appendonlydir/" + n + ".2.incr.aof").good());
  EXPECT_EQ(Run({"debug", "loadaof"}), "OK");
  EXPECT_EQ(Run({"get", "n"}), "2");
}

TEST_F(AofServiceTest, DebugLoadAofDeletesHistoryTheManifestNames) {
  EXPECT_EQ(Run({"config", "set", "appendonly", "yes"}), "OK");
  Settle();
  const std::string stray = "appendonlydir/" + name_ + ".9.incr.aof";
  std::ofstream(stray) << "*1\r\n$4\r\nPING\r\n";
  const std::string before = Manifest();
  const size_t second_line = before.find('\n') + 1;
  std::ofstream("appendonlydir/" + persistence::AofManifestFileName(name_))
      << before.substr(0, second_line) << "file " << name_ << ".9.incr.aof seq 9 type h\n"
      << before.substr(second_line);
  EXPECT_EQ(Run({"debug", "loadaof"}), "OK");
  EXPECT_EQ(Manifest(), before);
  EXPECT_FALSE(std::ifstream(stray).good());
}

TEST_F(AofServiceTest, RepliesWaitForTheFileOnlyUnderAppendfsyncAlways) {
  EXPECT_EQ(Run({"config", "set", "appendonly", "yes"}), "OK");
  Settle();
  server::AofService& aof = h_.server().aof();
  Run({"set", "k", "1"});
  EXPECT_FALSE(aof.HoldsReplies());  // everysec: no barrier
  EXPECT_EQ(Run({"config", "set", "appendfsync", "always"}), "OK");
  aof.BeforeSleep();
  EXPECT_FALSE(aof.HoldsReplies());  // nothing buffered
  Run({"set", "k", "2"});
  EXPECT_TRUE(aof.HoldsReplies());
  Run({"get", "k"});  // reads add nothing, the write is still buffered
  EXPECT_TRUE(aof.HoldsReplies());
  aof.BeforeSleep();
  EXPECT_FALSE(aof.HoldsReplies());
  EXPECT_NE(LastIncr().find("$1\r\n2\r\n"), std::string::npos);
}

TEST_F(AofServiceTest, CommandBaseStartsWithATimestampWhenEnabled) {
  EXPECT_EQ(Run({"config", "set", "aof-use-rdb-preamble", "no"}), "OK");
  EXPECT_EQ(Run({"config", "set", "aof-timestamp-enabled", "yes"}), "OK");
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"config", "set", "appendonly", "yes"}), "OK");
  Settle();
  const std::string ts = "#TS:" + std::to_string(h_.clock().NowMillis() / 1000) + "\r\n";
  const std::string base = ReadFile("appendonlydir/" + name_ + ".1.base.aof");
  EXPECT_EQ(base.substr(0, ts.size()), ts);
  EXPECT_EQ(base.substr(ts.size(), 4), "*2\r\n");
  EXPECT_EQ(Run({"debug", "loadaof"}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "v");
  // An RDB base never carries one.
  EXPECT_EQ(Run({"config", "set", "aof-use-rdb-preamble", "yes"}), "OK");
  EXPECT_EQ(Run({"bgrewriteaof"}), "Background append only file rewriting started");
  Settle();
  EXPECT_EQ(ReadFile("appendonlydir/" + name_ + ".2.base.rdb").substr(0, 5), "REDIS");
}

}  // namespace
}  // namespace osprey::testing
