// DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX MOVE COPY RANDOMKEY KEYS,
// run through the real dispatcher with a fake clock.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "handlers/keyspace_events.h"
#include "keyspace/keyspace.h"
#include "server/server.h"
#include "server/stats.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using Strings = std::vector<std::string>;

class KeyHandlersTest : public ::testing::Test {
 protected:
  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }
  Strings SortedArray(std::vector<std::string_view> args) {
    Reply r = h_.Run(std::move(args));
    Strings out;
    for (const Reply& e : r.elements) out.push_back(e.str);
    std::sort(out.begin(), out.end());
    return out;
  }
  uint64_t Dirty() { return h_.server().stats().dirty; }
  size_t DbSize(int db = 0) { return h_.server().keyspace().db(db).size(); }

  CommandHarness h_;
};

// ------------------------------------------------------------------ DEL

TEST_F(KeyHandlersTest, DelRemovesExistingKeysAndCountsThem) {
  Run({"set", "a", "1"});
  Run({"set", "b", "2"});
  EXPECT_EQ(Run({"del", "a", "b", "missing"}), "2");
  EXPECT_EQ(Run({"exists", "a", "b"}), "0");
}

TEST_F(KeyHandlersTest, DelCountsARepeatedKeyOnce) {
  Run({"set", "a", "1"});
  EXPECT_EQ(Run({"del", "a", "a", "a"}), "1");
}

TEST_F(KeyHandlersTest, DelOfMissingKeyReturnsZero) { EXPECT_EQ(Run({"del", "nope"}), "0"); }

TEST_F(KeyHandlersTest, DelRemovesTheTtlWithTheKey) {
  Run({"set", "k", "v", "ex", "100"});
  Run({"del", "k"});
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"ttl", "k"}), "-1");
}

TEST_F(KeyHandlersTest, DelNotifiesDelAndCountsOneDirtyPerKey) {
  KeyspaceEvents events(h_);
  Run({"set", "a", "1"});
  Run({"set", "b", "1"});
  events.Take();
  uint64_t before = Dirty();
  Run({"del", "a", "b", "c"});
  EXPECT_EQ(events.Take(), (Strings{"del a@0", "del b@0"}));
  EXPECT_EQ(Dirty() - before, 2u);
}

TEST_F(KeyHandlersTest, DelOfExpiredKeyReturnsZeroAndNotifiesExpired) {
  KeyspaceEvents events(h_);
  Run({"set", "k", "v", "px", "10"});
  h_.AdvanceMillis(11);
  events.Take();
  EXPECT_EQ(Run({"del", "k"}), "0");
  EXPECT_EQ(events.Take(), (Strings{"expired k@0"}));
}

TEST_F(KeyHandlersTest, DelInvalidatesAWatch) {
  size_t other = h_.NewClient();
  Run({"set", "k", "v"});
  Run({"watch", "k"});
  h_.RunOn(other, {"del", "k"});
  Run({"multi"});
  Run({"get", "k"});
  EXPECT_EQ(Run({"exec"}), "(nil)");
}

TEST_F(KeyHandlersTest, DelRemovesLongKeysAndLongValues) {
  std::string key(3000, 'k');
  std::string value(5000, 'v');
  Run({"set", key, value});
  EXPECT_EQ(Run({"del", key}), "1");
  EXPECT_EQ(DbSize(), 0u);
}

// --------------------------------------------------------------- UNLINK

TEST_F(KeyHandlersTest, UnlinkRemovesKeysAndNotifiesDel) {
  KeyspaceEvents events(h_);
  Run({"set", "a", std::string(1000, 'x')});
  Run({"set", "b", "1"});
  events.Take();
  EXPECT_EQ(Run({"unlink", "a", "b", "a"}), "2");
  EXPECT_EQ(events.Take(), (Strings{"del a@0", "del b@0"}));
  EXPECT_EQ(DbSize(), 0u);
}

// --------------------------------------------------------------- EXISTS

TEST_F(KeyHandlersTest, ExistsCountsEveryArgumentIncludingRepeats) {
  Run({"set", "a", "1"});
  EXPECT_EQ(Run({"exists", "a", "a", "missing", "a"}), "3");
}

TEST_F(KeyHandlersTest, ExistsDoesNotCountAnExpiredKey) {
  Run({"set", "a", "1", "px", "100"});
  EXPECT_EQ(Run({"exists", "a"}), "1");
  h_.AdvanceMillis(101);
  EXPECT_EQ(Run({"exists", "a"}), "0");
}

TEST_F(KeyHandlersTest, ExistsIsNotAnAccess) {
  Run({"set", "a", "1"});
  h_.AdvanceMillis(5000);
  Run({"exists", "a"});
  EXPECT_EQ(Run({"object", "idletime", "a"}), "5");
}

TEST_F(KeyHandlersTest, ExistsCountsKeyspaceHitsAndMisses) {
  Run({"set", "a", "1"});
  auto& stats = h_.server().keyspace().stats();
  uint64_t hits = stats.keyspace_hits, misses = stats.keyspace_misses;
  Run({"exists", "a", "b"});
  EXPECT_EQ(stats.keyspace_hits - hits, 1u);
  EXPECT_EQ(stats.keyspace_misses - misses, 1u);
}

// ---------------------------------------------------------------- TOUCH

TEST_F(KeyHandlersTest, TouchCountsExistingKeys) {
  Run({"set", "a", "1"});
  Run({"set", "b", "1"});
  EXPECT_EQ(Run({"touch", "a", "b", "missing", "a"}), "3");
}

TEST_F(KeyHandlersTest, TouchResetsTheIdleTime) {
  Run({"set", "a", "1"});
  h_.AdvanceMillis(5000);
  Run({"touch", "a"});
  EXPECT_EQ(Run({"object", "idletime", "a"}), "0");
}

// ----------------------------------------------------------------- TYPE

TEST_F(KeyHandlersTest, TypeOfStringIsAStatusReply) {
  Run({"set", "a", "1"});
  EXPECT_EQ(h_.RunRaw({"type", "a"}), "+string\r\n");
}

TEST_F(KeyHandlersTest, TypeOfMissingKeyIsNone) {
  EXPECT_EQ(h_.RunRaw({"type", "missing"}), "+none\r\n");
}

TEST_F(KeyHandlersTest, TypeOfExpiredKeyIsNone) {
  Run({"set", "a", "1", "px", "5"});
  h_.AdvanceMillis(6);
  EXPECT_EQ(Run({"type", "a"}), "none");
}

TEST_F(KeyHandlersTest, TypeIsNotAnAccess) {
  Run({"set", "a", "1"});
  h_.AdvanceMillis(3000);
  Run({"type", "a"});
  EXPECT_EQ(Run({"object", "idletime", "a"}), "3");
}

// --------------------------------------------------------------- RENAME

TEST_F(KeyHandlersTest, RenameMovesTheValueToTheNewName) {
  Run({"set", "a", "hello"});
  EXPECT_EQ(h_.RunRaw({"rename", "a", "b"}), "+OK\r\n");
  EXPECT_EQ(Run({"exists", "a"}), "0");
  EXPECT_EQ(Run({"get", "b"}), "hello");
}

TEST_F(KeyHandlersTest, RenameCarriesTheTtlOfTheSource) {
  Run({"set", "a", "1", "px", "5000"});
  Run({"rename", "a", "b"});
  EXPECT_EQ(Run({"pttl", "b"}), "5000");
}

TEST_F(KeyHandlersTest, RenameOverwritesTheDestinationAndDropsItsTtl) {
  Run({"set", "a", "1"});
  Run({"set", "b", "2", "ex", "100"});
  EXPECT_EQ(Run({"rename", "a", "b"}), "OK");
  EXPECT_EQ(Run({"get", "b"}), "1");
  EXPECT_EQ(Run({"ttl", "b"}), "-1");
  EXPECT_EQ(DbSize(), 1u);
}

TEST_F(KeyHandlersTest, RenameKeepsTheEncodingOfEveryStringKind) {
  const std::string raw_heap(200, 'r');
  Run({"set", "int", "12345"});
  Run({"set", "emb", "short"});
  Run({"set", "raw", std::string(60, 'x')});
  Run({"set", "heap", raw_heap});
  Run({"set", "app", "a"});
  Run({"append", "app", "x"});
  for (std::string_view key : {"int", "emb", "raw", "heap", "app"}) {
    std::string before = Run({"object", "encoding", key});
    std::string value = Run({"get", key});
    std::string dst = std::string(key) + "-renamed";
    ASSERT_EQ(Run({"rename", key, dst}), "OK");
    EXPECT_EQ(Run({"object", "encoding", dst}), before) << key;
    EXPECT_EQ(Run({"get", dst}), value) << key;
  }
}

TEST_F(KeyHandlersTest, RenameHandlesKeysLongerThanTheInlineLimit) {
  std::string src(2000, 's');
  std::string dst(3000, 'd');
  Run({"set", src, std::string(300, 'v')});
  EXPECT_EQ(Run({"rename", src, dst}), "OK");
  EXPECT_EQ(Run({"get", dst}), std::string(300, 'v'));
  EXPECT_EQ(Run({"exists", src}), "0");
}

TEST_F(KeyHandlersTest, RenameToTheSameNameKeepsKeyAndTtl) {
  Run({"set", "a", "1", "px", "5000"});
  EXPECT_EQ(Run({"rename", "a", "a"}), "OK");
  EXPECT_EQ(Run({"get", "a"}), "1");
  EXPECT_EQ(Run({"pttl", "a"}), "5000");
}

TEST_F(KeyHandlersTest, RenameOfMissingKeyIsNoSuchKeyEvenToItself) {
  EXPECT_EQ(h_.RunRaw({"rename", "missing", "b"}), "-ERR no such key\r\n");
  EXPECT_EQ(Run({"rename", "missing", "missing"}), "ERR no such key");
}

TEST_F(KeyHandlersTest, RenameOfExpiredKeyIsNoSuchKey) {
  Run({"set", "a", "1", "px", "5"});
  h_.AdvanceMillis(6);
  EXPECT_EQ(Run({"rename", "a", "b"}), "ERR no such key");
}

TEST_F(KeyHandlersTest, RenameNotifiesNewRenameFromAndRenameTo) {
  KeyspaceEvents events(h_, "KEAn");
  Run({"set", "a", "1"});
  Run({"set", "b", "1"});
  events.Take();
  uint64_t before = Dirty();
  Run({"rename", "a", "b"});
  EXPECT_EQ(events.Take(), (Strings{"new b@0", "rename_from a@0", "rename_to b@0"}));
  EXPECT_EQ(Dirty() - before, 1u);
}

TEST_F(KeyHandlersTest, RenameInvalidatesWatchesOnBothNames) {
  size_t other = h_.NewClient();
  Run({"set", "a", "1"});
  for (std::string_view watched : {"a", "b"}) {
    Run({"watch", watched});
    h_.RunOn(other, {"rename", "a", "b"});
    h_.RunOn(other, {"rename", "b", "a"});
    Run({"multi"});
    Run({"ping"});
    EXPECT_EQ(Run({"exec"}), "(nil)") << watched;
  }
}

// ------------------------------------------------------------- RENAMENX

TEST_F(KeyHandlersTest, RenameNxRenamesWhenTheDestinationIsMissing) {
  Run({"set", "a", "1", "px", "5000"});
  EXPECT_EQ(h_.RunRaw({"renamenx", "a", "b"}), ":1\r\n");
  EXPECT_EQ(Run({"get", "b"}), "1");
  EXPECT_EQ(Run({"pttl", "b"}), "5000");
}

TEST_F(KeyHandlersTest, RenameNxDoesNothingWhenTheDestinationExists) {
  Run({"set", "a", "1"});
  Run({"set", "b", "2"});
  EXPECT_EQ(Run({"renamenx", "a", "b"}), "0");
  EXPECT_EQ(Run({"get", "a"}), "1");
  EXPECT_EQ(Run({"get", "b"}), "2");
}

TEST_F(KeyHandlersTest, RenameNxOverAnExpiredDestinationRenames) {
  Run({"set", "a", "1"});
  Run({"set", "b", "2", "px", "5"});
  h_.AdvanceMillis(6);
  EXPECT_EQ(Run({"renamenx", "a", "b"}), "1");
  EXPECT_EQ(Run({"get", "b"}), "1");
}

TEST_F(KeyHandlersTest, RenameOverExpiredDestinationsKeepsEveryValueRight) {
  for (int i = 0; i < 300; ++i) Run({"set", "k" + std::to_string(i), std::to_string(i)});
  for (int i = 0; i < 300; i += 3) Run({"set", "d" + std::to_string(i), "old", "px", "5"});
  h_.AdvanceMillis(6);
  for (int i = 0; i < 300; i += 3) {
    ASSERT_EQ(Run({"rename", "k" + std::to_string(i), "d" + std::to_string(i)}), "OK");
  }
  for (int i = 0; i < 300; ++i) {
    const std::string name = (i % 3 == 0 ? "d" : "k") + std::to_string(i);
    EXPECT_EQ(Run({"get", name}), std::to_string(i)) << name;
  }
}

TEST_F(KeyHandlersTest, RenameNxToTheSameNameReturnsZero) {
  Run({"set", "a", "1"});
  EXPECT_EQ(Run({"renamenx", "a", "a"}), "0");
}

TEST_F(KeyHandlersTest, RenameNxOfMissingKeyIsNoSuchKey) {
  EXPECT_EQ(Run({"renamenx", "missing", "b"}), "ERR no such key");
}

// ----------------------------------------------------------------- MOVE

TEST_F(KeyHandlersTest, MoveTransfersTheKeyAndItsTtlToAnotherDb) {
  Run({"set", "a", "1", "px", "5000"});
  EXPECT_EQ(Run({"move", "a", "1"}), "1");
  EXPECT_EQ(Run({"exists", "a"}), "0");
  Run({"select", "1"});
  EXPECT_EQ(Run({"get", "a"}), "1");
  EXPECT_EQ(Run({"pttl", "a"}), "5000");
}

TEST_F(KeyHandlersTest, MoveReturnsZeroWhenTheDestinationHasTheKey) {
  Run({"set", "a", "src"});
  Run({"select", "1"});
  Run({"set", "a", "dst"});
  Run({"select", "0"});
  EXPECT_EQ(Run({"move", "a", "1"}), "0");
  EXPECT_EQ(Run({"get", "a"}), "src");
}

TEST_F(KeyHandlersTest, MoveOfMissingKeyReturnsZero) { EXPECT_EQ(Run({"move", "a", "1"}), "0"); }

TEST_F(KeyHandlersTest, MoveToTheSameDbIsAnError) {
  Run({"set", "a", "1"});
  EXPECT_EQ(Run({"move", "a", "0"}), "ERR source and destination objects are the same");
  EXPECT_EQ(Run({"move", "missing", "0"}), "ERR source and destination objects are the same");
}

TEST_F(KeyHandlersTest, MoveRejectsBadDbIndexesBeforeLookingAtTheKey) {
  EXPECT_EQ(Run({"move", "missing", "16"}), "ERR DB index is out of range");
  EXPECT_EQ(Run({"move", "missing", "-1"}), "ERR DB index is out of range");
  EXPECT_EQ(Run({"move", "missing", "2147483648"}),
            "ERR value is out of range, value must between -2147483648 and 2147483647");
  EXPECT_EQ(Run({"move", "missing", "x"}), "ERR value is not an integer or out of range");
}

TEST_F(KeyHandlersTest, MoveNotifiesMoveFromAndMoveToInTheirDbs) {
  KeyspaceEvents events(h_, "KEAn");
  Run({"set", "a", "1"});
  events.Take();
  Run({"move", "a", "3"});
  EXPECT_EQ(events.Take(), (Strings{"new a@3", "move_from a@0", "move_to a@3"}));
}

TEST_F(KeyHandlersTest, MoveKeepsAHeapValueIntact) {
  std::string value(10000, 'z');
  Run({"set", "a", value});
  Run({"move", "a", "2"});
  Run({"select", "2"});
  EXPECT_EQ(Run({"get", "a"}), value);
  EXPECT_EQ(Run({"object", "encoding", "a"}), "raw");
}

// ----------------------------------------------------------------- COPY

TEST_F(KeyHandlersTest, CopyDuplicatesTheValueKeepingItsEncoding) {
  Run({"set", "int", "123"});
  Run({"set", "emb", "abc"});
  Run({"set", "heap", std::string(500, 'h')});
  Run({"set", "app", "a"});
  Run({"append", "app", "x"});
  for (std::string_view key : {"int", "emb", "heap", "app"}) {
    std::string dst = std::string(key) + "-copy";
    EXPECT_EQ(Run({"copy", key, dst}), "1");
    EXPECT_EQ(Run({"get", dst}), Run({"get", key}));
    EXPECT_EQ(Run({"object", "encoding", dst}), Run({"object", "encoding", key}));
  }
}

TEST_F(KeyHandlersTest, CopyIsIndependentOfTheSource) {
  Run({"set", "a", std::string(500, 'h')});
  Run({"copy", "a", "b"});
  Run({"append", "b", "tail"});
  EXPECT_EQ(Run({"strlen", "a"}), "500");
  EXPECT_EQ(Run({"strlen", "b"}), "504");
}

TEST_F(KeyHandlersTest, CopyCarriesTheTtl) {
  Run({"set", "a", "1", "px", "5000"});
  Run({"copy", "a", "b"});
  EXPECT_EQ(Run({"pttl", "b"}), "5000");
}

TEST_F(KeyHandlersTest, CopyDoesNotOverwriteWithoutReplace) {
  Run({"set", "a", "1"});
  Run({"set", "b", "2"});
  EXPECT_EQ(Run({"copy", "a", "b"}), "0");
  EXPECT_EQ(Run({"get", "b"}), "2");
}

TEST_F(KeyHandlersTest, CopyReplaceOverwritesAndDropsTheOldTtl) {
  Run({"set", "a", "1"});
  Run({"set", "b", "2", "ex", "100"});
  EXPECT_EQ(Run({"copy", "a", "b", "REPLACE"}), "1");
  EXPECT_EQ(Run({"get", "b"}), "1");
  EXPECT_EQ(Run({"ttl", "b"}), "-1");
}

TEST_F(KeyHandlersTest, CopyOfMissingKeyReturnsZero) {
  EXPECT_EQ(Run({"copy", "missing", "b"}), "0");
  EXPECT_EQ(Run({"exists", "b"}), "0");
}

TEST_F(KeyHandlersTest, CopyDbCopiesIntoAnotherDatabase) {
  Run({"set", "a", "1"});
  EXPECT_EQ(Run({"copy", "a", "a", "db", "1"}), "1");
  EXPECT_EQ(Run({"copy", "a", "a", "db", "1"}), "0");
  EXPECT_EQ(Run({"copy", "a", "a", "replace", "db", "1"}), "1");
  Run({"select", "1"});
  EXPECT_EQ(Run({"get", "a"}), "1");
}

TEST_F(KeyHandlersTest, CopyToItselfIsAnError) {
  Run({"set", "a", "1"});
  EXPECT_EQ(Run({"copy", "a", "a"}), "ERR source and destination objects are the same");
  EXPECT_EQ(Run({"copy", "a", "a", "db", "0"}), "ERR source and destination objects are the same");
  EXPECT_EQ(Run({"copy", "missing", "missing"}), "ERR source and destination objects are the same");
}

TEST_F(KeyHandlersTest, CopyOptionErrorsComeInArgumentOrder) {
  Run({"set", "a", "1"});
  EXPECT_EQ(Run({"copy", "a", "b", "foo"}), "ERR syntax error");
  EXPECT_EQ(Run({"copy", "a", "b", "db"}), "ERR syntax error");
  EXPECT_EQ(Run({"copy", "a", "b", "db", "99", "foo"}), "ERR DB index is out of range");
  EXPECT_EQ(Run({"copy", "a", "b", "replace", "foo", "db", "99"}), "ERR syntax error");
  EXPECT_EQ(Run({"copy", "a", "b", "db", "x"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"copy", "a", "b", "db", "-2147483649"}),
            "ERR value is out of range, value must between -2147483648 and 2147483647");
  EXPECT_EQ(Run({"exists", "b"}), "0");
}

TEST_F(KeyHandlersTest, CopyNotifiesNewAndCopyToInTheDestinationDb) {
  KeyspaceEvents events(h_, "KEAn");
  Run({"set", "a", "1"});
  events.Take();
  Run({"copy", "a", "b", "db", "2"});
  EXPECT_EQ(events.Take(), (Strings{"new b@2", "copy_to b@2"}));
}

TEST_F(KeyHandlersTest, CopyGivesTheCopyAFreshAccessClock) {
  Run({"set", "a", "1"});
  h_.AdvanceMillis(10000);
  Run({"copy", "a", "b"});
  h_.AdvanceMillis(2000);
  EXPECT_EQ(Run({"object", "idletime", "a"}), "2");  // COPY reads the source
  EXPECT_EQ(Run({"object", "idletime", "b"}), "2");
}

TEST_F(KeyHandlersTest, CopyOverAnExpiredDestinationCopiesTheRightValue) {
  // Many keys, so that expiring the destination moves entries around the
  // source in the same table.
  for (int i = 0; i < 200; ++i) Run({"set", "k" + std::to_string(i), std::to_string(i)});
  for (int i = 0; i < 200; i += 2) {
    Run({"set", "d" + std::to_string(i), "old", "px", "5"});
  }
  h_.AdvanceMillis(6);
  for (int i = 0; i < 200; i += 2) {
    const std::string src = "k" + std::to_string(i), dst = "d" + std::to_string(i);
    ASSERT_EQ(Run({"copy", src, dst}), "1");
    EXPECT_EQ(Run({"get", dst}), std::to_string(i));
    EXPECT_EQ(Run({"ttl", dst}), "-1");
  }
}

TEST_F(KeyHandlersTest, MoveOverAnExpiredKeyInTheTargetDbMovesIt) {
  Run({"select", "1"});
  Run({"set", "a", "old", "px", "5"});
  Run({"select", "0"});
  Run({"set", "a", "new"});
  h_.AdvanceMillis(6);
  EXPECT_EQ(Run({"move", "a", "1"}), "1");
  Run({"select", "1"});
  EXPECT_EQ(Run({"get", "a"}), "new");
}

// ------------------------------------------------------------ RANDOMKEY

TEST_F(KeyHandlersTest, RandomKeyOfEmptyDbIsNull) {
  EXPECT_EQ(h_.RunRaw({"randomkey"}), "$-1\r\n");
}

TEST_F(KeyHandlersTest, RandomKeyEventuallyReturnsEveryKey) {
  std::set<std::string> keys = {"a", "b", "c", "d"};
  for (const std::string& k : keys) Run({"set", k, "1"});
  std::set<std::string> seen;
  for (int i = 0; i < 500 && seen != keys; ++i) seen.insert(Run({"randomkey"}));
  EXPECT_EQ(seen, keys);
}

TEST_F(KeyHandlersTest, RandomKeyExpiresTheExpiredKeysItMeets) {
  for (int i = 0; i < 50; ++i) Run({"set", "gone" + std::to_string(i), "1", "px", "5"});
  Run({"set", "stays", "1"});
  h_.AdvanceMillis(6);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Run({"randomkey"}), "stays");
}

TEST_F(KeyHandlersTest, RandomKeyIsNullWhenOnlyExpiredKeysRemain) {
  Run({"set", "gone", "1", "px", "5"});
  h_.AdvanceMillis(6);
  EXPECT_EQ(Run({"randomkey"}), "(nil)");
  EXPECT_EQ(DbSize(), 0u);
}

// ----------------------------------------------------------------- KEYS

TEST_F(KeyHandlersTest, KeysMatchesAGlobPattern) {
  for (std::string_view k : {"hello", "hallo", "hxllo", "hllo", "user:1", "user:22"}) {
    Run({"set", k, "1"});
  }
  EXPECT_EQ(SortedArray({"keys", "h?llo"}), (Strings{"hallo", "hello", "hxllo"}));
  EXPECT_EQ(SortedArray({"keys", "h[ae]llo"}), (Strings{"hallo", "hello"}));
  EXPECT_EQ(SortedArray({"keys", "user:*"}), (Strings{"user:1", "user:22"}));
  EXPECT_EQ(SortedArray({"keys", "nomatch*"}), Strings{});
}

TEST_F(KeyHandlersTest, KeysStarListsTheEmptyKeyButDoubleStarDoesNot) {
  Run({"set", "", "1"});
  Run({"set", "a", "1"});
  EXPECT_EQ(SortedArray({"keys", "*"}), (Strings{"", "a"}));
  EXPECT_EQ(SortedArray({"keys", "**"}), (Strings{"a"}));
}

TEST_F(KeyHandlersTest, KeysSkipsExpiredKeysWithoutDeletingThem) {
  Run({"set", "gone", "1", "px", "5"});
  Run({"set", "stays", "1"});
  h_.AdvanceMillis(6);
  EXPECT_EQ(SortedArray({"keys", "*"}), (Strings{"stays"}));
  EXPECT_EQ(DbSize(), 2u);
}

TEST_F(KeyHandlersTest, KeysOfEmptyDbIsAnEmptyArray) {
  EXPECT_EQ(h_.RunRaw({"keys", "*"}), "*0\r\n");
}

TEST_F(KeyHandlersTest, KeysSeesOnlyTheSelectedDb) {
  Run({"set", "db0", "1"});
  Run({"select", "5"});
  Run({"set", "db5", "1"});
  EXPECT_EQ(SortedArray({"keys", "*"}), (Strings{"db5"}));
}

TEST_F(KeyHandlersTest, KeysListsThousandsOfKeys) {
  for (int i = 0; i < 3000; ++i) Run({"set", "k" + std::to_string(i), "v"});
  EXPECT_EQ(SortedArray({"keys", "*"}).size(), 3000u);
  EXPECT_EQ(SortedArray({"keys", "k1??"}).size(), 100u);
}

}  // namespace
}  // namespace osprey::testing
