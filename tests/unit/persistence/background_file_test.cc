// BackgroundFile: chunks written on a helper thread, renamed into place on
// commit; an aborted or failed file leaves the old one alone.
#include "persistence/background_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

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

}  // namespace
}  // namespace osprey::persistence
