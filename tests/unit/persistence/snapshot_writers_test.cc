// RdbSnapshotWriter under a snapshot walk: large values are serialized on
// the file's thread, the checksum is summed there, and the file is still
// the point-in-time image whatever is written to those keys meanwhile.
#include "persistence/snapshot_writers.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/crc64.h"
#include "keyspace/digest.h"
#include "keyspace/keyspace.h"
#include "persistence/background_file.h"
#include "persistence/rdb_loader.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using persistence::BackgroundFile;
using persistence::BackgroundFileSink;
using persistence::RdbSnapshotWriter;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Digest(CommandHarness& h) {
  return keyspace::DigestHex(keyspace::DatasetDigest(h.server().keyspace()));
}

class RdbSnapshotWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/osprey-snapwriter-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { (void)std::system(("rm -rf " + dir_).c_str()); }

  std::string Run(std::vector<std::string> args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    return h_.Run(std::move(views)).ToString();
  }

  // Big values of every deferred kind, small ones around them, two databases.
  void Populate() {
    for (int k = 0; k < 3; ++k) {
      const std::string n = std::to_string(k);
      std::vector<std::string> list = {"RPUSH", "list:" + n};
      std::vector<std::string> set = {"SADD", "set:" + n};
      std::vector<std::string> zset = {"ZADD", "zset:" + n};
      std::vector<std::string> hash = {"HSET", "hash:" + n};
      for (int i = 0; i < 6000; ++i) {
        const std::string e = "element-" + std::to_string(i) + "-of-" + n;
        list.push_back(e + std::string(i % 40, 'p'));
        if (i < 800) {
          set.push_back(e);
          zset.push_back(std::to_string(i * 0.5));
          zset.push_back(e);
          hash.push_back(e);
          hash.push_back("value-" + std::to_string(i));
        }
      }
      Run(list);
      Run(set);
      Run(zset);
      Run(hash);
    }
    for (int i = 0; i < 3000; ++i) Run({"SET", "s:" + std::to_string(i), "v" + std::to_string(i)});
    Run({"SELECT", "2"});
    Run({"RPUSH", "list:in2", "a", "b"});
    Run({"SELECT", "0"});
  }

  // Saves through a walk in small steps, running `between` after each.
  std::string Save(bool checksum,
                   const std::function<void(int, const RdbSnapshotWriter&)>& between) {
    const std::string path = dir_ + "/dump.rdb";
    auto file = BackgroundFile::Create(path, dir_ + "/temp.rdb");
    EXPECT_TRUE(file.ok());
    BackgroundFileSink sink(file->get());
    persistence::RdbSaveOptions opts;
    opts.checksum = checksum;
    opts.now_ms = h_.clock().NowMillis();
    {
      RdbSnapshotWriter writer(&sink, opts, persistence::kRdbVersion);
      keyspace::SnapshotWalk walk(&h_.server().keyspace(), &writer);
      for (int step = 0; !walk.Step(8); ++step) between(step, writer);
      writer.End();
      deferred_ = writer.deferred_values();
    }
    sink.Flush();
    EXPECT_TRUE((*file)->CommitAndWait().ok());
    return ReadAll(path);
  }

  // Loads `file` into a fresh server and returns its digest.
  std::string LoadedDigest(const std::string& file) {
    CommandHarness other;
    persistence::RdbLoadOptions opts;
    opts.now_ms = other.clock().NowMillis();
    persistence::RdbLoadStats stats;
    const base::Status st = persistence::LoadDataset(file, other.server().keyspace(),
                                                     other.server().engine_config(), opts, &stats);
    EXPECT_TRUE(st.ok()) << st.message();
    return Digest(other);
  }

  std::string dir_;
  CommandHarness h_;
  uint64_t deferred_ = 0;
};

TEST_F(RdbSnapshotWriterTest, LargeValuesAreWrittenOnTheFileThreadWithAValidChecksum) {
  Populate();
  const std::string before = Digest(h_);
  const std::string file = Save(true, [](int, const RdbSnapshotWriter&) {});
  EXPECT_EQ(deferred_, 12u);  // 3 each of list, set, sorted set, hash
  const uint64_t crc = base::Crc64(0, file.data(), file.size() - 8);
  uint64_t stored = 0;
  for (int i = 0; i < 8; ++i) {
    stored |= static_cast<uint64_t>(static_cast<uint8_t>(file[file.size() - 8 + i])) << (8 * i);
  }
  EXPECT_EQ(stored, crc);
  EXPECT_EQ(LoadedDigest(file), before);
}

TEST_F(RdbSnapshotWriterTest, WithoutChecksumTheTrailerIsZeros) {
  Populate();
  const std::string file = Save(false, [](int, const RdbSnapshotWriter&) {});
  EXPECT_EQ(file.substr(file.size() - 8), std::string(8, '\0'));
  EXPECT_EQ(LoadedDigest(file), Digest(h_));
}

// Keeps the calling thread, and threads it starts, on one core: the file's
// thread (idle priority) then runs only while this one waits, so values
// are still on its queue when the writes below come.
class OneCore {
 public:
  OneCore() {
    CPU_ZERO(&old_);
    sched_getaffinity(0, sizeof(old_), &old_);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    sched_setaffinity(0, sizeof(one), &one);
  }
  ~OneCore() { sched_setaffinity(0, sizeof(old_), &old_); }

 private:
  cpu_set_t old_;
};

TEST_F(RdbSnapshotWriterTest, WritesToLargeKeysDuringTheSaveDoNotReachTheFile) {
  Populate();
  const std::string before = Digest(h_);
  OneCore pinned;
  bool written = false;
  const std::string file = Save(true, [&](int, const RdbSnapshotWriter& writer) {
    // Once every large value is handed over (their jobs wait: the file's
    // thread has no time), each is changed, or removed.
    if (written || writer.deferred_values() < 12) return;
    written = true;
    for (int k = 0; k < 3; ++k) {
      const std::string n = std::to_string(k);
      Run({"LPUSH", "list:" + n, "new"});
      Run({"SADD", "set:" + n, "new"});
      Run({"ZADD", "zset:" + n, "7", "new"});
      Run({"HSET", "hash:" + n, "new", "v"});
      Run({"HDEL", "hash:" + n, "element-1-of-" + n});
    }
    Run({"DEL", "list:1", "set:1"});
    Run({"RENAME", "hash:2", "hash:renamed"});
  });
  EXPECT_TRUE(written);
  EXPECT_EQ(LoadedDigest(file), before);
  EXPECT_NE(Digest(h_), before);
}

}  // namespace
}  // namespace osprey::testing
