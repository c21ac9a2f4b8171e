// Checking append-only files (osprey-check-aof): single files, RDB
// preambles and multi-part sets; torn tails, damage in the middle, MULTI
// without EXEC; --fix with and without confirmation; cutting at a timestamp.
#include "persistence/aof_check.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "persistence/aof_format.h"
#include "persistence/rdb_io.h"
#include "persistence/rdb_writer.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using persistence::AofCheckOptions;
using persistence::AofInputType;
using persistence::DetectAofInputType;

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Cmd(std::vector<std::string_view> args) {
  std::string out;
  persistence::AppendAofCommand(out, args);
  return out;
}

std::string Ts(int64_t seconds) {
  std::string out;
  persistence::AppendAofTimestamp(out, seconds);
  return out;
}

// The summary line of one file.
std::string Analyzed(const std::string& name, size_t size, size_t ok_up_to, uint64_t line) {
  return "AOF analyzed: filename=" + name + ", size=" + std::to_string(size) +
         ", ok_up_to=" + std::to_string(ok_up_to) + ", ok_up_to_line=" + std::to_string(line) +
         ", diff=" + std::to_string(size - ok_up_to) + "\n";
}

class AofCheckTest : public ::testing::Test {
 protected:
  AofCheckTest() {
    char tmpl[] = "/tmp/osprey-aof-check-XXXXXX";
    const char* made = mkdtemp(tmpl);
    dir_ = made != nullptr ? made : "";
  }
  ~AofCheckTest() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::string PathOf(const std::string& name) const { return dir_ + "/" + name; }
  void Write(const std::string& name, const std::string& bytes) {
    std::ofstream(PathOf(name), std::ios::binary) << bytes;
  }
  std::string ReadBack(const std::string& name) const {
    std::ifstream in(PathOf(name), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  int Check(const std::string& path, AofCheckOptions opts = {}) {
    out_.clear();
    return persistence::RunAofCheck(path, opts,
                                    [this](std::string_view text) { out_.append(text); });
  }
  // With --fix, answering `yes` to the prompt (counted in prompts_).
  int Fix(const std::string& path, bool yes) {
    AofCheckOptions opts;
    opts.fix = true;
    opts.confirm = [this, yes] {
      ++prompts_;
      return yes;
    };
    return Check(path, opts);
  }
  int CutAt(const std::string& path, int64_t ts) {
    AofCheckOptions opts;
    opts.truncate_to_timestamp = ts;
    return Check(path, opts);
  }

  // An RDB image of a small data set (two keys, one in database 2).
  std::string RdbImage() {
    CommandHarness h;
    h.Run({"SET", "a", "1"});
    h.Run({"SELECT", "2"});
    h.Run({"RPUSH", "l", "x", "y"});
    std::string out;
    persistence::StringSink sink(&out);
    persistence::WriteDataset(sink, h.server().keyspace(), persistence::RdbSaveOptions{});
    return out;
  }

  // A manifest of a base and incremental files, each written with its bytes.
  std::string WriteSet(const std::string& base, const std::vector<std::string>& incrs,
                       bool rdb_base = false) {
    std::string manifest;
    const std::string base_name =
        rdb_base ? "appendonly.aof.1.base.rdb" : "appendonly.aof.1.base.aof";
    Write(base_name, base);
    manifest += "file " + base_name + " seq 1 type b\n";
    for (size_t i = 0; i < incrs.size(); ++i) {
      const std::string name = "appendonly.aof." + std::to_string(i + 1) + ".incr.aof";
      Write(name, incrs[i]);
      manifest += "file " + name + " seq " + std::to_string(i + 1) + " type i\n";
    }
    Write("appendonly.aof.manifest", manifest);
    return PathOf("appendonly.aof.manifest");
  }

  std::string dir_;
  std::string out_;
  int prompts_ = 0;
};

// ------------------------------------------------------------------ single files

TEST_F(AofCheckTest, ValidFileReportsItsSizeAndLines) {
  const std::string data = Cmd({"SET", "a", "1"}) + Cmd({"SET", "b", "2"});
  Write("appendonly.aof", data);
  const std::string p = PathOf("appendonly.aof");
  EXPECT_EQ(Check(p), 0);
  // Seven lines per command; lines count from 1.
  EXPECT_EQ(out_, "Start checking Old-Style AOF\n" + Analyzed(p, data.size(), data.size(), 15) +
                      "AOF " + p + " is valid\n");
}

TEST_F(AofCheckTest, EmptyFileIsEmpty) {
  Write("appendonly.aof", "");
  EXPECT_EQ(Check(PathOf("appendonly.aof")), 0);
  EXPECT_EQ(out_, "Start checking Old-Style AOF\nAOF " + PathOf("appendonly.aof") + " is empty\n");
}

TEST_F(AofCheckTest, MissingFileFails) {
  EXPECT_EQ(Check(PathOf("nothing.aof")), 1);
  EXPECT_EQ(out_, "Cannot open file " + PathOf("nothing.aof") + ": No such file or directory\n");
}

TEST_F(AofCheckTest, AnnotationsAreSkippedAndALastOneMayLackItsLineEnd) {
  const std::string data = Ts(100) + Cmd({"SET", "a", "1"}) + "#TS:200";
  Write("appendonly.aof", data);
  const std::string p = PathOf("appendonly.aof");
  EXPECT_EQ(Check(p), 0) << out_;
  EXPECT_TRUE(Contains(out_, Analyzed(p, data.size(), data.size(), 8))) << out_;
}

TEST_F(AofCheckTest, TornTailIsNotValidAndLeftAlone) {
  const std::string whole = Cmd({"SET", "foo", "bar"});
  const std::string data = whole + Cmd({"SET", "k", "value"}).substr(0, 20);
  Write("appendonly.aof", data);
  const std::string p = PathOf("appendonly.aof");
  EXPECT_EQ(Check(p), 1);
  // The torn command's whole lines count too, as redis-check-aof counts.
  EXPECT_TRUE(Contains(out_, "the file ends inside a command\n")) << out_;
  EXPECT_TRUE(Contains(out_, Analyzed(p, data.size(), whole.size(), 13))) << out_;
  EXPECT_TRUE(
      Contains(out_, "AOF " + p + " is not valid. Use the --fix option to try fixing it.\n"))
      << out_;
  EXPECT_EQ(ReadBack("appendonly.aof"), data);
}

TEST_F(AofCheckTest, FixCutsTheTornTailOnceConfirmed) {
  const std::string whole = Cmd({"SET", "foo", "bar"});
  const std::string data = whole + "*3\r\n$3\r\nSET\r\n$1\r\nk";
  Write("appendonly.aof", data);
  const std::string p = PathOf("appendonly.aof");
  EXPECT_EQ(Fix(p, true), 0) << out_;
  EXPECT_EQ(prompts_, 1);
  EXPECT_TRUE(
      Contains(out_, "This will shrink the AOF " + p + " from " + std::to_string(data.size()) +
                         " bytes, with " + std::to_string(data.size() - whole.size()) +
                         " bytes, to " + std::to_string(whole.size()) +
                         " bytes\nContinue? [y/N]: " + "Successfully truncated AOF " + p + "\n"))
      << out_;
  EXPECT_EQ(ReadBack("appendonly.aof"), whole);
  // Now sound.
  EXPECT_EQ(Check(p), 0) << out_;
}

TEST_F(AofCheckTest, FixWithoutConfirmationChangesNothing) {
  const std::string data = Cmd({"SET", "foo", "bar"}) + "*3\r\n$3\r\nSE";
  Write("appendonly.aof", data);
  const std::string p = PathOf("appendonly.aof");
  EXPECT_EQ(Fix(p, false), 1);
  EXPECT_EQ(prompts_, 1);
  EXPECT_TRUE(Contains(out_, "Continue? [y/N]: Aborting...\n")) << out_;
  EXPECT_EQ(ReadBack("appendonly.aof"), data);
  // No way to ask: no.
  AofCheckOptions opts;
  opts.fix = true;
  EXPECT_EQ(Check(p, opts), 1);
  EXPECT_TRUE(Contains(out_, "Aborting...\n")) << out_;
  EXPECT_EQ(ReadBack("appendonly.aof"), data);
}

TEST_F(AofCheckTest, BytesThatStartNoCommandAreAFormatError) {
  // As Redis's own test of its tool: "!!!" after a command, line 8.
  const std::string whole = Cmd({"set", "foo", "hello"});
  Write("appendonly.aof", whole + "!!!");
  const std::string p = PathOf("appendonly.aof");
  EXPECT_EQ(Check(p), 1);
  EXPECT_TRUE(Contains(out_, "AOF " + p + " format error\n")) << out_;
  EXPECT_TRUE(Contains(out_, Analyzed(p, whole.size() + 3, whole.size(), 8))) << out_;
  EXPECT_EQ(Fix(p, true), 0) << out_;
  EXPECT_EQ(ReadBack("appendonly.aof"), whole);
}

TEST_F(AofCheckTest, DamageInTheMiddleIsCutFromThereOnByFix) {
  // A wrong length inside the second command: the valid part ends before
  // it, so fix keeps only the first (as redis-check-aof --fix does).
  const std::string first = Cmd({"SET", "a", "1"});
  std::string second = Cmd({"SET", "b", "22"});
  second.replace(second.find("$2\r\n22"), 6, "$1\r\n22");
  const std::string data = first + second + Cmd({"SET", "c", "3"});
  Write("appendonly.aof", data);
  const std::string p = PathOf("appendonly.aof");
  EXPECT_EQ(Check(p), 1);
  EXPECT_TRUE(Contains(out_, "bad command format near \"2\\r\\n")) << out_;
  EXPECT_TRUE(Contains(out_, "ok_up_to=" + std::to_string(first.size()) + ",")) << out_;
  EXPECT_EQ(Fix(p, true), 0) << out_;
  EXPECT_EQ(ReadBack("appendonly.aof"), first);
}

TEST_F(AofCheckTest, MultiWithoutExecEndsTheValidPartBeforeIt) {
  const std::string before = Cmd({"SET", "a", "1"});
  const std::string data = before + Cmd({"MULTI"}) + Cmd({"INCR", "n"});
  Write("appendonly.aof", data);
  const std::string p = PathOf("appendonly.aof");
  EXPECT_EQ(Check(p), 1);
  EXPECT_TRUE(Contains(out_, "the file ends inside a MULTI transaction (no EXEC)\n")) << out_;
  EXPECT_TRUE(Contains(out_, Analyzed(p, data.size(), before.size(), 16))) << out_;
  EXPECT_EQ(Fix(p, true), 0) << out_;
  EXPECT_EQ(ReadBack("appendonly.aof"), before);
}

TEST_F(AofCheckTest, ClosedTransactionsAreValid) {
  const std::string data =
      Cmd({"MULTI"}) + Cmd({"INCR", "n"}) + Cmd({"exec"}) + Cmd({"multi"}) + Cmd({"EXEC"});
  Write("appendonly.aof", data);
  EXPECT_EQ(Check(PathOf("appendonly.aof")), 0) << out_;
}

TEST_F(AofCheckTest, ExecWithoutMultiAndNestedMultiAreErrors) {
  const std::string before = Cmd({"SET", "a", "1"});
  Write("exec.aof", before + Cmd({"EXEC"}) + Cmd({"SET", "b", "2"}));
  EXPECT_EQ(Check(PathOf("exec.aof")), 1);
  EXPECT_TRUE(Contains(out_, "EXEC without MULTI in AOF " + PathOf("exec.aof"))) << out_;
  EXPECT_TRUE(Contains(out_, "ok_up_to=" + std::to_string(before.size()) + ", ok_up_to_line=11,"))
      << out_;
  const std::string nested = before + Cmd({"MULTI"}) + Cmd({"MULTI"}) + Cmd({"EXEC"});
  Write("nested.aof", nested);
  EXPECT_EQ(Check(PathOf("nested.aof")), 1);
  EXPECT_TRUE(Contains(out_, "MULTI inside a MULTI")) << out_;
  EXPECT_TRUE(Contains(out_, "ok_up_to=" + std::to_string(before.size()) + ",")) << out_;
}

TEST_F(AofCheckTest, EveryCutEndsTheValidPartAtTheLastWholeCommand) {
  std::vector<size_t> ends = {0};
  std::string data;
  for (const auto& c :
       {Cmd({"SET", "key", "va\r\nlue"}), Cmd({"RPUSH", "l", "a", "b"}), Cmd({"DEL", "key"})}) {
    data += c;
    ends.push_back(data.size());
  }
  for (size_t cut = 1; cut < data.size(); ++cut) {
    Write("cut.aof", data.substr(0, cut));
    const int status = Check(PathOf("cut.aof"));
    size_t ok = 0;
    for (size_t e : ends) {
      if (e <= cut) ok = e;
    }
    EXPECT_EQ(status, ok == cut ? 0 : 1) << "cut at " << cut << "\n" << out_;
    EXPECT_TRUE(Contains(out_, "ok_up_to=" + std::to_string(ok) + ",")) << "cut " << cut << out_;
  }
}

// ------------------------------------------------------------------ RDB preamble

TEST_F(AofCheckTest, RdbPreambleIsCheckedThenTheCommandsAfterIt) {
  const std::string image = RdbImage();
  const std::string data = image + Cmd({"SET", "after", "1"});
  Write("appendonly.aof", data);
  const std::string p = PathOf("appendonly.aof");
  EXPECT_EQ(Check(p), 0) << out_;
  EXPECT_TRUE(Contains(out_, "Start checking Old-Style AOF\n[offset 0] Checking RDB file " + p))
      << out_;
  EXPECT_TRUE(Contains(out_, "RDB looks OK")) << out_;
  EXPECT_TRUE(Contains(out_, "RDB preamble is OK, proceeding with AOF tail...\n" +
                                 Analyzed(p, data.size(), data.size(), 8) + "AOF " + p +
                                 " is valid\n"))
      << out_;
}

TEST_F(AofCheckTest, TornTailAfterThePreambleIsCutThere) {
  const std::string image = RdbImage();
  Write("appendonly.aof", image + "*2\r\n$3\r\nDEL");
  const std::string p = PathOf("appendonly.aof");
  EXPECT_EQ(Check(p), 1);
  EXPECT_TRUE(Contains(out_, "ok_up_to=" + std::to_string(image.size()) + ",")) << out_;
  EXPECT_EQ(Fix(p, true), 0) << out_;
  EXPECT_EQ(ReadBack("appendonly.aof"), image);
}

TEST_F(AofCheckTest, DamagedPreambleIsNotSane) {
  std::string image = RdbImage();
  image[image.size() - 2] ^= 1;  // the checksum
  Write("appendonly.aof", image);
  EXPECT_EQ(Check(PathOf("appendonly.aof")), 1);
  EXPECT_TRUE(Contains(out_, "--- RDB ERROR DETECTED ---\n")) << out_;
  EXPECT_TRUE(Contains(out_, "RDB preamble of AOF file is not sane, aborting.\n")) << out_;
  EXPECT_FALSE(Contains(out_, "AOF analyzed")) << out_;
}

// ------------------------------------------------------------------ timestamps

// Redis's own scenario: annotations between commands, cut at several times.
class AofTimestampTest : public AofCheckTest {
 protected:
  std::string Data() {
    return Ts(1628217470) + Cmd({"set", "foo1", "bar1"}) + Ts(1628217471) +
           Cmd({"set", "foo2", "bar2"}) + Ts(1628217472) + Ts(1628217473) +
           Cmd({"set", "foo3", "bar3"}) + Ts(1628217474);
  }
};

TEST_F(AofTimestampTest, CutsAtTheFirstLaterAnnotation) {
  const std::string data = Data();
  const std::string p = PathOf("appendonly.aof");
  Write("appendonly.aof", data);
  EXPECT_EQ(CutAt(p, 1628217474), 0) << out_;
  EXPECT_EQ(out_, "Start checking Old-Style AOF\nTruncate nothing in AOF " + p +
                      " to timestamp 1628217474\nAOF " + p + " is valid\n");
  EXPECT_EQ(ReadBack("appendonly.aof"), data);
  for (const int64_t ts : {1628217473, 1628217471, 1628217470}) {
    Write("appendonly.aof", data);
    EXPECT_EQ(CutAt(p, ts), 0) << out_;
    EXPECT_TRUE(Contains(
        out_, "Successfully truncated AOF " + p + " to timestamp " + std::to_string(ts) + "\n"))
        << out_;
    const std::string next = Ts(ts + 1);
    EXPECT_EQ(ReadBack("appendonly.aof"), data.substr(0, data.find(next))) << ts;
  }
  Write("appendonly.aof", data);
  EXPECT_EQ(CutAt(p, 1628217469), 1);
  EXPECT_TRUE(Contains(out_, "has nothing before timestamp 1628217469, aborting...\n")) << out_;
  EXPECT_EQ(ReadBack("appendonly.aof"), data);
}

TEST_F(AofTimestampTest, AnAnnotationThatIsNoTimeIsRefused) {
  Write("appendonly.aof", Cmd({"PING"}) + "#TS:soon\r\n");
  EXPECT_EQ(CutAt(PathOf("appendonly.aof"), 5), 1);
  EXPECT_TRUE(Contains(out_, "Invalid timestamp annotation\n")) << out_;
  // Without a time to cut at, annotations are not read.
  EXPECT_EQ(Check(PathOf("appendonly.aof")), 0) << out_;
}

TEST_F(AofTimestampTest, OnlyTheLastFileOfASetIsCut) {
  const std::string base = Data();
  const std::string p = WriteSet(base, {Cmd({"set", "foo", "hello"})});
  EXPECT_EQ(CutAt(p, 1628217473), 1);
  EXPECT_TRUE(Contains(out_, "Failed to truncate AOF " + PathOf("appendonly.aof.1.base.aof") +
                                 " to timestamp 1628217473 to offset "))
      << out_;
  EXPECT_TRUE(Contains(out_, "because it is not the last file.\n")) << out_;
  EXPECT_EQ(ReadBack("appendonly.aof.1.base.aof"), base);
  // As the last file it is cut.
  const std::string q = WriteSet(Cmd({"set", "foo", "hello"}), {base});
  EXPECT_EQ(CutAt(q, 1628217473), 0) << out_;
  EXPECT_TRUE(Contains(out_,
                       "Successfully truncated AOF appendonly.aof.1.incr.aof to timestamp "
                       "1628217473\n"))
      << out_;
  EXPECT_EQ(ReadBack("appendonly.aof.1.incr.aof"), base.substr(0, base.find(Ts(1628217474))));
}

// ------------------------------------------------------------------ multi-part

TEST_F(AofCheckTest, ManifestSetIsCheckedFileByFileWithLinesCountedAcross) {
  const std::string image = RdbImage();
  const std::string one = Cmd({"SET", "a", "1"});
  const std::string two = Cmd({"INCR", "n"}) + Cmd({"DEL", "a"});
  const std::string p = WriteSet(image, {one, two}, /*rdb_base=*/true);
  EXPECT_EQ(Check(p), 0) << out_;
  EXPECT_TRUE(
      out_.starts_with("Start checking Multi Part AOF\nStart to check BASE AOF (RDB "
                       "format).\n[offset 0] Checking RDB file appendonly.aof.1.base.rdb\n"))
      << out_;
  const std::string expected_tail =
      "RDB preamble is OK, proceeding with AOF tail...\n" +
      Analyzed("appendonly.aof.1.base.rdb", image.size(), image.size(), 1) +
      "BASE AOF appendonly.aof.1.base.rdb is valid\nStart to check INCR files.\n" +
      Analyzed("appendonly.aof.1.incr.aof", one.size(), one.size(), 8) +
      "INCR AOF appendonly.aof.1.incr.aof is valid\n" +
      Analyzed("appendonly.aof.2.incr.aof", two.size(), two.size(), 18) +
      "INCR AOF appendonly.aof.2.incr.aof is valid\nAll AOF files and manifest are valid\n";
  EXPECT_TRUE(out_.ends_with(expected_tail)) << out_;
}

TEST_F(AofCheckTest, ManifestWithCommandsBaseAndAnEmptyIncr) {
  const std::string p = WriteSet(Cmd({"SET", "a", "1"}), {""});
  EXPECT_EQ(Check(p), 0) << out_;
  EXPECT_TRUE(Contains(out_, "Start to check BASE AOF (RESP format).\n")) << out_;
  EXPECT_TRUE(Contains(out_, "INCR AOF appendonly.aof.1.incr.aof is empty\n")) << out_;
}

TEST_F(AofCheckTest, MissingFileOfASetFails) {
  const std::string p = WriteSet(Cmd({"SET", "a", "1"}), {Cmd({"PING"})});
  std::filesystem::remove(PathOf("appendonly.aof.1.incr.aof"));
  EXPECT_EQ(Check(p), 1);
  EXPECT_TRUE(Contains(out_, "Cannot open file " + PathOf("appendonly.aof.1.incr.aof") +
                                 ": No such file or directory, aborting...\n"))
      << out_;
  EXPECT_FALSE(Contains(out_, "All AOF files")) << out_;
}

TEST_F(AofCheckTest, DamageBeforeTheLastFileIsNeverCut) {
  const std::string base = Cmd({"SET", "foo", "hello"}) + Cmd({"MULTI"}) + Cmd({"SET", "b", "w"});
  const std::string p = WriteSet(base, {Cmd({"SET", "foo", "hello"})});
  EXPECT_EQ(Check(p), 1);
  EXPECT_TRUE(Contains(out_, "not valid")) << out_;
  EXPECT_EQ(Fix(p, true), 1);
  EXPECT_EQ(prompts_, 0);
  EXPECT_TRUE(Contains(out_,
                       "Failed to truncate AOF appendonly.aof.1.base.aof because it is not "
                       "the last file\n"))
      << out_;
  EXPECT_EQ(ReadBack("appendonly.aof.1.base.aof"), base);
}

TEST_F(AofCheckTest, TornLastFileOfASetIsFixed) {
  const std::string good = Cmd({"SET", "x", "1"});
  const std::string p = WriteSet(Cmd({"SET", "a", "1"}), {Cmd({"PING"}), good + "*1\r\n$4\r\nPI"});
  EXPECT_EQ(Check(p), 1);
  EXPECT_EQ(Fix(p, true), 0) << out_;
  EXPECT_TRUE(Contains(out_,
                       "Successfully truncated AOF appendonly.aof.2.incr.aof\nAll AOF files "
                       "and manifest are valid\n"))
      << out_;
  EXPECT_EQ(ReadBack("appendonly.aof.2.incr.aof"), good);
}

TEST_F(AofCheckTest, BadManifestFails) {
  Write("appendonly.aof.manifest", "file a.aof seq 1 type b\n\nfile b.aof seq 1 type i\n");
  EXPECT_EQ(Check(PathOf("appendonly.aof.manifest")), 1);
  EXPECT_TRUE(Contains(out_, "Invalid AOF manifest file format")) << out_;
  Write("appendonly.aof.manifest", "file ../elsewhere.aof seq 1 type b\n");
  EXPECT_EQ(Check(PathOf("appendonly.aof.manifest")), 1);
  EXPECT_TRUE(Contains(out_, "File can't be a path, just a filename")) << out_;
}

TEST(AofInputTypeTest, TellsTheKindsApartByContent) {
  EXPECT_EQ(DetectAofInputType("REDIS0010\xff"), AofInputType::kRdbPreamble);
  EXPECT_EQ(DetectAofInputType("REDIS"), AofInputType::kResp);  // too short for a header
  EXPECT_EQ(DetectAofInputType("file a seq 1 type b\n"), AofInputType::kManifest);
  EXPECT_EQ(DetectAofInputType("# comment\nfile a seq 1 type b\n"), AofInputType::kManifest);
  EXPECT_EQ(DetectAofInputType(""), AofInputType::kResp);
  EXPECT_EQ(DetectAofInputType("*1\r\n$4\r\nfile\r\n"), AofInputType::kResp);
  EXPECT_EQ(DetectAofInputType("#TS:1\r\n*1\r\n$4\r\nPING\r\n"), AofInputType::kResp);
  EXPECT_EQ(DetectAofInputType("garbage\n"), AofInputType::kResp);
}

}  // namespace
}  // namespace osprey::testing
