// SAVE, LASTSAVE, DEBUG RELOAD, FLUSHALL's save, the start-up load and
// INFO persistence, through the real dispatcher (the harness runs in a
// temporary directory, where the RDB files go).

#include "server/snapshot.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "server/background_save.h"
#include "server/server.h"
#include "server/server_config.h"
#include "server/stats.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

bool FileExists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

std::string InfoField(CommandHarness& h, const std::string& field) {
  const std::string info = h.Run({"INFO", "persistence"}).str;
  const size_t at = info.find("\r\n" + field + ":");
  if (at == std::string::npos) return "";
  const size_t start = at + field.size() + 3;
  return info.substr(start, info.find("\r\n", start) - start);
}

// Each test gets a file name of its own in the harness's directory.
std::string TestFileName() {
  return std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".rdb";
}

class SnapshotTest : public ::testing::Test {
 protected:
  SnapshotTest() { std::remove(file_.c_str()); }
  ~SnapshotTest() override { std::remove(file_.c_str()); }

  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }

  std::string file_ = TestFileName();
  CommandHarness h_{"enable-debug-command yes\ndbfilename " + file_};
};

TEST_F(SnapshotTest, SaveWritesTheFileAndResetsTheChangeCount) {
  Run({"SET", "a", "1"});
  Run({"RPUSH", "l", "x", "y"});
  EXPECT_EQ(InfoField(h_, "rdb_changes_since_last_save"), "3");  // one per element
  h_.AdvanceMillis(5000);
  EXPECT_EQ(Run({"SAVE"}), "OK");
  EXPECT_TRUE(FileExists(file_));
  EXPECT_EQ(InfoField(h_, "rdb_changes_since_last_save"), "0");
  EXPECT_EQ(InfoField(h_, "rdb_saves"), "1");
  EXPECT_EQ(InfoField(h_, "rdb_last_bgsave_status"), "ok");
  EXPECT_EQ(Run({"LASTSAVE"}), std::to_string(h_.clock().NowMillis() / 1000));
  EXPECT_EQ(InfoField(h_, "rdb_last_save_time"), std::to_string(h_.clock().NowMillis() / 1000));
  std::ifstream in(file_, std::ios::binary);
  std::string magic(9, '\0');
  in.read(magic.data(), 9);
  EXPECT_EQ(magic, "REDIS0010");
}

TEST_F(SnapshotTest, LastsaveBeforeAnySaveIsTheStartTime) {
  EXPECT_EQ(Run({"LASTSAVE"}), std::to_string(h_.server().stats().start_time_ms / 1000));
  EXPECT_EQ(Run({"LASTSAVE", "x"}), "ERR wrong number of arguments for 'lastsave' command");
  EXPECT_EQ(Run({"SAVE", "x"}), "ERR wrong number of arguments for 'save' command");
}

TEST_F(SnapshotTest, SaveIsRefusedInsideMulti) {
  Run({"MULTI"});
  EXPECT_EQ(Run({"SAVE"}), "ERR Command not allowed inside a transaction");
  Run({"DISCARD"});
}

TEST_F(SnapshotTest, SaveFailureRepliesErr) {
  Run({"SET", "a", "1"});
  // A directory where the file should be: the rename fails.
  ASSERT_EQ(mkdir(file_.c_str(), 0755), 0);
  EXPECT_EQ(Run({"SAVE"}), "ERR");
  EXPECT_EQ(InfoField(h_, "rdb_changes_since_last_save"), "1");
  rmdir(file_.c_str());
}

TEST_F(SnapshotTest, DebugReloadKeepsTheDataSet) {
  Run({"SET", "s", "v"});
  Run({"SET", "t", "x", "PX", "100000"});
  Run({"RPUSH", "l", "a", "b"});
  Run({"SADD", "set", "1", "2"});
  Run({"ZADD", "z", "1", "m"});
  Run({"HSET", "h", "f", "v"});
  Run({"SELECT", "5"});
  Run({"SET", "other", "db5"});
  Run({"SELECT", "0"});
  const std::string digest = Run({"DEBUG", "DIGEST"});
  EXPECT_EQ(Run({"DEBUG", "RELOAD"}), "OK");
  EXPECT_EQ(Run({"DEBUG", "DIGEST"}), digest);
  EXPECT_EQ(Run({"PTTL", "t"}), "100000");
  EXPECT_EQ(InfoField(h_, "rdb_last_load_keys_loaded"), "7");
}

TEST_F(SnapshotTest, DebugReloadOptions) {
  Run({"SET", "a", "1"});
  EXPECT_EQ(Run({"SAVE"}), "OK");
  Run({"SET", "b", "2"});
  // NOSAVE: the file as it was; "b" is gone.
  EXPECT_EQ(Run({"DEBUG", "RELOAD", "NOSAVE"}), "OK");
  EXPECT_EQ(Run({"EXISTS", "a", "b"}), "1");
  // NOFLUSH with MERGE: loaded keys replace the ones in memory.
  Run({"SET", "a", "changed"});
  Run({"SET", "c", "3"});
  EXPECT_EQ(Run({"DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"}), "OK");
  EXPECT_EQ(Run({"GET", "a"}), "1");
  EXPECT_EQ(Run({"GET", "c"}), "3");
  // NOFLUSH without MERGE: a duplicate fails the load.
  EXPECT_EQ(Run({"DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"}), "ERR Error trying to load the RDB dump");
  EXPECT_EQ(Run({"DEBUG", "RELOAD", "BOGUS"}),
            "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
}

TEST_F(SnapshotTest, DebugReloadOfACorruptFileFails) {
  Run({"SET", "a", "1"});
  EXPECT_EQ(Run({"SAVE"}), "OK");
  {
    std::fstream f(file_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(12);
    f.put('\x7f');
  }
  EXPECT_EQ(Run({"DEBUG", "RELOAD", "NOSAVE"}), "ERR Error trying to load the RDB dump");
}

TEST_F(SnapshotTest, FlushallWithSavePointsWritesAnEmptySnapshot) {
  Run({"SET", "a", "1"});
  EXPECT_EQ(Run({"SAVE"}), "OK");
  Run({"SET", "b", "2"});
  EXPECT_EQ(Run({"FLUSHALL"}), "OK");
  // The file now holds the empty data set.
  Run({"SET", "c", "3"});
  EXPECT_EQ(Run({"DEBUG", "RELOAD", "NOSAVE"}), "OK");
  EXPECT_EQ(Run({"DBSIZE"}), "0");
}

TEST_F(SnapshotTest, FlushallWithoutSavePointsLeavesTheFile) {
  Run({"CONFIG", "SET", "save", ""});
  Run({"SET", "a", "1"});
  EXPECT_EQ(Run({"SAVE"}), "OK");
  EXPECT_EQ(Run({"FLUSHALL"}), "OK");
  EXPECT_EQ(Run({"DEBUG", "RELOAD", "NOSAVE"}), "OK");
  EXPECT_EQ(Run({"GET", "a"}), "1");
}

TEST_F(SnapshotTest, StartupLoadsTheFileAndToleratesItsAbsence) {
  Run({"SET", "a", "1"});
  Run({"HSET", "h", "f", "v"});
  EXPECT_EQ(Run({"SAVE"}), "OK");
  CommandHarness fresh("dbfilename " + file_);
  ASSERT_TRUE(server::LoadSnapshotAtStartup(fresh.server()).ok());
  EXPECT_EQ(fresh.Run({"GET", "a"}).ToString(), "1");
  EXPECT_EQ(fresh.Run({"HGET", "h", "f"}).ToString(), "v");
  CommandHarness none("dbfilename no-such-file.rdb");
  EXPECT_TRUE(server::LoadSnapshotAtStartup(none.server()).ok());
  EXPECT_EQ(none.Run({"DBSIZE"}).ToString(), "0");
}

TEST_F(SnapshotTest, StartupRefusesACorruptFileNamingIt) {
  {
    std::ofstream f(file_, std::ios::binary);
    f << "REDIS0010\xfe";  // cut short
  }
  CommandHarness fresh("dbfilename " + file_);
  const base::Status st = server::LoadSnapshotAtStartup(fresh.server());
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find(file_), std::string_view::npos) << st.message();
  EXPECT_NE(st.message().find("offset 10"), std::string_view::npos) << st.message();
}

TEST_F(SnapshotTest, SaveBeforeExitFollowsTheFlags) {
  Run({"SET", "a", "1"});
  EXPECT_TRUE(server::SaveBeforeExit(h_.server(), server::kShutdownNoSave));
  EXPECT_FALSE(std::ifstream(file_).good());
  EXPECT_TRUE(server::SaveBeforeExit(h_.server(), 0));  // default save points
  EXPECT_TRUE(std::ifstream(file_).good());
  std::remove(file_.c_str());
  Run({"CONFIG", "SET", "save", ""});
  EXPECT_TRUE(server::SaveBeforeExit(h_.server(), 0));
  EXPECT_FALSE(std::ifstream(file_).good());
  EXPECT_TRUE(server::SaveBeforeExit(h_.server(), server::kShutdownSave));
  EXPECT_TRUE(std::ifstream(file_).good());
  // A failing save stops the exit unless FORCE.
  std::remove(file_.c_str());
  ASSERT_EQ(mkdir(file_.c_str(), 0755), 0);
  EXPECT_FALSE(server::SaveBeforeExit(h_.server(), server::kShutdownSave));
  EXPECT_TRUE(server::SaveBeforeExit(h_.server(), server::kShutdownSave | server::kShutdownForce));
  rmdir(file_.c_str());
}

// Runs the background save's before-sleep steps until it ends.
void RunBackgroundSave(CommandHarness& h) {
  for (int i = 0; i < 100000 && h.server().background_save().running(); ++i) {
    h.server().background_save().Step();
    usleep(100);
  }
}

TEST_F(SnapshotTest, BgsaveWritesThePointInTimeImage) {
  for (int i = 0; i < 300; ++i) Run({"SET", "k" + std::to_string(i), "old"});
  EXPECT_EQ(Run({"BGSAVE"}), "Background saving started");
  EXPECT_EQ(InfoField(h_, "rdb_bgsave_in_progress"), "1");
  EXPECT_EQ(Run({"BGSAVE"}), "ERR Background save already in progress");
  EXPECT_EQ(Run({"SAVE"}), "ERR Background save already in progress");
  for (int i = 0; i < 300; i += 2) Run({"SET", "k" + std::to_string(i), "new"});
  Run({"DEL", "k1"});
  Run({"SET", "born", "later"});
  RunBackgroundSave(h_);
  EXPECT_EQ(InfoField(h_, "rdb_bgsave_in_progress"), "0");
  EXPECT_EQ(InfoField(h_, "rdb_last_bgsave_status"), "ok");
  EXPECT_EQ(InfoField(h_, "rdb_changes_since_last_save"), "152");  // the writes after the start
  EXPECT_EQ(Run({"DEBUG", "RELOAD", "NOSAVE"}), "OK");
  EXPECT_EQ(Run({"DBSIZE"}), "300");
  EXPECT_EQ(Run({"GET", "k0"}), "old");
  EXPECT_EQ(Run({"GET", "k1"}), "old");
  EXPECT_EQ(Run({"EXISTS", "born"}), "0");
}

TEST_F(SnapshotTest, BgsaveOptionsAndScheduling) {
  EXPECT_EQ(Run({"BGSAVE", "LATER"}), "ERR syntax error");
  EXPECT_EQ(Run({"BGSAVE", "SCHEDULE", "SCHEDULE"}), "ERR syntax error");
  Run({"MULTI"});
  Run({"BGSAVE"});
  EXPECT_EQ(Run({"EXEC"}), "[Background saving scheduled]");
  EXPECT_FALSE(h_.server().background_save().running());
  h_.AdvanceMillis(1000);
  h_.server().RunCron();  // the cron starts what was scheduled
  EXPECT_TRUE(h_.server().background_save().running());
  RunBackgroundSave(h_);
  EXPECT_TRUE(FileExists(file_));
}

TEST_F(SnapshotTest, SavePointsStartABgsave) {
  Run({"CONFIG", "SET", "save", "10 2"});
  Run({"SET", "a", "1"});
  Run({"SET", "b", "1"});
  h_.AdvanceMillis(5000);
  h_.server().RunCron();
  EXPECT_FALSE(h_.server().background_save().running());  // not 10 s yet
  h_.AdvanceMillis(6000);
  h_.server().RunCron();
  EXPECT_TRUE(h_.server().background_save().running());
  RunBackgroundSave(h_);
  EXPECT_EQ(InfoField(h_, "rdb_changes_since_last_save"), "0");
}

TEST_F(SnapshotTest, FailedBgsaveRefusesWritesWithMisconf) {
  Run({"CONFIG", "SET", "save", "3600 1"});
  Run({"SET", "a", "1"});
  ASSERT_EQ(mkdir(file_.c_str(), 0755), 0);
  ASSERT_EQ(mkdir((file_ + "/x").c_str(), 0755), 0);
  EXPECT_EQ(Run({"BGSAVE"}), "Background saving started");
  RunBackgroundSave(h_);
  EXPECT_EQ(InfoField(h_, "rdb_last_bgsave_status"), "err");
  EXPECT_EQ(Run({"GET", "a"}), "1");
  EXPECT_EQ(Run({"SET", "a", "2"}).rfind("MISCONF ", 0), 0u);
  EXPECT_EQ(Run({"PING"}).rfind("MISCONF ", 0), 0u);
  Run({"CONFIG", "SET", "save", ""});  // no save points: writes are fine
  EXPECT_EQ(Run({"SET", "a", "2"}), "OK");
  rmdir((file_ + "/x").c_str());
  rmdir(file_.c_str());
}

TEST_F(SnapshotTest, FlushallAbortsBgsaveFlushdbCompletesIt) {
  for (int i = 0; i < 100; ++i) Run({"SET", "k" + std::to_string(i), "v"});
  Run({"BGSAVE"});
  Run({"FLUSHDB"});
  EXPECT_FALSE(h_.server().background_save().running());
  EXPECT_EQ(InfoField(h_, "rdb_last_bgsave_status"), "ok");
  EXPECT_EQ(Run({"DEBUG", "RELOAD", "NOSAVE"}), "OK");
  EXPECT_EQ(Run({"DBSIZE"}), "100");
  std::remove(file_.c_str());
  Run({"CONFIG", "SET", "save", ""});  // else FLUSHALL saves the empty set
  Run({"BGSAVE"});
  Run({"FLUSHALL"});
  EXPECT_FALSE(h_.server().background_save().running());
  EXPECT_FALSE(FileExists(file_));
}

}  // namespace
}  // namespace osprey::testing
