// BackgroundFile: chunks written on a helper thread, renamed into place on
// commit; an aborted or failed file leaves the old one alone.
#include "persistence/background_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/crc64.h"

namespace osprey::persistence {
namespace {

class BackgroundFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/osprey-bgfile-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { (void)std::system(("rm -rf " + dir_).c_str()); }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }
  static void WriteFile(const std::string& path, const std::string& data) {
    std::ofstream(path, std::ios::binary) << data;
  }

  std::string dir_;
};

TEST_F(BackgroundFileTest, CommitRenamesTheWholeFileIntoPlace) {
  WriteFile(Path("out"), "old");
  auto file = BackgroundFile::Create(Path("out"), Path("tmp"));
  ASSERT_TRUE(file.ok());
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    std::string chunk(1000 + i, static_cast<char>('a' + i % 26));
    expected += chunk;
    (*file)->Write(std::move(chunk));
  }
  EXPECT_EQ(Read(Path("out")), "old");  // nothing visible before the commit
  ASSERT_TRUE((*file)->CommitAndWait().ok());
  EXPECT_EQ(Read(Path("out")), expected);
  EXPECT_FALSE(Exists(Path("tmp")));
  EXPECT_EQ((*file)->bytes_written(), expected.size());
  EXPECT_EQ((*file)->pending_bytes(), 0u);
}

TEST_F(BackgroundFileTest, FinishedReportsTheEndWithoutBlocking) {
  auto file = BackgroundFile::Create(Path("out"), Path("tmp"));
  ASSERT_TRUE(file.ok());
  base::Status st;
  EXPECT_FALSE((*file)->Finished(&st));
  (*file)->Write("data");
  (*file)->Commit();
  while (!(*file)->Finished(&st)) usleep(1000);
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(Read(Path("out")), "data");
}

TEST_F(BackgroundFileTest, AbortRemovesTheTemporaryFileAndKeepsTheOldOne) {
  WriteFile(Path("out"), "old");
  {
    auto file = BackgroundFile::Create(Path("out"), Path("tmp"));
    ASSERT_TRUE(file.ok());
    (*file)->Write("half of it");
    EXPECT_TRUE(Exists(Path("tmp")));
    (*file)->Abort();
    EXPECT_FALSE(Exists(Path("tmp")));
  }
  EXPECT_EQ(Read(Path("out")), "old");
}

TEST_F(BackgroundFileTest, DestroyedWithoutCommitIsAnAbort) {
  {
    auto file = BackgroundFile::Create(Path("out"), Path("tmp"));
    ASSERT_TRUE(file.ok());
    (*file)->Write("never committed");
  }
  EXPECT_FALSE(Exists(Path("tmp")));
  EXPECT_FALSE(Exists(Path("out")));
}

TEST_F(BackgroundFileTest, RenameFailureIsReportedAndCleansUp) {
  ASSERT_EQ(mkdir(Path("out").c_str(), 0755), 0);
  ASSERT_EQ(mkdir(Path("out/inside").c_str(), 0755), 0);  // a non-empty directory
  auto file = BackgroundFile::Create(Path("out"), Path("tmp"));
  ASSERT_TRUE(file.ok());
  (*file)->Write("data");
  const base::Status st = (*file)->CommitAndWait();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(std::string(st.message()).find("rename"), std::string::npos) << st.message();
  EXPECT_FALSE(Exists(Path("tmp")));
}

TEST_F(BackgroundFileTest, CreateFailsInAMissingDirectory) {
  auto file = BackgroundFile::Create(Path("no/such/out"), Path("no/such/tmp"));
  ASSERT_FALSE(file.ok());
  EXPECT_NE(std::string(file.status().message()).find("no/such/tmp"), std::string::npos);
}

TEST_F(BackgroundFileTest, JobsWriteTheirBytesWhereTheyAreInTheQueue) {
  auto file = BackgroundFile::Create(Path("out"), Path("tmp"));
  ASSERT_TRUE(file.ok());
  std::string expected;
  std::vector<uint64_t> tickets;
  for (int i = 0; i < 50; ++i) {
    std::string chunk = "chunk" + std::to_string(i) + ";";
    expected += chunk;
    (*file)->Write(std::move(chunk));
    const std::string made(3000 + i, static_cast<char>('a' + i % 26));
    expected += made;
    tickets.push_back((*file)->Defer([made] { return made; }, made.size()));
    ASSERT_GT(tickets.back(), 0u);
  }
  (*file)->WaitFor(tickets[10]);
  EXPECT_TRUE((*file)->Done(tickets[10]));
  EXPECT_TRUE((*file)->Done(tickets[3]));
  ASSERT_TRUE((*file)->CommitAndWait().ok());
  EXPECT_EQ(Read(Path("out")), expected);
  EXPECT_EQ((*file)->bytes_written(), expected.size());
  EXPECT_EQ((*file)->pending_bytes(), 0u);
  EXPECT_TRUE((*file)->Done(tickets.back()));
}

TEST_F(BackgroundFileTest, HelpDoesTheOldestWorkOnTheCallingThread) {
  auto file = BackgroundFile::Create(Path("out"), Path("tmp"));
  ASSERT_TRUE(file.ok());
  std::string expected;
  std::vector<std::thread::id> ran_on;
  std::mutex ran_mu;
  for (int i = 0; i < 200; ++i) {
    std::string piece(100, static_cast<char>('0' + i % 10));
    expected += piece;
    (*file)->Defer(
        [piece, &ran_on, &ran_mu] {
          std::lock_guard<std::mutex> lock(ran_mu);
          ran_on.push_back(std::this_thread::get_id());
          return piece;
        },
        piece.size());
  }
  size_t helped = 0;
  while ((*file)->Help()) ++helped;
  const uint64_t progress = (*file)->progress();
  EXPECT_GT(progress, 0u);
  ASSERT_TRUE((*file)->CommitAndWait().ok());
  EXPECT_EQ(Read(Path("out")), expected);  // in order, whoever did the work
  EXPECT_EQ(ran_on.size(), 200u);
  const size_t here = static_cast<size_t>(
      std::count(ran_on.begin(), ran_on.end(), std::this_thread::get_id()));
  EXPECT_GE(here, helped);
}

TEST_F(BackgroundFileTest, RdbChecksumReplacesTheLastEightBytes) {
  for (size_t pieces : {size_t{1}, size_t{3}, size_t{40}}) {
    auto file = BackgroundFile::Create(Path("out"), Path("tmp"));
    ASSERT_TRUE(file.ok());
    (*file)->EnableRdbChecksum();
    std::string body;
    for (size_t i = 0; i < pieces; ++i) {
      // Pieces shorter and longer than the trailer, some made by jobs.
      std::string piece(i % 4 == 0 ? 3 : 700 + i, static_cast<char>('A' + i % 26));
      body += piece;
      if (i % 2 == 0) {
        (*file)->Write(piece);
      } else {
        (*file)->Defer([piece] { return piece; }, piece.size());
      }
    }
    (*file)->Write(std::string(4, '\0'));  // the trailer, in two writes
    (*file)->Write(std::string(4, '\0'));
    ASSERT_TRUE((*file)->CommitAndWait().ok());
    std::string want = body;
    const uint64_t crc = base::Crc64(0, body);
    for (int i = 0; i < 8; ++i) want.push_back(static_cast<char>(crc >> (8 * i)));
    EXPECT_EQ(Read(Path("out")), want) << pieces;
    EXPECT_EQ((*file)->bytes_written(), want.size());
  }
}

TEST_F(BackgroundFileTest, AbortDropsQueuedJobsUnrun) {
  std::atomic<int> runs{0};
  {
    auto file = BackgroundFile::Create(Path("out"), Path("tmp"));
    ASSERT_TRUE(file.ok());
    uint64_t last = 0;
    for (int i = 0; i < 1000; ++i) {
      last = (*file)->Defer([&runs] { ++runs; return std::string(10, 'x'); }, 10);
    }
    (*file)->Abort();
    EXPECT_TRUE((*file)->Done(last));
    (*file)->WaitFor(last);  // returns at once
    EXPECT_EQ((*file)->Defer([] { return std::string("late"); }, 4), 0u);
  }
  EXPECT_LE(runs.load(), 1000);
  EXPECT_FALSE(Exists(Path("tmp")));
  EXPECT_FALSE(Exists(Path("out")));
}

TEST_F(BackgroundFileTest, SinkHandsOverChunksAndJobsInOrderAndReusesBuffers) {
  auto file = BackgroundFile::Create(Path("out"), Path("tmp"));
  ASSERT_TRUE(file.ok());
  BackgroundFileSink sink(file->get());
  std::string expected;
  for (int i = 0; i < 3000; ++i) {
    const std::string rec = "record " + std::to_string(i) + std::string(400, 'r') + "\n";
    sink.Append(rec.data(), rec.size());
    expected += rec;
    if (i % 500 == 0) {
      const std::string made = "job " + std::to_string(i) + "\n";
      expected += made;
      sink.Defer([made] { return made; }, made.size());
    }
  }
  sink.Flush();
  ASSERT_TRUE((*file)->CommitAndWait().ok());
  EXPECT_EQ(Read(Path("out")), expected);
  // Written chunks come back for the next ones, capacity and all.
  EXPECT_GE((*file)->TakeBuffer().capacity(), size_t{256} << 10);
}

}  // namespace
}  // namespace osprey::persistence
