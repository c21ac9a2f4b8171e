// Loading values through RESTORE: every RDB type and encoding, including the
// legacy ones no current Redis writes (made here byte by byte), conversions
// by the encoding thresholds, and corrupt input of every kind, which must be
// refused and never crash.

#include "persistence/rdb_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "persistence/rdb_test_util.h"
#include "server/server.h"
#include "testing/command_harness.h"
#include "types/listpack.h"

namespace osprey::testing {
namespace {

constexpr char kBadFormat[] = "ERR Bad data format";
constexpr char kBadTrailer[] = "ERR DUMP payload version or checksum are wrong";

std::string Type(int t) { return std::string(1, static_cast<char>(t)); }

std::string Lp(const std::vector<std::string>& elements) {
  types::Listpack lp;
  for (const std::string& e : elements) lp.Append(e);
  return std::string(lp.bytes());
}

std::string Millis(int64_t ms) {
  std::string out;
  PutLe(&out, static_cast<uint64_t>(ms), 8);
  return out;
}

class RdbLoaderTest : public ::testing::Test {
 protected:
  std::string Restore(const std::string& payload, const std::string& key = "k") {
    return h_.Run({"RESTORE", key, "0", payload, "REPLACE"}).ToString();
  }
  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }
  std::string Encoding(const std::string& key = "k") { return Run({"OBJECT", "ENCODING", key}); }

  CommandHarness h_;
};

// ------------------------------------------------------------------ strings

TEST_F(RdbLoaderTest, StringsTakeTheEncodingSetWouldGive) {
  EXPECT_EQ(Restore(Payload(Type(0) + RdbString("123"))), "OK");
  EXPECT_EQ(Encoding(), "int");
  EXPECT_EQ(Restore(Payload(Type(0) + "\xc0\x05")), "OK");
  EXPECT_EQ(Run({"GET", "k"}), "5");
  EXPECT_EQ(Encoding(), "int");
  EXPECT_EQ(Restore(Payload(Type(0) + RdbString("short"))), "OK");
  EXPECT_EQ(Encoding(), "embstr");
  EXPECT_EQ(Restore(Payload(Type(0) + RdbString(std::string(50, 's')))), "OK");
  EXPECT_EQ(Encoding(), "raw");
  EXPECT_EQ(Run({"STRLEN", "k"}), "50");
}

// ------------------------------------------------------------------ lists

TEST_F(RdbLoaderTest, PlainListType1) {
  EXPECT_EQ(Restore(Payload(Type(1) + RdbLen(3) + RdbString("a") + "\xc0\x07" + RdbString("c"))),
            "OK");
  EXPECT_EQ(Run({"LRANGE", "k", "0", "-1"}), "[a, 7, c]");
  EXPECT_EQ(Restore(Payload(Type(1) + RdbLen(0))), kBadFormat);  // empty
}

TEST_F(RdbLoaderTest, ZiplistListType10) {
  const std::string zl = Ziplist({std::string("x"), int64_t{-5}, std::string(70, 'y')});
  EXPECT_EQ(Restore(Payload(Type(10) + RdbString(zl))), "OK");
  EXPECT_EQ(Run({"LLEN", "k"}), "3");
  EXPECT_EQ(Run({"LINDEX", "k", "1"}), "-5");
  EXPECT_EQ(Encoding(), "quicklist");
  EXPECT_EQ(Restore(Payload(Type(10) + RdbString(Ziplist({})))), kBadFormat);
}

TEST_F(RdbLoaderTest, QuicklistOfZiplistsType14SkipsEmptyNodes) {
  const std::string body = Type(14) + RdbLen(3) + RdbString(Ziplist({std::string("a"), int64_t{1}})) +
                           RdbString(Ziplist({})) + RdbString(Ziplist({std::string("b")}));
  EXPECT_EQ(Restore(Payload(body)), "OK");
  EXPECT_EQ(Run({"LRANGE", "k", "0", "-1"}), "[a, 1, b]");
  EXPECT_EQ(Restore(Payload(Type(14) + RdbLen(1) + RdbString(Ziplist({})))), kBadFormat);
}

TEST_F(RdbLoaderTest, Quicklist2WithPackedAndPlainNodes) {
  std::string plain;  // LZF finds nothing to shorten in it
  for (int i = 0; i < 100; ++i) plain.push_back(static_cast<char>(33 + (i * 7919) % 90));
  const std::string body = Type(18) + RdbLen(3) + RdbLen(2) + RdbString(Lp({"a", "b"})) +
                           RdbLen(1) + RdbString(plain) + RdbLen(2) + RdbString(Lp({"c"}));
  EXPECT_EQ(Restore(Payload(body)), "OK");
  EXPECT_EQ(Run({"LLEN", "k"}), "4");
  EXPECT_EQ(Run({"LINDEX", "k", "2"}), plain);
  // The node layout is kept: DUMP gives the same bytes back.
  EXPECT_EQ(ToHex(h_.Run({"DUMP", "k"}).str), ToHex(Payload(body)));
}

TEST_F(RdbLoaderTest, Quicklist2RefusesBadNodes) {
  // Unknown container.
  EXPECT_EQ(Restore(Payload(Type(18) + RdbLen(1) + RdbLen(3) + RdbString(Lp({"a"})))),
            kBadFormat);
  // An empty node blob.
  EXPECT_EQ(Restore(Payload(Type(18) + RdbLen(1) + RdbLen(2) + RdbString(""))), kBadFormat);
  // A corrupt listpack (total bytes field off by one).
  std::string lp = Lp({"a", "b"});
  lp[0] = static_cast<char>(lp[0] + 1);
  EXPECT_EQ(Restore(Payload(Type(18) + RdbLen(1) + RdbLen(2) + RdbString(lp))), kBadFormat);
  // Only empty nodes: an empty key.
  EXPECT_EQ(Restore(Payload(Type(18) + RdbLen(1) + RdbLen(2) + RdbString(Lp({})))), kBadFormat);
  // A node count the data cannot hold.
  EXPECT_EQ(Restore(Payload(Type(18) + RdbLen(1000000) + RdbLen(2) + RdbString(Lp({"a"})))),
            kBadFormat);
}

// ------------------------------------------------------------------ sets

TEST_F(RdbLoaderTest, PlainSetBecomesIntsetOrTable) {
  EXPECT_EQ(Restore(Payload(Type(2) + RdbLen(3) + RdbString("1") + RdbString("2") +
                            RdbString("3"))),
            "OK");
  EXPECT_EQ(Encoding(), "intset");
  EXPECT_EQ(Restore(Payload(Type(2) + RdbLen(2) + RdbString("1") + RdbString("x"))), "OK");
  EXPECT_EQ(Encoding(), "hashtable");
  EXPECT_EQ(Run({"SISMEMBER", "k", "x"}), "1");
  EXPECT_EQ(Restore(Payload(Type(2) + RdbLen(2) + RdbString("1") + RdbString("1"))), kBadFormat);
  EXPECT_EQ(Restore(Payload(Type(2) + RdbLen(0))), kBadFormat);
}

TEST_F(RdbLoaderTest, IntsetOverTheLimitBecomesATable) {
  Run({"CONFIG", "SET", "set-max-intset-entries", "2"});
  std::string is;
  PutLe(&is, 2, 4);
  PutLe(&is, 3, 4);
  for (int v : {1, 2, 3}) PutLe(&is, static_cast<uint64_t>(v), 2);
  EXPECT_EQ(Restore(Payload(Type(11) + RdbString(is))), "OK");
  EXPECT_EQ(Encoding(), "hashtable");
  EXPECT_EQ(Run({"SCARD", "k"}), "3");
}

TEST_F(RdbLoaderTest, CorruptIntsetsAreRefused) {
  std::string unsorted;
  PutLe(&unsorted, 2, 4);
  PutLe(&unsorted, 2, 4);
  PutLe(&unsorted, 5, 2);
  PutLe(&unsorted, 1, 2);
  EXPECT_EQ(Restore(Payload(Type(11) + RdbString(unsorted))), kBadFormat);
  std::string empty;
  PutLe(&empty, 2, 4);
  PutLe(&empty, 0, 4);
  EXPECT_EQ(Restore(Payload(Type(11) + RdbString(empty))), kBadFormat);
  std::string short_set;
  PutLe(&short_set, 2, 4);
  PutLe(&short_set, 3, 4);
  PutLe(&short_set, 1, 2);
  EXPECT_EQ(Restore(Payload(Type(11) + RdbString(short_set))), kBadFormat);
}

TEST_F(RdbLoaderTest, SetListpackType20FromRedis72) {
  EXPECT_EQ(Restore(Payload(Type(20) + RdbString(Lp({"1", "2", "3"})))), "OK");
  EXPECT_EQ(Encoding(), "intset");
  EXPECT_EQ(Restore(Payload(Type(20) + RdbString(Lp({"a", "b"})))), "OK");
  EXPECT_EQ(Encoding(), "hashtable");
  EXPECT_EQ(Run({"SCARD", "k"}), "2");
  EXPECT_EQ(Restore(Payload(Type(20) + RdbString(Lp({"a", "a"})))), kBadFormat);
  EXPECT_EQ(Restore(Payload(Type(20) + RdbString(Lp({})))), kBadFormat);
}

// ------------------------------------------------------------------ sorted sets

TEST_F(RdbLoaderTest, PlainZSetsWithTextAndBinaryScores) {
  std::string text = Type(3) + RdbLen(3) + RdbString("a") + "\x03" + "1.5" + RdbString("b") +
                     "\xfe" + RdbString("c") + "\xff";
  EXPECT_EQ(Restore(Payload(text)), "OK");
  EXPECT_EQ(Run({"ZRANGE", "k", "0", "-1", "WITHSCORES"}), "[c, -inf, a, 1.5, b, inf]");
  EXPECT_EQ(Encoding(), "listpack");
  std::string binary = Type(5) + RdbLen(2) + RdbString("x");
  double d = 2.25;
  binary.append(reinterpret_cast<const char*>(&d), 8);
  binary += RdbString("y");
  d = -1;
  binary.append(reinterpret_cast<const char*>(&d), 8);
  EXPECT_EQ(Restore(Payload(binary)), "OK");
  EXPECT_EQ(Run({"ZRANGE", "k", "0", "-1", "WITHSCORES"}), "[y, -1, x, 2.25]");
}

TEST_F(RdbLoaderTest, PlainZSetsRefuseNanAndDuplicates) {
  EXPECT_EQ(Restore(Payload(Type(3) + RdbLen(1) + RdbString("a") + "\xfd")), kBadFormat);
  EXPECT_EQ(Restore(Payload(Type(3) + RdbLen(2) + RdbString("a") + "\x01" + "1" + RdbString("a") +
                            "\x01" + "2")),
            kBadFormat);
  EXPECT_EQ(Restore(Payload(Type(3) + RdbLen(0))), kBadFormat);
}

TEST_F(RdbLoaderTest, PlainZSetOverTheLimitsIsASkiplist) {
  Run({"CONFIG", "SET", "zset-max-listpack-value", "3"});
  EXPECT_EQ(Restore(Payload(Type(3) + RdbLen(1) + RdbString("long") + "\x01" + "1")), "OK");
  EXPECT_EQ(Encoding(), "skiplist");
}

TEST_F(RdbLoaderTest, ZSetListpackOutOfOrderIsRebuiltInOrder) {
  EXPECT_EQ(Restore(Payload(Type(17) + RdbString(Lp({"b", "2", "a", "1"})))), "OK");
  EXPECT_EQ(Run({"ZRANGE", "k", "0", "-1", "WITHSCORES"}), "[a, 1, b, 2]");
  EXPECT_EQ(Run({"ZRANK", "k", "b"}), "1");
  EXPECT_EQ(Encoding(), "listpack");
}

TEST_F(RdbLoaderTest, ZSetListpacksRefuseBadContent) {
  EXPECT_EQ(Restore(Payload(Type(17) + RdbString(Lp({"a", "1", "a", "2"})))), kBadFormat);
  EXPECT_EQ(Restore(Payload(Type(17) + RdbString(Lp({"a", "1", "b"})))), kBadFormat);
  EXPECT_EQ(Restore(Payload(Type(17) + RdbString(Lp({"a", "nan"})))), kBadFormat);
  EXPECT_EQ(Restore(Payload(Type(17) + RdbString(Lp({})))), kBadFormat);
}

TEST_F(RdbLoaderTest, ZSetListpackOverTheEntryLimitIsASkiplist) {
  Run({"CONFIG", "SET", "zset-max-listpack-entries", "1"});
  EXPECT_EQ(Restore(Payload(Type(17) + RdbString(Lp({"a", "1", "b", "2"})))), "OK");
  EXPECT_EQ(Encoding(), "skiplist");
  EXPECT_EQ(Run({"ZSCORE", "k", "b"}), "2");
}

TEST_F(RdbLoaderTest, ZSetZiplistType12) {
  const std::string zl = Ziplist({std::string("a"), int64_t{1}, std::string("b"),
                                  std::string("2.5")});
  EXPECT_EQ(Restore(Payload(Type(12) + RdbString(zl))), "OK");
  EXPECT_EQ(Run({"ZRANGE", "k", "0", "-1", "WITHSCORES"}), "[a, 1, b, 2.5]");
  EXPECT_EQ(Encoding(), "listpack");
  const std::string dup = Ziplist({std::string("a"), int64_t{1}, std::string("a"), int64_t{2}});
  EXPECT_EQ(Restore(Payload(Type(12) + RdbString(dup))), kBadFormat);
  const std::string odd = Ziplist({std::string("a"), int64_t{1}, std::string("b")});
  EXPECT_EQ(Restore(Payload(Type(12) + RdbString(odd))), kBadFormat);
}

// ------------------------------------------------------------------ hashes

TEST_F(RdbLoaderTest, PlainHashType4) {
  EXPECT_EQ(Restore(Payload(Type(4) + RdbLen(2) + RdbString("f") + RdbString("v") +
                            RdbString("g") + "\xc0\x03")),
            "OK");
  EXPECT_EQ(Run({"HGET", "k", "g"}), "3");
  EXPECT_EQ(Encoding(), "listpack");
  EXPECT_EQ(Restore(Payload(Type(4) + RdbLen(2) + RdbString("f") + RdbString("v") +
                            RdbString("f") + RdbString("w"))),
            kBadFormat);
  EXPECT_EQ(Restore(Payload(Type(4) + RdbLen(1) + RdbString("f") + RdbString(std::string(65, 'v')))),
            "OK");
  EXPECT_EQ(Encoding(), "hashtable");
}

TEST_F(RdbLoaderTest, ZipmapHashType9) {
  EXPECT_EQ(Restore(Payload(Type(9) + RdbString(Zipmap({{"a", "1"}, {"b", "two"}})))), "OK");
  EXPECT_EQ(Run({"HGET", "k", "b"}), "two");
  EXPECT_EQ(Encoding(), "listpack");
  EXPECT_EQ(Restore(Payload(Type(9) + RdbString(Zipmap({{"a", "1"}, {"a", "2"}})))), kBadFormat);
  EXPECT_EQ(Restore(Payload(Type(9) + RdbString(Zipmap({})))), kBadFormat);  // empty
  EXPECT_EQ(Restore(Payload(Type(9) + RdbString(Zipmap({{"a", std::string(100, 'x')}})))), "OK");
  EXPECT_EQ(Encoding(), "hashtable");
}

TEST_F(RdbLoaderTest, HashZiplistType13) {
  EXPECT_EQ(Restore(Payload(Type(13) + RdbString(Ziplist({std::string("f"), int64_t{10}})))),
            "OK");
  EXPECT_EQ(Run({"HGETALL", "k"}), "[f, 10]");
  EXPECT_EQ(Restore(Payload(Type(13) + RdbString(Ziplist({std::string("f"), int64_t{1},
                                                          std::string("f"), int64_t{2}})))),
            kBadFormat);
}

TEST_F(RdbLoaderTest, HashListpackOverTheEntryLimitIsATable) {
  Run({"CONFIG", "SET", "hash-max-listpack-entries", "1"});
  EXPECT_EQ(Restore(Payload(Type(16) + RdbString(Lp({"a", "1", "b", "2"})))), "OK");
  EXPECT_EQ(Encoding(), "hashtable");
  EXPECT_EQ(Run({"HGET", "k", "b"}), "2");
}

TEST_F(RdbLoaderTest, HashListpacksRefuseDuplicatesAndOddCounts) {
  EXPECT_EQ(Restore(Payload(Type(16) + RdbString(Lp({"a", "1", "a", "2"})))), kBadFormat);
  EXPECT_EQ(Restore(Payload(Type(16) + RdbString(Lp({"a", "1", "b"})))), kBadFormat);
  EXPECT_EQ(Restore(Payload(Type(16) + RdbString(Lp({})))), kBadFormat);
}

// Redis 7.4 hashes with field expire times.
TEST_F(RdbLoaderTest, HashListpackExType25) {
  const int64_t t = h_.server().now_ms() + 100000;
  const std::string lp = Lp({"a", "1", std::to_string(t), "b", "2", "0"});
  EXPECT_EQ(Restore(Payload(Type(25) + Millis(t) + RdbString(lp), 12)), "OK");
  EXPECT_EQ(Encoding(), "listpackex");
  EXPECT_EQ(Run({"HPEXPIRETIME", "k", "FIELDS", "2", "a", "b"}),
            "[" + std::to_string(t) + ", -1]");
  // It dumps back as it came, version 12.
  EXPECT_EQ(ToHex(h_.Run({"DUMP", "k"}).str), ToHex(Payload(Type(25) + Millis(t) + RdbString(lp), 12)));
}

TEST_F(RdbLoaderTest, HashListpackExOutOfOrderIsRebuilt) {
  const int64_t t = h_.server().now_ms() + 100000;
  const std::string lp =
      Lp({"a", "1", "0", "b", "2", std::to_string(t + 5), "c", "3", std::to_string(t)});
  EXPECT_EQ(Restore(Payload(Type(23) + RdbString(lp), 12)), "OK");
  EXPECT_EQ(Run({"HPEXPIRETIME", "k", "FIELDS", "3", "a", "b", "c"}),
            "[-1, " + std::to_string(t + 5) + ", " + std::to_string(t) + "]");
  h_.AdvanceMillis(100001);
  EXPECT_EQ(Run({"HLEN", "k"}), "2");  // c expired: the order is right
  EXPECT_EQ(Run({"HEXISTS", "k", "c"}), "0");
}

TEST_F(RdbLoaderTest, HashListpackExRefusesBadTimes) {
  EXPECT_EQ(Restore(Payload(Type(23) + RdbString(Lp({"a", "1", "x"})), 12)), kBadFormat);
  EXPECT_EQ(Restore(Payload(Type(23) + RdbString(Lp({"a", "1", "-5"})), 12)), kBadFormat);
  EXPECT_EQ(Restore(Payload(Type(23) + RdbString(Lp({"a", "1", "281474976710656"})), 12)),
            kBadFormat);
  EXPECT_EQ(Restore(Payload(Type(23) + RdbString(Lp({"a", "1", "0", "a", "2", "0"})), 12)),
            kBadFormat);
}

TEST_F(RdbLoaderTest, HashMetadataType24WithRelativeTimes) {
  const int64_t min = h_.server().now_ms() + 5000;
  const std::string body = Type(24) + Millis(min) + RdbLen(3) + RdbLen(1) + RdbString("a") +
                           RdbString("1") + RdbLen(0) + RdbString("b") + RdbString("2") +
                           RdbLen(11) + RdbString("c") + RdbString("3");
  EXPECT_EQ(Restore(Payload(body, 12)), "OK");
  EXPECT_EQ(Run({"HPEXPIRETIME", "k", "FIELDS", "3", "a", "b", "c"}),
            "[" + std::to_string(min) + ", -1, " + std::to_string(min + 10) + "]");
  EXPECT_EQ(Encoding(), "listpackex");
}

TEST_F(RdbLoaderTest, HashMetadataType22WithAbsoluteTimesAndALargeHash) {
  Run({"CONFIG", "SET", "hash-max-listpack-entries", "2"});
  const int64_t t = h_.server().now_ms() + 5000;
  std::string body = Type(22) + RdbLen(3);
  for (const char* f : {"a", "b", "c"}) body += RdbLen(static_cast<uint64_t>(t)) + RdbString(f) + RdbString("v");
  EXPECT_EQ(Restore(Payload(body, 12)), "OK");
  EXPECT_EQ(Encoding(), "hashtable");
  EXPECT_EQ(Run({"HPEXPIRETIME", "k", "FIELDS", "1", "b"}), "[" + std::to_string(t) + "]");
  h_.AdvanceMillis(5001);
  EXPECT_EQ(Run({"HEXISTS", "k", "b"}), "0");
}

TEST_F(RdbLoaderTest, HashMetadataRefusesATimeOutOfRange) {
  const std::string body = Type(22) + RdbLen(1) + "\x81" + std::string("\x00\x01\x00\x00\x00\x00\x00\x00", 8) +
                           RdbString("a") + RdbString("1");
  EXPECT_EQ(Restore(Payload(body, 12)), kBadFormat);
}

// ------------------------------------------------------------------ refused types

TEST_F(RdbLoaderTest, ModulesAndUnknownTypesAreRefusedWithTheirName) {
  for (int type : {6, 7, 8, 26, 100}) {
    std::string body = Type(type) + RdbLen(0);
    EXPECT_EQ(Restore(Payload(body)), kBadFormat) << type;
    persistence::RdbReader r(body);
    uint8_t t;
    ASSERT_TRUE(r.Byte(&t));
    persistence::LoadedValue v;
    const bool module = type == 6 || type == 7;
    EXPECT_EQ(persistence::LoadValue(r, t, h_.server().engine_config(), 1, &v),
              module ? persistence::LoadResult::kUnsupported : persistence::LoadResult::kError);
    EXPECT_NE(r.error().find(module ? "module" : "unknown value type"), std::string::npos);
  }
}

// ------------------------------------------------------------------ trailers

TEST_F(RdbLoaderTest, TrailerChecks) {
  const std::string good = Payload(Type(0) + RdbString("v"));
  EXPECT_EQ(Restore(good), "OK");
  std::string bad_crc = good;
  bad_crc.back() = static_cast<char>(bad_crc.back() ^ 1);
  EXPECT_EQ(Restore(bad_crc), kBadTrailer);
  EXPECT_EQ(Restore(Payload(Type(0) + RdbString("v"), 13)), kBadTrailer);
  EXPECT_EQ(Restore(Payload(Type(0) + RdbString("v"), 12)), "OK");
  EXPECT_EQ(Restore("short"), kBadTrailer);
  EXPECT_EQ(Restore(""), kBadTrailer);
  // The trailer alone: a payload with no value.
  EXPECT_EQ(Restore(Payload("")), kBadFormat);
}

TEST_F(RdbLoaderTest, SkippingTheChecksumStillChecksTheVersion) {
  CommandHarness h("enable-debug-command yes");
  EXPECT_EQ(h.Run({"DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1"}).ToString(), "OK");
  std::string payload = Payload(Type(0) + RdbString("v"));
  payload.back() = static_cast<char>(payload.back() ^ 1);
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", payload}).ToString(), "OK");
  EXPECT_EQ(h.Run({"RESTORE", "j", "0", Payload(Type(0) + RdbString("v"), 99)}).ToString(),
            kBadTrailer);
}

// ------------------------------------------------------------------ corruption

// Every prefix of valid payloads, with the trailer recomputed so that the
// value itself is cut short: all refused, none crash.
TEST_F(RdbLoaderTest, EveryTruncationIsRefused) {
  CommandHarness h("enable-debug-command yes");
  h.Run({"RPUSH", "l", "a", "b", "c"});
  h.Run({"SADD", "s", "1", "2", "x"});
  h.Run({"ZADD", "z", "1", "a", "2", "b"});
  h.Run({"HSET", "h", "f", "v", "g", "w"});
  h.Run({"SET", "str", std::string(200, 'q')});
  for (const char* key : {"l", "s", "z", "h", "str"}) {
    const std::string dump = h.Run({"DUMP", key}).str;
    const std::string body = dump.substr(0, dump.size() - 10);
    for (size_t n = 0; n < body.size(); ++n) {
      const Reply r = h.Run({"RESTORE", "t", "0", Payload(body.substr(0, n)), "REPLACE"});
      EXPECT_EQ(r.ToString(), kBadFormat) << key << " cut at " << n;
    }
  }
}

// Random byte changes with the checksum check off, so the loader sees them:
// whatever it accepts must be a working value.
TEST_F(RdbLoaderTest, RandomCorruptionNeverCrashes) {
  CommandHarness h("enable-debug-command yes");
  h.Run({"DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1"});
  h.Run({"CONFIG", "SET", "list-max-listpack-size", "4"});
  std::vector<std::string> rpush = {"RPUSH", "l"};
  for (int i = 0; i < 20; ++i) rpush.push_back("e" + std::to_string(i));
  std::vector<std::string_view> views(rpush.begin(), rpush.end());
  h.Run(views);
  h.Run({"SADD", "s", "1", "2", "300000"});
  h.Run({"SADD", "t", "a", "b"});
  h.Run({"ZADD", "z", "1", "a", "2.5", "b"});
  h.Run({"HSET", "h", "f", "v", "g", "123"});
  h.Run({"HSET", "x", "f", "v"});
  h.Run({"HPEXPIRE", "x", "100000", "FIELDS", "1", "f"});
  std::mt19937 rng(12345);
  int accepted = 0;
  int refused = 0;
  for (const char* key : {"l", "s", "t", "z", "h", "x"}) {
    const std::string dump = h.Run({"DUMP", key}).str;
    for (int round = 0; round < 300; ++round) {
      std::string bad = dump;
      const int flips = 1 + static_cast<int>(rng() % 3);
      for (int f = 0; f < flips; ++f) {
        bad[rng() % (bad.size() - 10)] = static_cast<char>(rng());
      }
      const Reply r = h.Run({"RESTORE", "t2", "0", bad, "REPLACE"});
      if (r.is_error()) {
        EXPECT_EQ(r.str, kBadFormat);
        ++refused;
        continue;
      }
      ++accepted;
      // Accepted: the value must be readable every way.
      h.Run({"TYPE", "t2"});
      h.Run({"DUMP", "t2"});
      h.Run({"DEBUG", "DIGEST-VALUE", "t2"});
      h.Run({"LRANGE", "t2", "0", "-1"});
      h.Run({"SMEMBERS", "t2"});
      h.Run({"ZRANGE", "t2", "0", "-1", "WITHSCORES"});
      h.Run({"HGETALL", "t2"});
    }
  }
  EXPECT_EQ(h.Run({"PING"}).ToString(), "PONG");
  // Both outcomes occur, so the loop tested something.
  EXPECT_GT(accepted, 50);
  EXPECT_GT(refused, 50);
}

}  // namespace
}  // namespace osprey::testing
