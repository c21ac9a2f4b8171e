// The hash commands through the real dispatcher (CommandHarness), one
// sentence-named case per behaviour, grouped by command. Replies, errors,
// encodings, events and dirty counts are those of Redis 7.0.15; field
// expiry follows Redis 7.4, timed by the harness's fake clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/keyspace_events.h"
#include "keyspace/db.h"
#include "keyspace/keyspace.h"
#include "server/server.h"
#include "server/stats.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr int64_t kNowMs = 1'700'000'000'000;  // the harness clock's start

class HashHandlersTest : public ::testing::Test {
 protected:
  HashHandlersTest() : h_("enable-debug-command yes") {}

  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }
  std::string Raw(std::vector<std::string_view> args) { return h_.RunRaw(std::move(args)); }
  uint64_t Dirty() { return h_.server().stats().dirty; }
  std::string Encoding(std::string_view key) { return Run({"object", "encoding", key}); }
  size_t DbSize() { return h_.server().keyspace().db(0).size(); }
  // HGETALL as sorted "field=value" strings.
  Strings All(std::string_view key) {
    Reply r = h_.Run({"hgetall", key});
    Strings out;
    for (size_t i = 0; i + 1 < r.elements.size(); i += 2) {
      out.push_back(r.elements[i].str + "=" + r.elements[i + 1].str);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  void Fill(std::string_view key, int n) {
    for (int i = 0; i < n; ++i) {
      const std::string f = "f" + std::to_string(i);
      const std::string v = "v" + std::to_string(i);
      h_.Run({"hset", key, f, v});
    }
  }

  CommandHarness h_;
};

// ------------------------------------------------------------------ HSET

TEST_F(HashHandlersTest, HSetCountsOnlyNewFields) {
  EXPECT_EQ(Raw({"hset", "h", "a", "1", "b", "2"}), ":2\r\n");
  EXPECT_EQ(Raw({"hset", "h", "a", "x", "c", "3"}), ":1\r\n");
  EXPECT_EQ(All("h"), (Strings{"a=x", "b=2", "c=3"}));
}

TEST_F(HashHandlersTest, HSetWithAnOddNumberOfArgumentsIsAnArityError) {
  EXPECT_EQ(Raw({"hset", "h", "a", "1", "b"}),
            "-ERR wrong number of arguments for 'hset' command\r\n");
  EXPECT_EQ(Raw({"hmset", "h", "a", "1", "b"}),
            "-ERR wrong number of arguments for 'hmset' command\r\n");
  EXPECT_EQ(Raw({"hset", "h", "a"}), "-ERR wrong number of arguments for 'hset' command\r\n");
  EXPECT_EQ(DbSize(), 0u);
}

TEST_F(HashHandlersTest, HSetAgainstAStringIsWrongType) {
  Run({"set", "s", "v"});
  EXPECT_EQ(Run({"hset", "s", "a", "1"}), kWrongType);
}

TEST_F(HashHandlersTest, HSetDirtiesOncePerPairAndSendsNewThenHset) {
  KeyspaceEvents events(h_, "KEAn");
  const uint64_t before = Dirty();
  Run({"hset", "h", "a", "1", "b", "2"});
  Run({"hset", "h", "a", "1"});
  EXPECT_EQ(Dirty() - before, 3u);
  EXPECT_EQ(events.Take(), (Strings{"new h@0", "hset h@0", "hset h@0"}));
}

TEST_F(HashHandlersTest, HMSetRepliesOk) {
  EXPECT_EQ(Raw({"hmset", "h", "a", "1", "b", "2"}), "+OK\r\n");
  EXPECT_EQ(Run({"hlen", "h"}), "2");
}

// ------------------------------------------------------------- encodings

TEST_F(HashHandlersTest, SmallHashIsAListpack) {
  Run({"hset", "h", "a", "1"});
  EXPECT_EQ(Encoding("h"), "listpack");
  EXPECT_EQ(Run({"type", "h"}), "hash");
}

TEST_F(HashHandlersTest, ConvertsPastMaxListpackEntries) {
  Run({"config", "set", "hash-max-listpack-entries", "4"});
  Fill("h", 4);
  EXPECT_EQ(Encoding("h"), "listpack");
  Run({"hset", "h", "f4", "v"});
  EXPECT_EQ(Encoding("h"), "hashtable");
}

TEST_F(HashHandlersTest, ConvertsPastMaxListpackValue) {
  Run({"config", "set", "hash-max-listpack-value", "8"});
  Run({"hset", "h", "a", "12345678"});
  EXPECT_EQ(Encoding("h"), "listpack");
  Run({"hset", "h", "b", "123456789"});
  EXPECT_EQ(Encoding("h"), "hashtable");
  Run({"hset", "g", "123456789", "1"});
  EXPECT_EQ(Encoding("g"), "hashtable");
}

TEST_F(HashHandlersTest, ALongArgumentConvertsEvenForAnExistingField) {
  Run({"config", "set", "hash-max-listpack-value", "8"});
  Run({"hset", "h", "a", "1"});
  Run({"hset", "h", "a", "1", "b", "123456789"});
  EXPECT_EQ(Encoding("h"), "hashtable");
}

// ---------------------------------------------------------- HSETNX

TEST_F(HashHandlersTest, HSetNxSetsOnlyMissingFields) {
  EXPECT_EQ(Run({"hsetnx", "h", "a", "1"}), "1");
  EXPECT_EQ(Run({"hsetnx", "h", "a", "2"}), "0");
  EXPECT_EQ(Run({"hget", "h", "a"}), "1");
}

TEST_F(HashHandlersTest, HSetNxOnAnExistingFieldSendsNothing) {
  Run({"hset", "h", "a", "1"});
  KeyspaceEvents events(h_);
  const uint64_t before = Dirty();
  Run({"hsetnx", "h", "a", "2"});
  EXPECT_EQ(Dirty(), before);
  EXPECT_TRUE(events.Take().empty());
}

// ------------------------------------------------------- HGET HMGET

TEST_F(HashHandlersTest, HGetMissingKeyOrFieldIsNil) {
  EXPECT_EQ(Raw({"hget", "nope", "a"}), "$-1\r\n");
  Run({"hset", "h", "a", "1"});
  EXPECT_EQ(Raw({"hget", "h", "b"}), "$-1\r\n");
  EXPECT_EQ(Raw({"hget", "h", "a"}), "$1\r\n1\r\n");
}

TEST_F(HashHandlersTest, HGetAgainstAStringIsWrongType) {
  Run({"set", "s", "v"});
  EXPECT_EQ(Run({"hget", "s", "a"}), kWrongType);
}

TEST_F(HashHandlersTest, HMGetGivesNilForMissingFieldsAndKeys) {
  Run({"hset", "h", "a", "1", "b", "2"});
  EXPECT_EQ(Run({"hmget", "h", "a", "x", "b"}), "[1, (nil), 2]");
  EXPECT_EQ(Run({"hmget", "nope", "a", "b"}), "[(nil), (nil)]");
  Run({"set", "s", "v"});
  EXPECT_EQ(Run({"hmget", "s", "a"}), kWrongType);
}

// ------------------------------------------------------------ HDEL

TEST_F(HashHandlersTest, HDelCountsDeletedFields) {
  Run({"hset", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(Run({"hdel", "h", "a", "x", "a"}), "1");
  EXPECT_EQ(Run({"hdel", "nope", "a"}), "0");
  EXPECT_EQ(Run({"hlen", "h"}), "2");
}

TEST_F(HashHandlersTest, HDelOfTheLastFieldDeletesTheKey) {
  Run({"hset", "h", "a", "1", "b", "2"});
  KeyspaceEvents events(h_);
  const uint64_t before = Dirty();
  EXPECT_EQ(Run({"hdel", "h", "a", "b", "c"}), "2");
  EXPECT_EQ(Run({"exists", "h"}), "0");
  EXPECT_EQ(Dirty() - before, 2u);
  EXPECT_EQ(events.Take(), (Strings{"hdel h@0", "del h@0"}));
}

TEST_F(HashHandlersTest, HDelOfNothingSendsNothing) {
  Run({"hset", "h", "a", "1"});
  KeyspaceEvents events(h_);
  EXPECT_EQ(Run({"hdel", "h", "zz"}), "0");
  EXPECT_TRUE(events.Take().empty());
}

// ------------------------------------------------- HLEN HSTRLEN HEXISTS

TEST_F(HashHandlersTest, HLenHStrLenHExists) {
  Run({"hset", "h", "a", "hello", "n", "-123"});
  EXPECT_EQ(Run({"hlen", "h"}), "2");
  EXPECT_EQ(Run({"hlen", "nope"}), "0");
  EXPECT_EQ(Run({"hstrlen", "h", "a"}), "5");
  EXPECT_EQ(Run({"hstrlen", "h", "n"}), "4");
  EXPECT_EQ(Run({"hstrlen", "h", "zz"}), "0");
  EXPECT_EQ(Run({"hexists", "h", "a"}), "1");
  EXPECT_EQ(Run({"hexists", "h", "zz"}), "0");
  EXPECT_EQ(Run({"hexists", "nope", "a"}), "0");
}

// --------------------------------------------- HGETALL HKEYS HVALS

TEST_F(HashHandlersTest, HGetAllIsAFlatArrayInResp2AndAMapInResp3) {
  Run({"hset", "h", "a", "1"});
  EXPECT_EQ(Raw({"hgetall", "h"}), "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  EXPECT_EQ(Raw({"hgetall", "nope"}), "*0\r\n");
  Run({"hello", "3"});
  EXPECT_EQ(Raw({"hgetall", "h"}), "%1\r\n$1\r\na\r\n$1\r\n1\r\n");
  EXPECT_EQ(Raw({"hgetall", "nope"}), "%0\r\n");
  EXPECT_EQ(Raw({"hkeys", "nope"}), "*0\r\n");
}

TEST_F(HashHandlersTest, HKeysAndHValsInListpackOrder) {
  Run({"hset", "h", "b", "2", "a", "1", "c", "3"});
  EXPECT_EQ(Run({"hkeys", "h"}), "[b, a, c]");
  EXPECT_EQ(Run({"hvals", "h"}), "[2, 1, 3]");
}

TEST_F(HashHandlersTest, HGetAllOfABigHash) {
  Fill("h", 1000);
  EXPECT_EQ(Encoding("h"), "hashtable");
  const Strings all = All("h");
  ASSERT_EQ(all.size(), 1000u);
  EXPECT_TRUE(std::binary_search(all.begin(), all.end(), "f999=v999"));
  EXPECT_EQ(h_.Run({"hkeys", "h"}).elements.size(), 1000u);
}

// ----------------------------------------------------------- HINCRBY

TEST_F(HashHandlersTest, HIncrByCreatesAndAdds) {
  EXPECT_EQ(Run({"hincrby", "h", "n", "5"}), "5");
  EXPECT_EQ(Run({"hincrby", "h", "n", "-7"}), "-2");
  Run({"hset", "h", "s", "17179869184"});
  EXPECT_EQ(Run({"hincrby", "h", "s", "17179869184"}), "34359738368");
}

TEST_F(HashHandlersTest, HIncrByErrors) {
  Run({"hset", "h", "s", " 11", "t", "abc"});
  EXPECT_EQ(Run({"hincrby", "h", "s", "1"}), "ERR hash value is not an integer");
  EXPECT_EQ(Run({"hincrby", "h", "t", "1"}), "ERR hash value is not an integer");
  EXPECT_EQ(Run({"hincrby", "h", "s", "x"}), "ERR value is not an integer or out of range");
  Run({"hset", "h", "m", "9223372036854775807"});
  EXPECT_EQ(Run({"hincrby", "h", "m", "1"}), "ERR increment or decrement would overflow");
  Run({"set", "str", "v"});
  EXPECT_EQ(Run({"hincrby", "str", "a", "1"}), kWrongType);
  // The increment is read before the key.
  EXPECT_EQ(Run({"hincrby", "str", "a", "x"}), "ERR value is not an integer or out of range");
}

TEST_F(HashHandlersTest, HIncrBySendsItsEvent) {
  KeyspaceEvents events(h_, "KEAn");
  Run({"hincrby", "h", "n", "1"});
  EXPECT_EQ(events.Take(), (Strings{"new h@0", "hincrby h@0"}));
}

// ------------------------------------------------------ HINCRBYFLOAT

TEST_F(HashHandlersTest, HIncrByFloatAddsAndFormatsHumanly) {
  EXPECT_EQ(Run({"hincrbyfloat", "h", "f", "1.23"}), "1.23");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "f", "0.77"}), "2");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "f", "-0.1"}), "1.9");
  Run({"hset", "h", "i", "10"});
  EXPECT_EQ(Run({"hincrbyfloat", "h", "i", "2.5"}), "12.5");
}

TEST_F(HashHandlersTest, HIncrByFloatErrors) {
  Run({"hset", "h", "s", " 1", "t", std::string("1\0" "2", 3)});
  EXPECT_EQ(Run({"hincrbyfloat", "h", "s", "1"}), "ERR hash value is not a float");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "t", "1"}), "ERR hash value is not a float");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "s", "x"}), "ERR value is not a valid float");
  EXPECT_EQ(Run({"hincrbyfloat", "nope", "f", "+inf"}), "ERR value is NaN or Infinity");
  EXPECT_EQ(Run({"exists", "nope"}), "0");
  Run({"hset", "h", "big", "1e4932"});
  EXPECT_EQ(Run({"hincrbyfloat", "h", "big", "1e4932"}),
            "ERR increment would produce NaN or Infinity");
}

TEST_F(HashHandlersTest, HIncrByFloatResultLongerThanTheLimitConverts) {
  Run({"config", "set", "hash-max-listpack-value", "8"});
  Run({"hset", "small", "tmp", "0"});
  Run({"hset", "big", "tmp", "0"});
  Run({"hincrbyfloat", "small", "tmp", "0.000005"});
  Run({"hincrbyfloat", "big", "tmp", "0.0000005"});
  EXPECT_EQ(Encoding("small"), "listpack");
  EXPECT_EQ(Encoding("big"), "hashtable");
}

// -------------------------------------------------------- HRANDFIELD

TEST_F(HashHandlersTest, HRandFieldWithoutCount) {
  EXPECT_EQ(Raw({"hrandfield", "nope"}), "$-1\r\n");
  Run({"hset", "h", "a", "1"});
  EXPECT_EQ(Run({"hrandfield", "h"}), "a");
}

TEST_F(HashHandlersTest, HRandFieldCountShapes) {
  for (int table = 0; table < 2; ++table) {
    Run({"del", "h"});
    Fill("h", 10);
    if (table) Run({"hset", "h", "long", std::string(100, 'x')});
    const size_t size = table ? 11 : 10;
    EXPECT_EQ(h_.Run({"hrandfield", "h", "-20"}).elements.size(), 20u);
    EXPECT_EQ(h_.Run({"hrandfield", "h", "-20", "withvalues"}).elements.size(), 40u);
    EXPECT_EQ(h_.Run({"hrandfield", "h", "100"}).elements.size(), size);
    for (std::string_view n : {"8", "2", "1"}) {
      Reply r = h_.Run({"hrandfield", "h", n});
      std::set<std::string> distinct;
      for (const Reply& e : r.elements) distinct.insert(e.str);
      EXPECT_EQ(distinct.size(), static_cast<size_t>(std::stoi(std::string(n))));
      EXPECT_EQ(h_.Run({"hrandfield", "h", n, "WITHVALUES"}).elements.size(),
                2 * distinct.size());
    }
  }
}

TEST_F(HashHandlersTest, HRandFieldWithValuesNestsPairsInResp3) {
  Run({"hset", "h", "a", "1", "b", "2", "c", "3"});
  Run({"hello", "3"});
  Reply r = h_.Run({"hrandfield", "h", "3", "withvalues"});
  ASSERT_EQ(r.elements.size(), 3u);
  EXPECT_EQ(r.elements[1].elements.size(), 2u);
  r = h_.Run({"hrandfield", "h", "-5", "withvalues"});
  ASSERT_EQ(r.elements.size(), 5u);
  EXPECT_EQ(r.elements[0].elements.size(), 2u);
}

TEST_F(HashHandlersTest, HRandFieldCountErrors) {
  Run({"hset", "h", "a", "1"});
  EXPECT_EQ(Raw({"hrandfield", "h", "0"}), "*0\r\n");
  EXPECT_EQ(Raw({"hrandfield", "nope", "100"}), "*0\r\n");
  EXPECT_EQ(Run({"hrandfield", "h", "-9223372036854770000", "withvalues"}),
            "ERR value is out of range");
  EXPECT_EQ(Run({"hrandfield", "h", "-9223372036854775808"}),
            "ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807");
  EXPECT_EQ(Run({"hrandfield", "h", "x"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"hrandfield", "h", "1", "withscores"}), "ERR syntax error");
  EXPECT_EQ(Run({"hrandfield", "h", "1", "withvalues", "x"}), "ERR syntax error");
}

// ------------------------------------------------------------- HSCAN

TEST_F(HashHandlersTest, HScanOfAListpackIsOneCall) {
  Run({"hset", "h", "a", "1", "b", "2", "ab", "3"});
  EXPECT_EQ(Run({"hscan", "h", "0"}), "[0, [a, 1, b, 2, ab, 3]]");
  EXPECT_EQ(Run({"hscan", "h", "0", "match", "a*"}), "[0, [a, 1, ab, 3]]");
  EXPECT_EQ(Run({"hscan", "nope", "0"}), "[0, []]");
}

TEST_F(HashHandlersTest, HScanOfATableVisitsEveryField) {
  Fill("h", 1000);
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    Reply r = h_.Run({"hscan", "h", cursor, "count", "20"});
    cursor = r.elements[0].str;
    for (size_t i = 0; i < r.elements[1].elements.size(); i += 2) {
      seen.insert(r.elements[1].elements[i].str);
    }
    ++calls;
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_GT(calls, 10);
}

TEST_F(HashHandlersTest, HScanErrors) {
  Run({"hset", "h", "a", "1"});
  EXPECT_EQ(Run({"hscan", "h", "x"}), "ERR invalid cursor");
  EXPECT_EQ(Run({"hscan", "h", "0", "count", "0"}), "ERR syntax error");
  EXPECT_EQ(Run({"hscan", "h", "0", "type", "hash"}), "ERR syntax error");
  // A missing key answers before its options are read.
  EXPECT_EQ(Run({"hscan", "nope", "0", "count", "0"}), "[0, []]");
  Run({"set", "s", "v"});
  EXPECT_EQ(Run({"hscan", "s", "0"}), kWrongType);
}

// ------------------------------------------------ generic commands

TEST_F(HashHandlersTest, CopyRenameMoveKeepTheHash) {
  Run({"hset", "h", "a", "1", "b", "2"});
  EXPECT_EQ(Run({"copy", "h", "c"}), "1");
  Run({"hset", "h", "a", "changed"});
  EXPECT_EQ(All("c"), (Strings{"a=1", "b=2"}));
  EXPECT_EQ(Run({"rename", "c", "d"}), "OK");
  EXPECT_EQ(All("d"), (Strings{"a=1", "b=2"}));
  EXPECT_EQ(Run({"move", "d", "1"}), "1");
  Run({"select", "1"});
  EXPECT_EQ(Run({"hget", "d", "b"}), "2");
  EXPECT_EQ(Run({"scan", "0", "type", "hash"}), "[0, [d]]");
}

TEST_F(HashHandlersTest, DigestFollowsContentNotOrderOrEncoding) {
  Run({"hset", "a", "x", "1", "y", "2"});
  Run({"hset", "b", "y", "2", "x", "1"});
  Reply r = h_.Run({"debug", "digest-value", "a", "b"});
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].str, r.elements[1].str);
  Run({"hset", "b", "y", "3"});
  r = h_.Run({"debug", "digest-value", "a", "b"});
  EXPECT_NE(r.elements[0].str, r.elements[1].str);
}

TEST_F(HashHandlersTest, MemoryUsageAndDebugObjectSeeTheHash) {
  Fill("h", 10);
  EXPECT_GT(h_.Run({"memory", "usage", "h"}).integer, 50);
  EXPECT_NE(Run({"debug", "object", "h"}).find("encoding:listpack"), std::string::npos);
}

// ------------------------------------------------------- field expiry

TEST_F(HashHandlersTest, HExpireSetsAndHTtlReads) {
  Run({"hset", "h", "a", "1", "b", "2"});
  EXPECT_EQ(Run({"hexpire", "h", "100", "fields", "2", "a", "zz"}), "[1, -2]");
  EXPECT_EQ(Encoding("h"), "listpackex");
  EXPECT_EQ(Run({"httl", "h", "fields", "3", "a", "b", "zz"}), "[100, -1, -2]");
  EXPECT_EQ(Run({"hpttl", "h", "FIELDS", "1", "a"}), "[100000]");
  EXPECT_EQ(Run({"hexpiretime", "h", "fields", "1", "a"}),
            "[" + std::to_string(kNowMs / 1000 + 100) + "]");
  EXPECT_EQ(Run({"hpexpiretime", "h", "fields", "1", "a"}),
            "[" + std::to_string(kNowMs + 100000) + "]");
  EXPECT_EQ(Run({"httl", "nope", "fields", "2", "a", "b"}), "[-2, -2]");
}

TEST_F(HashHandlersTest, HExpireConditions) {
  Run({"hset", "h", "a", "1", "b", "2"});
  EXPECT_EQ(Run({"hpexpire", "h", "1000", "xx", "fields", "1", "a"}), "[0]");
  EXPECT_EQ(Run({"hpexpire", "h", "1000", "gt", "fields", "1", "a"}), "[0]");
  EXPECT_EQ(Run({"hpexpire", "h", "1000", "lt", "fields", "1", "a"}), "[1]");
  EXPECT_EQ(Run({"hpexpire", "h", "2000", "nx", "fields", "2", "a", "b"}), "[0, 1]");
  EXPECT_EQ(Run({"hpexpire", "h", "500", "gt", "fields", "1", "a"}), "[0]");
  EXPECT_EQ(Run({"hpexpire", "h", "5000", "gt", "fields", "1", "a"}), "[1]");
  EXPECT_EQ(Run({"hpexpire", "h", "9000", "lt", "fields", "1", "a"}), "[0]");
  EXPECT_EQ(Run({"hpexpire", "h", "3000", "xx", "fields", "1", "a"}), "[1]");
  EXPECT_EQ(Run({"hpttl", "h", "fields", "2", "a", "b"}), "[3000, 2000]");
}

TEST_F(HashHandlersTest, HExpireInThePastDeletesTheField) {
  Run({"hset", "h", "a", "1", "b", "2"});
  KeyspaceEvents events(h_);
  EXPECT_EQ(Run({"hexpireat", "h", "1", "fields", "1", "a"}), "[2]");
  EXPECT_EQ(Run({"hexists", "h", "a"}), "0");
  EXPECT_EQ(Run({"hpexpire", "h", "0", "fields", "1", "b"}), "[2]");
  EXPECT_EQ(Run({"exists", "h"}), "0");
  EXPECT_EQ(events.Take(), (Strings{"hdel h@0", "hdel h@0", "del h@0"}));
}

TEST_F(HashHandlersTest, HExpireErrors) {
  Run({"hset", "h", "a", "1"});
  EXPECT_EQ(Run({"hexpire", "h", "10", "field", "1", "a"}),
            "ERR Mandatory argument FIELDS is missing or not at the right position");
  EXPECT_EQ(Run({"hexpire", "h", "10", "fields", "0", "a"}),
            "ERR Parameter `numFields` should be greater than 0");
  EXPECT_EQ(Run({"hexpire", "h", "10", "fields", "2", "a"}),
            "ERR The `numfields` parameter must match the number of arguments");
  EXPECT_EQ(Run({"hexpire", "h", "-1", "fields", "1", "a"}),
            "ERR invalid expire time, must be >= 0");
  EXPECT_EQ(Run({"hexpire", "h", "x", "fields", "1", "a"}),
            "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"hexpire", "h", "70368744177664", "fields", "1", "a"}),
            "ERR invalid expire time in 'hexpire' command");
  EXPECT_EQ(Run({"httl", "h", "fields", "x", "a"}),
            "ERR Number of fields must be a positive integer");
  Run({"set", "s", "v"});
  EXPECT_EQ(Run({"hexpire", "s", "10", "fields", "1", "a"}), kWrongType);
  EXPECT_EQ(Run({"httl", "s", "fields", "1", "a"}), kWrongType);
}

TEST_F(HashHandlersTest, HExpireSendsHexpireAndDirties) {
  Run({"hset", "h", "a", "1", "b", "2"});
  KeyspaceEvents events(h_);
  const uint64_t before = Dirty();
  Run({"hexpire", "h", "100", "fields", "2", "a", "b"});
  EXPECT_EQ(Dirty() - before, 2u);
  Run({"hexpire", "h", "100", "nx", "fields", "1", "a"});
  EXPECT_EQ(Dirty() - before, 2u);
  EXPECT_EQ(events.Take(), (Strings{"hexpire h@0"}));
}

TEST_F(HashHandlersTest, HPersistRemovesTimes) {
  Run({"hset", "h", "a", "1", "b", "2"});
  Run({"hexpire", "h", "100", "fields", "1", "a"});
  KeyspaceEvents events(h_);
  EXPECT_EQ(Run({"hpersist", "h", "fields", "3", "a", "b", "zz"}), "[1, -1, -2]");
  EXPECT_EQ(Run({"httl", "h", "fields", "1", "a"}), "[-1]");
  EXPECT_EQ(Run({"hpersist", "nope", "fields", "1", "a"}), "[-2]");
  EXPECT_EQ(events.Take(), (Strings{"hpersist h@0"}));
}

TEST_F(HashHandlersTest, ExpiredFieldsAreInvisibleToReads) {
  Run({"hset", "h", "a", "1", "b", "2", "c", "3"});
  Run({"hpexpire", "h", "100", "fields", "1", "a"});
  h_.AdvanceMillis(101);
  EXPECT_EQ(Run({"hlen", "h"}), "2");
  EXPECT_EQ(All("h"), (Strings{"b=2", "c=3"}));
  EXPECT_EQ(Run({"hget", "h", "a"}), "(nil)");
  EXPECT_EQ(Run({"httl", "h", "fields", "1", "a"}), "[-2]");
}

TEST_F(HashHandlersTest, ReadingAnExpiredFieldRemovesIt) {
  Run({"hset", "h", "a", "1", "b", "2"});
  Run({"hpexpire", "h", "100", "fields", "1", "a"});
  h_.AdvanceMillis(100);
  EXPECT_EQ(Run({"hget", "h", "a"}), "1");  // alive at its very millisecond
  h_.AdvanceMillis(1);
  KeyspaceEvents events(h_);
  EXPECT_EQ(Run({"hget", "h", "a"}), "(nil)");
  EXPECT_EQ(events.Take(), (Strings{"hexpired h@0"}));
  EXPECT_EQ(Run({"hget", "h", "b"}), "2");
}

TEST_F(HashHandlersTest, TheLastFieldExpiringDeletesTheKey) {
  Run({"hset", "h", "a", "1"});
  Run({"hpexpire", "h", "100", "fields", "1", "a"});
  h_.AdvanceMillis(200);
  KeyspaceEvents events(h_);
  EXPECT_EQ(Run({"hget", "h", "a"}), "(nil)");
  EXPECT_EQ(Run({"exists", "h"}), "0");
  EXPECT_EQ(events.Take(), (Strings{"hexpired h@0", "del h@0"}));
}

TEST_F(HashHandlersTest, ActiveExpiryRemovesFieldsNobodyReads) {
  Run({"hset", "h", "a", "1", "b", "2"});
  Fill("big", 1000);
  Run({"hpexpire", "h", "100", "fields", "1", "a"});
  Run({"hpexpire", "big", "100", "fields", "3", "f1", "f2", "f3"});
  Run({"hset", "gone", "x", "1"});
  Run({"hpexpire", "gone", "50", "fields", "1", "x"});
  KeyspaceEvents events(h_);
  h_.AdvanceMillis(500);
  for (int i = 0; i < 5; ++i) h_.Cron();
  Strings got = events.Take();
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (Strings{"del gone@0", "hexpired big@0", "hexpired gone@0", "hexpired h@0"}));
  auto& db = h_.server().keyspace().db(0);
  EXPECT_FALSE(db.table().Find("gone"));
  EXPECT_EQ(db.field_expiry().size(), 0u);
  // Nothing was read: the fields are gone from storage itself.
  EXPECT_EQ(Run({"debug", "object", "h"}).find("listpackex") != std::string::npos, true);
  EXPECT_EQ(Run({"hlen", "big"}), "997");
  EXPECT_EQ(Run({"hlen", "h"}), "1");
}

TEST_F(HashHandlersTest, RenamedHashKeepsExpiringActively) {
  Run({"hset", "h", "a", "1", "b", "2"});
  Run({"hpexpire", "h", "100", "fields", "1", "a"});
  Run({"rename", "h", "r"});
  KeyspaceEvents events(h_);
  h_.AdvanceMillis(500);
  for (int i = 0; i < 3; ++i) h_.Cron();
  EXPECT_EQ(events.Take(), (Strings{"hexpired r@0"}));
}

TEST_F(HashHandlersTest, DeletingAHashForgetsItsFieldTimes) {
  Run({"hset", "h", "a", "1"});
  Run({"hexpire", "h", "100", "fields", "1", "a"});
  auto& db = h_.server().keyspace().db(0);
  EXPECT_EQ(db.field_expiry().size(), 1u);
  Run({"del", "h"});
  EXPECT_EQ(db.field_expiry().size(), 0u);
  Run({"hset", "h", "a", "1"});
  Run({"hexpire", "h", "100", "fields", "1", "a"});
  Run({"flushall"});
  EXPECT_EQ(db.field_expiry().size(), 0u);
}

TEST_F(HashHandlersTest, HSetOnAnExpiredFieldAddsItAgainWithoutTime) {
  Run({"hset", "h", "a", "1", "b", "2"});
  Run({"hpexpire", "h", "100", "fields", "1", "a"});
  h_.AdvanceMillis(200);
  EXPECT_EQ(Run({"hset", "h", "a", "new"}), "1");
  EXPECT_EQ(Run({"httl", "h", "fields", "1", "a"}), "[-1]");
  EXPECT_EQ(Run({"hget", "h", "a"}), "new");
}

TEST_F(HashHandlersTest, HIncrByKeepsTheFieldTime) {
  Run({"hset", "h", "n", "1"});
  Run({"hexpire", "h", "100", "fields", "1", "n"});
  EXPECT_EQ(Run({"hincrby", "h", "n", "1"}), "2");
  EXPECT_EQ(Run({"httl", "h", "fields", "1", "n"}), "[100]");
  Run({"hset", "h", "n", "5"});
  EXPECT_EQ(Run({"httl", "h", "fields", "1", "n"}), "[-1]");
}

TEST_F(HashHandlersTest, HIncrByOnTheLastExpiredFieldStartsANewHash) {
  Run({"hset", "h", "n", "41"});
  Run({"hpexpire", "h", "10", "fields", "1", "n"});
  h_.AdvanceMillis(20);
  KeyspaceEvents events(h_, "KEAn");
  EXPECT_EQ(Run({"hincrby", "h", "n", "1"}), "1");
  EXPECT_EQ(events.Take(), (Strings{"hexpired h@0", "del h@0", "new h@0", "hincrby h@0"}));
}

TEST_F(HashHandlersTest, FieldExpiryWorksInATable) {
  Fill("h", 600);
  ASSERT_EQ(Encoding("h"), "hashtable");
  EXPECT_EQ(Run({"hpexpire", "h", "100", "fields", "2", "f1", "f2"}), "[1, 1]");
  EXPECT_EQ(Encoding("h"), "hashtable");
  h_.AdvanceMillis(101);
  EXPECT_EQ(Run({"hlen", "h"}), "598");
  EXPECT_EQ(Run({"hexists", "h", "f1"}), "0");
}

TEST_F(HashHandlersTest, HRandFieldAndHScanSkipExpiredFields) {
  Run({"hset", "h", "a", "1", "b", "2"});
  Run({"hpexpire", "h", "10", "fields", "1", "a"});
  h_.AdvanceMillis(20);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Run({"hrandfield", "h"}), "b");
  EXPECT_EQ(Run({"hscan", "h", "0"}), "[0, [b, 2]]");
}

}  // namespace
}  // namespace osprey::testing
