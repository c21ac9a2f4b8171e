// The string commands through the real dispatcher (CommandHarness), one
// sentence-named case per behaviour, grouped by command. Expected replies,
// errors, encodings and events are what Redis 7.0.15 gives for the same
// commands; TTLs are driven by the harness's fake clock.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "handlers/keyspace_events.h"
#include "keyspace/db.h"
#include "keyspace/keyspace.h"
#include "server/server.h"
#include "server/stats.h"
#include "testing/command_harness.h"
#include "types/object.h"

namespace osprey::testing {
namespace {

using Events = std::vector<std::string>;

constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr std::string_view kSyntax = "ERR syntax error";
constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
constexpr std::string_view kNotFloat = "ERR value is not a valid float";
constexpr std::string_view kTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
constexpr int64_t kNowMs = 1'700'000'000'000;  // the harness clock's start

// A stand-in for a list, so WRONGTYPE paths run without the list commands.
class FakeList final : public types::Object {
 public:
  types::ValueType type() const override { return types::ValueType::kList; }
  std::string_view EncodingName() const override { return "quicklist"; }
  std::unique_ptr<types::Object> Clone() const override { return std::make_unique<FakeList>(); }
  size_t MemoryUsage() const override { return 16; }
};

void MakeList(CommandHarness& h, std::string_view key) {
  h.server().keyspace().db(0).Add(key, keyspace::ValueSpec::Obj(new FakeList));
}

bool IsList(CommandHarness& h, std::string_view key) {
  return h.Run({"type", key}).ToString() == "list";
}

std::string Encoding(CommandHarness& h, std::string_view key) {
  return h.Run({"object", "encoding", key}).ToString();
}

std::string Get(CommandHarness& h, std::string_view key) { return h.Run({"get", key}).ToString(); }

int64_t Pttl(CommandHarness& h, std::string_view key) { return h.Run({"pttl", key}).integer; }

uint64_t Dirty(CommandHarness& h) { return h.server().stats().dirty; }

// ------------------------------------------------------------------ GET

TEST(GetCommandTest, MissingKeyIsNil) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"get", "nope"}), "$-1\r\n");
}

TEST(GetCommandTest, ReturnsTheValueAsABulkString) {
  CommandHarness h;
  h.Run({"set", "k", "hello"});
  EXPECT_EQ(h.RunRaw({"get", "k"}), "$5\r\nhello\r\n");
}

TEST(GetCommandTest, ReturnsAnIntegerValueAsItsDigits) {
  CommandHarness h;
  h.Run({"set", "k", "-42"});
  EXPECT_EQ(h.RunRaw({"get", "k"}), "$3\r\n-42\r\n");
}

TEST(GetCommandTest, IsBinarySafe) {
  CommandHarness h;
  const std::string key("a\0b\r\n", 5);
  const std::string value("\0\1\2\r\n$3", 7);
  h.Run({"set", key, value});
  EXPECT_EQ(Get(h, key), value);
}

TEST(GetCommandTest, MissingKeyIsRespThreeNull) {
  CommandHarness h;
  h.Run({"hello", "3"});
  EXPECT_EQ(h.RunRaw({"get", "nope"}), "_\r\n");
}

TEST(GetCommandTest, KeyOfAnotherTypeIsWrongType) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"get", "l"}).ToString(), kWrongType);
}

TEST(GetCommandTest, CountsKeyspaceHitsAndMisses) {
  CommandHarness h;
  h.Run({"set", "k", "v"});
  auto& stats = h.server().keyspace().stats();
  const uint64_t hits = stats.keyspace_hits, misses = stats.keyspace_misses;
  h.Run({"get", "k"});
  h.Run({"get", "nope"});
  EXPECT_EQ(stats.keyspace_hits, hits + 1);
  EXPECT_EQ(stats.keyspace_misses, misses + 1);
}

TEST(GetCommandTest, ExpiredKeyIsNilAndReportsExpired) {
  CommandHarness h;
  h.Run({"set", "k", "v", "px", "100"});
  KeyspaceEvents ev(h);
  h.AdvanceMillis(101);
  EXPECT_TRUE(h.Run({"get", "k"}).is_null());
  EXPECT_EQ(ev.Take(), (Events{"expired k@0"}));
  EXPECT_EQ(h.Run({"dbsize"}).integer, 0);
}

// ------------------------------------------------------------------ SET

TEST(SetCommandTest, StoresTheValueAndRepliesOk) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"set", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(Get(h, "k"), "v");
}

TEST(SetCommandTest, StoresEmptyValuesAndEmptyKeys) {
  CommandHarness h;
  h.Run({"set", "", "v"});
  h.Run({"set", "k", ""});
  EXPECT_EQ(Get(h, ""), "v");
  EXPECT_EQ(h.RunRaw({"get", "k"}), "$0\r\n\r\n");
}

TEST(SetCommandTest, StoresLargeValues) {
  CommandHarness h;
  const std::string big(100000, 'x');
  h.Run({"set", "k", big});
  EXPECT_EQ(Get(h, "k"), big);
  EXPECT_EQ(h.Run({"strlen", "k"}).integer, 100000);
}

TEST(SetCommandTest, OverwritingClearsTheTtl) {
  CommandHarness h;
  h.Run({"set", "k", "v1", "ex", "100"});
  h.Run({"set", "k", "v2"});
  EXPECT_EQ(Get(h, "k"), "v2");
  EXPECT_EQ(Pttl(h, "k"), -1);
}

TEST(SetCommandTest, ReplacesAKeyOfAnotherType) {
  CommandHarness h;
  MakeList(h, "k");
  EXPECT_EQ(h.Run({"set", "k", "v"}).ToString(), "OK");
  EXPECT_EQ(Get(h, "k"), "v");
}

TEST(SetCommandTest, PicksTheEncodingRedisPicks) {
  CommandHarness h;
  const std::string s44(44, 'a'), s45(45, 'a'), s200(200, 'a');
  // clang-format off
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"123", "int"},       {"-5", "int"},          {"0", "int"},
      {"9223372036854775807", "int"},               {"9223372036854775808", "embstr"},
      {"0123", "embstr"},   {"+1", "embstr"},       {" 1", "embstr"},
      {"1.5", "embstr"},    {"abc", "embstr"},      {"", "embstr"},
      {s44, "embstr"},      {s45, "raw"},           {s200, "raw"}};
  // clang-format on
  for (const auto& [value, encoding] : cases) {
    h.Run({"set", "k", value});
    EXPECT_EQ(Encoding(h, "k"), encoding) << value;
    EXPECT_EQ(Get(h, "k"), value);
  }
}

TEST(SetCommandTest, ExSetsATtlInSeconds) {
  CommandHarness h;
  h.Run({"set", "k", "v", "ex", "100"});
  EXPECT_EQ(Pttl(h, "k"), 100000);
}

TEST(SetCommandTest, PxSetsATtlInMilliseconds) {
  CommandHarness h;
  h.Run({"set", "k", "v", "px", "1500"});
  EXPECT_EQ(Pttl(h, "k"), 1500);
}

TEST(SetCommandTest, ExatAndPxatSetAnAbsoluteExpireTime) {
  CommandHarness h;
  h.Run({"set", "a", "v", "exat", "1700000100"});
  h.Run({"set", "b", "v", "pxat", "1700000100123"});
  EXPECT_EQ(h.Run({"pexpiretime", "a"}).integer, 1700000100000);
  EXPECT_EQ(h.Run({"pexpiretime", "b"}).integer, 1700000100123);
}

TEST(SetCommandTest, KeyLivesUntilItsTtlHasPassed) {
  CommandHarness h;
  h.Run({"set", "k", "v", "px", "1000"});
  h.AdvanceMillis(999);
  EXPECT_EQ(Get(h, "k"), "v");
  h.AdvanceMillis(2);
  EXPECT_TRUE(h.Run({"get", "k"}).is_null());
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
}

TEST(SetCommandTest, ExpireTimeInThePastStoresTheKeyUntilItsNextLookup) {
  CommandHarness h;
  KeyspaceEvents ev(h);
  EXPECT_EQ(h.Run({"set", "k", "v", "exat", "1"}).ToString(), "OK");
  EXPECT_EQ(ev.Take(), (Events{"set k@0", "expire k@0"}));
  EXPECT_EQ(h.Run({"dbsize"}).integer, 1);
  EXPECT_TRUE(h.Run({"get", "k"}).is_null());
  EXPECT_EQ(ev.Take(), (Events{"expired k@0"}));
}

TEST(SetCommandTest, PxatAcceptsTheLargestTimestamp) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"set", "k", "v", "pxat", "9223372036854775807"}).ToString(), "OK");
  EXPECT_EQ(h.Run({"pexpiretime", "k"}).integer, INT64_MAX);
  EXPECT_EQ(Get(h, "k"), "v");
}

TEST(SetCommandTest, ExatAcceptsTheLargestTimestampThatScalesToMilliseconds) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"set", "k", "v", "exat", "9223372036854775"}).ToString(), "OK");
  EXPECT_EQ(h.Run({"pexpiretime", "k"}).integer, 9223372036854775000);
}

TEST(SetCommandTest, NonPositiveExpireIsAnInvalidExpireTime) {
  CommandHarness h;
  for (const char* opt : {"ex", "px", "exat", "pxat"}) {
    for (const char* v : {"0", "-1"}) {
      EXPECT_EQ(h.Run({"set", "k", "v", opt, v}).ToString(),
                "ERR invalid expire time in 'set' command")
          << opt << " " << v;
    }
  }
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
}

TEST(SetCommandTest, ExpireThatOverflowsIsAnInvalidExpireTime) {
  CommandHarness h;
  for (std::vector<std::string_view> opts :
       {std::vector<std::string_view>{"ex", "9223372036854776"},
        {"exat", "9223372036854776"},
        {"px", "9223372036854775807"},
        {"ex", "9223372036854775"}}) {
    std::vector<std::string_view> args = {"set", "k", "v"};
    args.insert(args.end(), opts.begin(), opts.end());
    EXPECT_EQ(h.Run(args).ToString(), "ERR invalid expire time in 'set' command") << opts[1];
  }
}

TEST(SetCommandTest, LargestRelativeExpireThatFitsIsAccepted) {
  CommandHarness h;
  const std::string px = std::to_string(INT64_MAX - kNowMs);
  EXPECT_EQ(h.Run({"set", "k", "v", "px", px}).ToString(), "OK");
  EXPECT_EQ(h.Run({"pexpiretime", "k"}).integer, INT64_MAX);
  const std::string too_far = std::to_string(INT64_MAX - kNowMs + 1);
  EXPECT_EQ(h.Run({"set", "k", "v", "px", too_far}).ToString(),
            "ERR invalid expire time in 'set' command");
}

TEST(SetCommandTest, NonIntegerExpireIsNotAnInteger) {
  CommandHarness h;
  for (const char* v : {"abc", "1.5", "", " 1", "99999999999999999999"}) {
    EXPECT_EQ(h.Run({"set", "k", "v", "ex", v}).ToString(), kNotInteger) << v;
  }
}

TEST(SetCommandTest, NxSetsOnlyAMissingKey) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"set", "k", "v1", "nx"}).ToString(), "OK");
  EXPECT_EQ(h.RunRaw({"set", "k", "v2", "nx"}), "$-1\r\n");
  EXPECT_EQ(Get(h, "k"), "v1");
}

TEST(SetCommandTest, NxTreatsAKeyOfAnotherTypeAsExisting) {
  CommandHarness h;
  MakeList(h, "k");
  EXPECT_TRUE(h.Run({"set", "k", "v", "nx"}).is_null());
  EXPECT_TRUE(IsList(h, "k"));
}

TEST(SetCommandTest, NxTreatsAnExpiredKeyAsMissing) {
  CommandHarness h;
  h.Run({"set", "k", "old", "px", "10"});
  h.AdvanceMillis(11);
  EXPECT_EQ(h.Run({"set", "k", "new", "nx"}).ToString(), "OK");
  EXPECT_EQ(Get(h, "k"), "new");
  EXPECT_EQ(Pttl(h, "k"), -1);
}

TEST(SetCommandTest, NxOnAnExistingKeyKeepsItsTtl) {
  CommandHarness h;
  h.Run({"set", "k", "v1", "ex", "100"});
  EXPECT_TRUE(h.Run({"set", "k", "v2", "nx", "ex", "5"}).is_null());
  EXPECT_EQ(Pttl(h, "k"), 100000);
}

TEST(SetCommandTest, XxSetsOnlyAnExistingKey) {
  CommandHarness h;
  EXPECT_TRUE(h.Run({"set", "k", "v1", "xx"}).is_null());
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
  h.Run({"set", "k", "v1"});
  EXPECT_EQ(h.Run({"set", "k", "v2", "xx", "ex", "50"}).ToString(), "OK");
  EXPECT_EQ(Get(h, "k"), "v2");
  EXPECT_EQ(Pttl(h, "k"), 50000);
}

TEST(SetCommandTest, KeepTtlKeepsTheExistingExpire) {
  CommandHarness h;
  h.Run({"set", "k", "v1", "px", "5000"});
  h.Run({"set", "k", "v2", "keepttl"});
  EXPECT_EQ(Get(h, "k"), "v2");
  EXPECT_EQ(Pttl(h, "k"), 5000);
  h.Run({"set", "new", "v", "keepttl"});
  EXPECT_EQ(Pttl(h, "new"), -1);
}

TEST(SetCommandTest, NewExpireReplacesTheOldOne) {
  CommandHarness h;
  h.Run({"set", "k", "v1", "px", "5000"});
  h.Run({"set", "k", "v2", "px", "7000"});
  EXPECT_EQ(Pttl(h, "k"), 7000);
}

TEST(SetCommandTest, GetRepliesWithThePreviousValue) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"set", "k", "v1", "get"}), "$-1\r\n");
  EXPECT_EQ(h.RunRaw({"set", "k", "v2", "get"}), "$2\r\nv1\r\n");
  h.Run({"set", "n", "12"});
  EXPECT_EQ(h.RunRaw({"set", "n", "x", "get"}), "$2\r\n12\r\n");
  EXPECT_EQ(Get(h, "k"), "v2");
}

TEST(SetCommandTest, GetOnAKeyOfAnotherTypeIsWrongTypeAndWritesNothing) {
  CommandHarness h;
  MakeList(h, "l");
  for (const char* cond : {"nx", "xx", "get"}) {
    EXPECT_EQ(h.Run({"set", "l", "v", cond, "get"}).ToString(), kWrongType);
  }
  EXPECT_TRUE(IsList(h, "l"));
}

TEST(SetCommandTest, GetWithNxRepliesWithTheOldValueWithoutWriting) {
  CommandHarness h;
  h.Run({"set", "k", "old"});
  EXPECT_EQ(h.Run({"set", "k", "new", "nx", "get"}).ToString(), "old");
  EXPECT_EQ(Get(h, "k"), "old");
  EXPECT_TRUE(h.Run({"set", "fresh", "new", "nx", "get"}).is_null());
  EXPECT_EQ(Get(h, "fresh"), "new");
}

TEST(SetCommandTest, GetWithXxOnAMissingKeyRepliesNilWithoutCreating) {
  CommandHarness h;
  EXPECT_TRUE(h.Run({"set", "k", "v", "xx", "get"}).is_null());
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
}

TEST(SetCommandTest, GetCountsAsAReadLookup) {
  CommandHarness h;
  auto& stats = h.server().keyspace().stats();
  const uint64_t misses = stats.keyspace_misses;
  h.Run({"set", "k", "v", "get"});
  EXPECT_EQ(stats.keyspace_misses, misses + 1);
}

TEST(SetCommandTest, OptionsAreCaseInsensitive) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"set", "k", "v", "nX", "eX", "100"}).ToString(), "OK");
  EXPECT_EQ(h.Run({"set", "k", "v2", "Xx", "gEt", "kEePtTl"}).ToString(), "v");
  EXPECT_EQ(Pttl(h, "k"), 100000);
}

TEST(SetCommandTest, OptionNamesEndAtANulByteAsInRedis) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"set", "k", "v", std::string_view("NX\0junk", 7)}).ToString(), "OK");
  EXPECT_EQ(h.Run({"set", "k", "v", std::string_view("EX\0", 3), "10"}).ToString(), "OK");
  EXPECT_EQ(Pttl(h, "k"), 10000);
}

TEST(SetCommandTest, RepeatingAnExpireOptionUsesTheLastValue) {
  CommandHarness h;
  h.Run({"set", "k", "v", "ex", "10", "ex", "200"});
  EXPECT_EQ(Pttl(h, "k"), 200000);
  h.Run({"set", "k", "v", "px", "10", "px", "300"});
  EXPECT_EQ(Pttl(h, "k"), 300);
}

TEST(SetCommandTest, RepeatingAFlagOptionIsAccepted) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"set", "k", "v", "nx", "nx"}).ToString(), "OK");
  EXPECT_EQ(h.Run({"set", "k", "v2", "xx", "xx"}).ToString(), "OK");
  EXPECT_EQ(h.Run({"set", "k", "v3", "get", "get"}).ToString(), "v2");
  EXPECT_EQ(h.Run({"set", "k", "v4", "keepttl", "keepttl"}).ToString(), "OK");
}

TEST(SetCommandTest, ConflictingOrUnknownOptionsAreSyntaxErrors) {
  CommandHarness h;
  h.Run({"set", "k", "before"});
  // clang-format off
  const std::vector<std::vector<std::string_view>> cases = {
      {"ex"},         {"px"},          {"exat"},        {"pxat"},
      {"ex", "10", "px", "10"},        {"px", "10", "ex", "10"},
      {"ex", "10", "exat", "10"},      {"exat", "10", "pxat", "10"},
      {"px", "10", "pxat", "10"},      {"nx", "xx"},    {"xx", "nx"},
      {"keepttl", "ex", "10"},         {"ex", "10", "keepttl"},
      {"persist"},    {"foo"},         {"10"},          {"exx", "10"},
      {"gett"},       {""}};
  // clang-format on
  for (const auto& opts : cases) {
    std::vector<std::string_view> args = {"set", "k", "v"};
    args.insert(args.end(), opts.begin(), opts.end());
    EXPECT_EQ(h.Run(args).ToString(), kSyntax) << opts[0];
  }
  EXPECT_EQ(Get(h, "k"), "before");
  EXPECT_EQ(Pttl(h, "k"), -1);
}

TEST(SetCommandTest, SyntaxErrorIsReportedBeforeAnInvalidExpire) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"set", "k", "v", "ex", "0", "foo"}).ToString(), kSyntax);
}

TEST(SetCommandTest, InvalidExpireIsReportedBeforeWrongType) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"set", "l", "v", "get", "ex", "0"}).ToString(),
            "ERR invalid expire time in 'set' command");
  EXPECT_EQ(h.Run({"set", "l", "v", "get", "ex", "x"}).ToString(), kNotInteger);
}

TEST(SetCommandTest, ReportsNewSetAndExpireEvents) {
  CommandHarness h;
  KeyspaceEvents ev(h, "KAn");
  h.Run({"set", "k", "v", "ex", "10"});
  EXPECT_EQ(ev.Take(), (Events{"new k@0", "set k@0", "expire k@0"}));
  h.Run({"set", "k", "v2"});
  EXPECT_EQ(ev.Take(), (Events{"set k@0"}));
}

TEST(SetCommandTest, WritingNothingReportsNothing) {
  CommandHarness h;
  h.Run({"set", "k", "v"});
  KeyspaceEvents ev(h);
  const uint64_t dirty = Dirty(h);
  h.Run({"set", "k", "v2", "nx"});
  h.Run({"set", "other", "v2", "xx"});
  EXPECT_EQ(ev.Take(), Events{});
  EXPECT_EQ(Dirty(h), dirty);
}

TEST(SetCommandTest, CountsOneChange) {
  CommandHarness h;
  const uint64_t dirty = Dirty(h);
  h.Run({"set", "k", "v", "ex", "10", "get"});
  EXPECT_EQ(Dirty(h), dirty + 1);
}

TEST(SetCommandTest, InvalidatesAWatchOnTheKey) {
  CommandHarness h;
  const size_t other = h.NewClient();
  h.RunOn(other, {"watch", "k"});
  h.Run({"set", "k", "v"});
  h.RunOn(other, {"multi"});
  h.RunOn(other, {"get", "k"});
  EXPECT_TRUE(h.RunOn(other, {"exec"}).is_null());
}

// ---------------------------------------------------------------- SETNX

TEST(SetNxCommandTest, SetsAMissingKeyAndRepliesOne) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"setnx", "k", "v"}), ":1\r\n");
  EXPECT_EQ(Get(h, "k"), "v");
}

TEST(SetNxCommandTest, LeavesAnExistingKeyAndRepliesZero) {
  CommandHarness h;
  h.Run({"set", "k", "v", "ex", "100"});
  EXPECT_EQ(h.RunRaw({"setnx", "k", "w"}), ":0\r\n");
  EXPECT_EQ(Get(h, "k"), "v");
  EXPECT_EQ(Pttl(h, "k"), 100000);
}

TEST(SetNxCommandTest, CountsAKeyOfAnotherTypeAsExisting) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"setnx", "l", "v"}).integer, 0);
  EXPECT_TRUE(IsList(h, "l"));
}

TEST(SetNxCommandTest, StoresIntegersWithTheIntEncoding) {
  CommandHarness h;
  h.Run({"setnx", "k", "77"});
  EXPECT_EQ(Encoding(h, "k"), "int");
}

// ---------------------------------------------------------- SETEX PSETEX

TEST(SetExCommandTest, SetsTheValueAndATtlInSeconds) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"setex", "k", "10", "v"}), "+OK\r\n");
  EXPECT_EQ(Get(h, "k"), "v");
  EXPECT_EQ(Pttl(h, "k"), 10000);
}

TEST(SetExCommandTest, OverwritesAKeyOfAnotherType) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"setex", "l", "10", "v"}).ToString(), "OK");
  EXPECT_EQ(Get(h, "l"), "v");
}

TEST(SetExCommandTest, NonPositiveSecondsAreAnInvalidExpireTimeNamingSetex) {
  CommandHarness h;
  for (const char* s : {"0", "-10", "9223372036854775807"}) {
    EXPECT_EQ(h.Run({"setex", "k", s, "v"}).ToString(),
              "ERR invalid expire time in 'setex' command");
  }
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
}

TEST(SetExCommandTest, NonIntegerSecondsAreNotAnInteger) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"setex", "k", "1.5", "v"}).ToString(), kNotInteger);
}

TEST(SetExCommandTest, ReportsSetAndExpireEvents) {
  CommandHarness h;
  KeyspaceEvents ev(h);
  h.Run({"setex", "k", "10", "v"});
  EXPECT_EQ(ev.Take(), (Events{"set k@0", "expire k@0"}));
}

TEST(PSetExCommandTest, SetsTheValueAndATtlInMilliseconds) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"psetex", "k", "1500", "v"}).ToString(), "OK");
  EXPECT_EQ(Pttl(h, "k"), 1500);
  h.AdvanceMillis(1501);
  EXPECT_TRUE(h.Run({"get", "k"}).is_null());
}

TEST(PSetExCommandTest, NonPositiveMillisecondsAreAnInvalidExpireTimeNamingPsetex) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"psetex", "k", "0", "v"}).ToString(),
            "ERR invalid expire time in 'psetex' command");
}

// --------------------------------------------------------------- GETSET

TEST(GetSetCommandTest, RepliesWithTheOldValueAndStoresTheNewOne) {
  CommandHarness h;
  EXPECT_TRUE(h.Run({"getset", "k", "v1"}).is_null());
  EXPECT_EQ(h.Run({"getset", "k", "v2"}).ToString(), "v1");
  EXPECT_EQ(Get(h, "k"), "v2");
}

TEST(GetSetCommandTest, ClearsTheTtl) {
  CommandHarness h;
  h.Run({"set", "k", "v", "ex", "100"});
  h.Run({"getset", "k", "w"});
  EXPECT_EQ(Pttl(h, "k"), -1);
}

TEST(GetSetCommandTest, KeyOfAnotherTypeIsWrongTypeAndKeepsTheKey) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"getset", "l", "v"}).ToString(), kWrongType);
  EXPECT_TRUE(IsList(h, "l"));
}

TEST(GetSetCommandTest, StoresIntegersWithTheIntEncodingAndReportsSet) {
  CommandHarness h;
  KeyspaceEvents ev(h);
  h.Run({"getset", "k", "10"});
  EXPECT_EQ(Encoding(h, "k"), "int");
  EXPECT_EQ(ev.Take(), (Events{"set k@0"}));
}

// --------------------------------------------------------------- GETDEL

TEST(GetDelCommandTest, RepliesWithTheValueAndDeletesTheKey) {
  CommandHarness h;
  h.Run({"set", "k", "v", "ex", "100"});
  EXPECT_EQ(h.Run({"getdel", "k"}).ToString(), "v");
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
  EXPECT_TRUE(h.Run({"getdel", "k"}).is_null());
}

TEST(GetDelCommandTest, RepliesWithTheDigitsOfAnInteger) {
  CommandHarness h;
  h.Run({"set", "k", "123"});
  EXPECT_EQ(h.RunRaw({"getdel", "k"}), "$3\r\n123\r\n");
}

TEST(GetDelCommandTest, KeyOfAnotherTypeIsWrongTypeAndKeepsTheKey) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"getdel", "l"}).ToString(), kWrongType);
  EXPECT_TRUE(IsList(h, "l"));
}

TEST(GetDelCommandTest, ReportsDelAndCountsOneChange) {
  CommandHarness h;
  h.Run({"set", "k", "v"});
  KeyspaceEvents ev(h);
  const uint64_t dirty = Dirty(h);
  h.Run({"getdel", "k"});
  h.Run({"getdel", "k"});
  EXPECT_EQ(ev.Take(), (Events{"del k@0"}));
  EXPECT_EQ(Dirty(h), dirty + 1);
}

// ---------------------------------------------------------------- GETEX

TEST(GetExCommandTest, WithoutOptionsActsLikeGetAndKeepsTheTtl) {
  CommandHarness h;
  h.Run({"set", "k", "v", "px", "5000"});
  KeyspaceEvents ev(h);
  const uint64_t dirty = Dirty(h);
  EXPECT_EQ(h.Run({"getex", "k"}).ToString(), "v");
  EXPECT_EQ(Pttl(h, "k"), 5000);
  EXPECT_EQ(ev.Take(), Events{});
  EXPECT_EQ(Dirty(h), dirty);
}

TEST(GetExCommandTest, MissingKeyIsNil) {
  CommandHarness h;
  EXPECT_TRUE(h.Run({"getex", "k", "ex", "10"}).is_null());
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
}

TEST(GetExCommandTest, ExAndPxSetARelativeTtl) {
  CommandHarness h;
  h.Run({"set", "k", "v"});
  EXPECT_EQ(h.Run({"getex", "k", "ex", "100"}).ToString(), "v");
  EXPECT_EQ(Pttl(h, "k"), 100000);
  h.Run({"getex", "k", "px", "250"});
  EXPECT_EQ(Pttl(h, "k"), 250);
}

TEST(GetExCommandTest, ExatAndPxatSetAnAbsoluteExpireTime) {
  CommandHarness h;
  h.Run({"set", "k", "v"});
  h.Run({"getex", "k", "exat", "1700000500"});
  EXPECT_EQ(h.Run({"pexpiretime", "k"}).integer, 1700000500000);
  h.Run({"getex", "k", "pxat", "1700000500123"});
  EXPECT_EQ(h.Run({"pexpiretime", "k"}).integer, 1700000500123);
}

TEST(GetExCommandTest, PersistRemovesTheTtlAndReportsPersist) {
  CommandHarness h;
  h.Run({"set", "k", "v", "ex", "100"});
  KeyspaceEvents ev(h);
  EXPECT_EQ(h.Run({"getex", "k", "persist"}).ToString(), "v");
  EXPECT_EQ(Pttl(h, "k"), -1);
  EXPECT_EQ(ev.Take(), (Events{"persist k@0"}));
  h.Run({"getex", "k", "persist"});
  EXPECT_EQ(ev.Take(), Events{});
}

TEST(GetExCommandTest, ExpireReportsExpireAndCountsAChange) {
  CommandHarness h;
  h.Run({"set", "k", "v"});
  KeyspaceEvents ev(h);
  const uint64_t dirty = Dirty(h);
  h.Run({"getex", "k", "ex", "10"});
  EXPECT_EQ(ev.Take(), (Events{"expire k@0"}));
  EXPECT_EQ(Dirty(h), dirty + 1);
}

TEST(GetExCommandTest, TimestampInThePastRepliesWithTheValueThenDeletesTheKey) {
  CommandHarness h;
  h.Run({"set", "k", "v"});
  KeyspaceEvents ev(h);
  EXPECT_EQ(h.Run({"getex", "k", "exat", "1"}).ToString(), "v");
  EXPECT_EQ(ev.Take(), (Events{"del k@0"}));
  EXPECT_EQ(h.Run({"dbsize"}).integer, 0);
  h.Run({"set", "k", "v"});
  EXPECT_EQ(h.Run({"getex", "k", "pxat", std::to_string(kNowMs)}).ToString(), "v");
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
}

TEST(GetExCommandTest, KeyExpiresAfterTheNewTtl) {
  CommandHarness h;
  h.Run({"set", "k", "v"});
  h.Run({"getex", "k", "px", "100"});
  h.AdvanceMillis(101);
  EXPECT_TRUE(h.Run({"getex", "k"}).is_null());
}

TEST(GetExCommandTest, RepeatingAnExpireOptionUsesTheLastValue) {
  CommandHarness h;
  h.Run({"set", "k", "v"});
  h.Run({"getex", "k", "ex", "1", "ex", "50"});
  EXPECT_EQ(Pttl(h, "k"), 50000);
  h.Run({"getex", "k", "persist", "persist"});
  EXPECT_EQ(Pttl(h, "k"), -1);
}

TEST(GetExCommandTest, SetOnlyOrConflictingOptionsAreSyntaxErrors) {
  CommandHarness h;
  h.Run({"set", "k", "v"});
  // clang-format off
  const std::vector<std::vector<std::string_view>> cases = {
      {"nx"},   {"xx"},          {"get"},           {"keepttl"}, {"ex"},
      {"foo"},  {"persist", "ex", "10"},            {"ex", "10", "persist"},
      {"ex", "10", "px", "10"},  {"pxat", "10", "exat", "10"}};
  // clang-format on
  for (const auto& opts : cases) {
    std::vector<std::string_view> args = {"getex", "k"};
    args.insert(args.end(), opts.begin(), opts.end());
    EXPECT_EQ(h.Run(args).ToString(), kSyntax) << opts[0];
  }
  EXPECT_EQ(h.Run({"getex", "missing", "foo"}).ToString(), kSyntax);
}

TEST(GetExCommandTest, InvalidExpireTimeNamesGetex) {
  CommandHarness h;
  h.Run({"set", "k", "v"});
  EXPECT_EQ(h.Run({"getex", "k", "ex", "0"}).ToString(),
            "ERR invalid expire time in 'getex' command");
  EXPECT_EQ(h.Run({"getex", "k", "px", "abc"}).ToString(), kNotInteger);
  EXPECT_EQ(Pttl(h, "k"), -1);
}

TEST(GetExCommandTest, ExpireIsCheckedOnlyAfterTheKeyIsFoundAndIsAString) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_TRUE(h.Run({"getex", "missing", "ex", "0"}).is_null());
  EXPECT_EQ(h.Run({"getex", "l", "ex", "0"}).ToString(), kWrongType);
}

// ----------------------------------------------------------------- MGET

TEST(MGetCommandTest, RepliesInOrderWithNilForMissingKeysAndOtherTypes) {
  CommandHarness h;
  h.Run({"set", "a", "1"});
  h.Run({"set", "b", "two"});
  MakeList(h, "l");
  EXPECT_EQ(h.RunRaw({"mget", "a", "missing", "l", "b"}),
            "*4\r\n$1\r\n1\r\n$-1\r\n$-1\r\n$3\r\ntwo\r\n");
}

// ----------------------------------------------------------- MSET MSETNX

TEST(MSetCommandTest, SetsEveryPair) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"mset", "a", "1", "b", "2"}), "+OK\r\n");
  EXPECT_EQ(Get(h, "a"), "1");
  EXPECT_EQ(Get(h, "b"), "2");
  EXPECT_EQ(Encoding(h, "a"), "int");
}

TEST(MSetCommandTest, OddArgumentCountIsAnArityError) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"mset", "a", "1", "b"}).ToString(),
            "ERR wrong number of arguments for 'mset' command");
  EXPECT_EQ(h.Run({"exists", "a"}).integer, 0);
}

TEST(MSetCommandTest, RepeatedKeyKeepsTheLastValue) {
  CommandHarness h;
  h.Run({"mset", "a", "1", "a", "2"});
  EXPECT_EQ(Get(h, "a"), "2");
}

TEST(MSetCommandTest, ClearsTtlsAndReplacesOtherTypes) {
  CommandHarness h;
  h.Run({"set", "a", "x", "ex", "100"});
  MakeList(h, "l");
  h.Run({"mset", "a", "1", "l", "2"});
  EXPECT_EQ(Pttl(h, "a"), -1);
  EXPECT_EQ(Get(h, "l"), "2");
}

TEST(MSetCommandTest, ReportsSetPerKeyAndCountsOneChangePerPair) {
  CommandHarness h;
  KeyspaceEvents ev(h);
  const uint64_t dirty = Dirty(h);
  h.Run({"mset", "a", "1", "b", "2", "a", "3"});
  EXPECT_EQ(ev.Take(), (Events{"set a@0", "set b@0", "set a@0"}));
  EXPECT_EQ(Dirty(h), dirty + 3);
}

TEST(MSetNxCommandTest, SetsEveryPairWhenNoKeyExists) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"msetnx", "a", "1", "b", "2"}), ":1\r\n");
  EXPECT_EQ(Get(h, "b"), "2");
}

TEST(MSetNxCommandTest, SetsNothingWhenAnyKeyExists) {
  CommandHarness h;
  MakeList(h, "l");
  KeyspaceEvents ev(h);
  EXPECT_EQ(h.RunRaw({"msetnx", "a", "1", "l", "2"}), ":0\r\n");
  EXPECT_EQ(h.Run({"exists", "a"}).integer, 0);
  EXPECT_EQ(ev.Take(), Events{});
}

TEST(MSetNxCommandTest, CountsAnExpiredKeyAsMissing) {
  CommandHarness h;
  h.Run({"set", "a", "old", "px", "5"});
  h.AdvanceMillis(6);
  EXPECT_EQ(h.Run({"msetnx", "a", "1", "b", "2"}).integer, 1);
}

TEST(MSetNxCommandTest, OddArgumentCountIsAnArityErrorNamingMsetnx) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"msetnx", "a", "1", "b"}).ToString(),
            "ERR wrong number of arguments for 'msetnx' command");
}

// --------------------------------------------------------------- APPEND

TEST(AppendCommandTest, CreatesAMissingKeyWithTheEncodingSetWouldPick) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"append", "i", "12"}), ":2\r\n");
  h.Run({"append", "s", "abc"});
  h.Run({"append", "long", std::string(50, 'x')});
  h.Run({"append", "empty", ""});
  EXPECT_EQ(Encoding(h, "i"), "int");
  EXPECT_EQ(Encoding(h, "s"), "embstr");
  EXPECT_EQ(Encoding(h, "long"), "raw");
  EXPECT_EQ(h.Run({"exists", "empty"}).integer, 1);
  EXPECT_EQ(Encoding(h, "empty"), "embstr");
}

TEST(AppendCommandTest, ExtendsTheValueAndRepliesWithTheNewLength) {
  CommandHarness h;
  h.Run({"set", "k", "hello"});
  EXPECT_EQ(h.Run({"append", "k", " world"}).integer, 11);
  EXPECT_EQ(Get(h, "k"), "hello world");
  EXPECT_EQ(Encoding(h, "k"), "raw");
}

TEST(AppendCommandTest, AppendsToTheDigitsOfAnInteger) {
  CommandHarness h;
  h.Run({"set", "k", "12"});
  EXPECT_EQ(h.Run({"append", "k", "3"}).integer, 3);
  EXPECT_EQ(Get(h, "k"), "123");
  EXPECT_EQ(Encoding(h, "k"), "raw");
}

TEST(AppendCommandTest, AppendingNothingStillMakesTheValueRaw) {
  CommandHarness h;
  h.Run({"set", "k", "abc"});
  EXPECT_EQ(h.Run({"append", "k", ""}).integer, 3);
  EXPECT_EQ(Encoding(h, "k"), "raw");
}

TEST(AppendCommandTest, GrowsAValueFromShortToLong) {
  CommandHarness h;
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    const std::string piece = std::to_string(i) + ",";
    expected += piece;
    ASSERT_EQ(h.Run({"append", "k", piece}).integer, static_cast<int64_t>(expected.size()));
  }
  EXPECT_EQ(Get(h, "k"), expected);
  EXPECT_EQ(h.Run({"strlen", "k"}).integer, static_cast<int64_t>(expected.size()));
}

TEST(AppendCommandTest, KeepsTheTtl) {
  CommandHarness h;
  h.Run({"set", "k", "v", "px", "5000"});
  h.Run({"append", "k", "w"});
  EXPECT_EQ(Pttl(h, "k"), 5000);
}

TEST(AppendCommandTest, KeyOfAnotherTypeIsWrongType) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"append", "l", "x"}).ToString(), kWrongType);
}

TEST(AppendCommandTest, RefusesToGrowPastProtoMaxBulkLen) {
  CommandHarness h("proto-max-bulk-len 1048576");
  h.Run({"setrange", "k", "1048575", "x"});
  EXPECT_EQ(h.Run({"append", "k", "y"}).ToString(), kTooLong);
  EXPECT_EQ(h.Run({"strlen", "k"}).integer, 1048576);
  EXPECT_EQ(h.Run({"append", "k", ""}).integer, 1048576);
}

TEST(AppendCommandTest, ReportsNewThenAppend) {
  CommandHarness h;
  KeyspaceEvents ev(h, "KAn");
  h.Run({"append", "k", "a"});
  h.Run({"append", "k", "b"});
  EXPECT_EQ(ev.Take(), (Events{"new k@0", "append k@0", "append k@0"}));
}

// ------------------------------------------------------------- SETRANGE

TEST(SetRangeCommandTest, OverwritesPartOfTheValue) {
  CommandHarness h;
  h.Run({"set", "k", "Hello World"});
  EXPECT_EQ(h.RunRaw({"setrange", "k", "6", "Redis"}), ":11\r\n");
  EXPECT_EQ(Get(h, "k"), "Hello Redis");
  EXPECT_EQ(Encoding(h, "k"), "raw");
}

TEST(SetRangeCommandTest, PadsAGapWithZeroBytes) {
  CommandHarness h;
  h.Run({"set", "k", "ab"});
  EXPECT_EQ(h.Run({"setrange", "k", "4", "x"}).integer, 5);
  EXPECT_EQ(Get(h, "k"), std::string("ab\0\0x", 5));
}

TEST(SetRangeCommandTest, CreatesAMissingKeyZeroPadded) {
  CommandHarness h;
  KeyspaceEvents ev(h, "KAn");
  EXPECT_EQ(h.Run({"setrange", "k", "3", "xy"}).integer, 5);
  EXPECT_EQ(Get(h, "k"), std::string("\0\0\0xy", 5));
  EXPECT_EQ(Encoding(h, "k"), "raw");
  EXPECT_EQ(ev.Take(), (Events{"new k@0", "setrange k@0"}));
}

TEST(SetRangeCommandTest, CreatesALongValueOnTheHeap) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"setrange", "k", "1000", "end"}).integer, 1003);
  const std::string v = Get(h, "k");
  EXPECT_EQ(v, std::string(1000, '\0') + "end");
}

TEST(SetRangeCommandTest, EditsTheDigitsOfAnInteger) {
  CommandHarness h;
  h.Run({"set", "k", "1234"});
  h.Run({"setrange", "k", "1", "9"});
  EXPECT_EQ(Get(h, "k"), "1934");
  EXPECT_EQ(Encoding(h, "k"), "raw");
}

TEST(SetRangeCommandTest, EditsAndGrowsALongValue) {
  CommandHarness h;
  std::string v(300, 'a');
  h.Run({"set", "k", v});
  h.Run({"setrange", "k", "10", "XYZ"});
  v.replace(10, 3, "XYZ");
  EXPECT_EQ(Get(h, "k"), v);
  h.Run({"setrange", "k", "400", "end"});
  v += std::string(100, '\0') + "end";
  EXPECT_EQ(Get(h, "k"), v);
  h.Run({"set", "short", "abc"});
  h.Run({"setrange", "short", "200", "z"});
  EXPECT_EQ(Get(h, "short"), "abc" + std::string(197, '\0') + "z");
}

TEST(SetRangeCommandTest, EmptyValueOnAMissingKeyRepliesZeroAndCreatesNothing) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"setrange", "k", "10", ""}).integer, 0);
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
}

TEST(SetRangeCommandTest, EmptyValueRepliesWithTheLengthWithoutAnyCheckOrEvent) {
  CommandHarness h;
  h.Run({"set", "k", "abc"});
  KeyspaceEvents ev(h);
  EXPECT_EQ(h.Run({"setrange", "k", "1", ""}).integer, 3);
  EXPECT_EQ(h.Run({"setrange", "k", "999999999999", ""}).integer, 3);
  EXPECT_EQ(Encoding(h, "k"), "embstr");
  EXPECT_EQ(ev.Take(), Events{});
}

TEST(SetRangeCommandTest, KeepsTheTtl) {
  CommandHarness h;
  h.Run({"set", "k", "abc", "px", "5000"});
  h.Run({"setrange", "k", "0", "x"});
  EXPECT_EQ(Pttl(h, "k"), 5000);
}

TEST(SetRangeCommandTest, NegativeOffsetIsOutOfRangeEvenForAnotherType) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"setrange", "k", "-1", "x"}).ToString(), "ERR offset is out of range");
  EXPECT_EQ(h.Run({"setrange", "l", "-1", ""}).ToString(), "ERR offset is out of range");
  EXPECT_EQ(h.Run({"setrange", "l", "x", "v"}).ToString(), kNotInteger);
}

TEST(SetRangeCommandTest, KeyOfAnotherTypeIsWrongTypeEvenForAnEmptyValue) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"setrange", "l", "0", "x"}).ToString(), kWrongType);
  EXPECT_EQ(h.Run({"setrange", "l", "0", ""}).ToString(), kWrongType);
}

TEST(SetRangeCommandTest, RefusesAResultPastProtoMaxBulkLen) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"setrange", "k", "536870911", "xy"}).ToString(), kTooLong);
  EXPECT_EQ(h.Run({"setrange", "k", "9223372036854775807", "x"}).ToString(), kTooLong);
  h.Run({"set", "e", "abc"});
  EXPECT_EQ(h.Run({"setrange", "e", "536870912", "x"}).ToString(), kTooLong);
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
}

TEST(SetRangeCommandTest, FollowsAConfiguredProtoMaxBulkLen) {
  CommandHarness h("proto-max-bulk-len 1048576");
  EXPECT_EQ(h.Run({"setrange", "k", "1048576", "x"}).ToString(), kTooLong);
  EXPECT_EQ(h.Run({"setrange", "k", "1048575", "x"}).integer, 1048576);
}

// ------------------------------------------------------ GETRANGE SUBSTR

TEST(GetRangeCommandTest, ReturnsTheInclusiveClampedRange) {
  CommandHarness h;
  h.Run({"set", "k", "This is a string"});
  // clang-format off
  const std::vector<std::tuple<const char*, const char*, const char*>> cases = {
      {"0", "3", "This"},     {"-3", "-1", "ing"},        {"0", "-1", "This is a string"},
      {"10", "100", "string"}, {"5", "3", ""},            {"-1", "-5", ""},
      {"-100", "2", "Thi"},   {"16", "20", ""},           {"0", "-100", "T"},
      {"-9223372036854775808", "9223372036854775807", "This is a string"}};
  // clang-format on
  for (const auto& [start, end, expected] : cases) {
    EXPECT_EQ(h.Run({"getrange", "k", start, end}).ToString(), expected) << start << " " << end;
  }
}

TEST(GetRangeCommandTest, MissingKeyAndEmptyValueGiveAnEmptyString) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"getrange", "nope", "0", "-1"}), "$0\r\n\r\n");
  h.Run({"set", "e", ""});
  EXPECT_EQ(h.RunRaw({"getrange", "e", "0", "-1"}), "$0\r\n\r\n");
}

TEST(GetRangeCommandTest, UsesTheDigitsOfAnInteger) {
  CommandHarness h;
  h.Run({"set", "k", "-12345"});
  EXPECT_EQ(h.Run({"getrange", "k", "1", "3"}).ToString(), "123");
}

TEST(GetRangeCommandTest, IndexesAreCheckedBeforeTheKey) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"getrange", "l", "a", "1"}).ToString(), kNotInteger);
  EXPECT_EQ(h.Run({"getrange", "nope", "0", "1.5"}).ToString(), kNotInteger);
  EXPECT_EQ(h.Run({"getrange", "l", "0", "1"}).ToString(), kWrongType);
}

TEST(SubStrCommandTest, IsGetRange) {
  CommandHarness h;
  h.Run({"set", "k", "Hello"});
  EXPECT_EQ(h.Run({"substr", "k", "1", "-2"}).ToString(), "ell");
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"substr", "l", "0", "1"}).ToString(), kWrongType);
}

// --------------------------------------------------------------- STRLEN

TEST(StrLenCommandTest, CountsBytesAndIntegerDigits) {
  CommandHarness h;
  h.Run({"set", "s", "hello"});
  h.Run({"set", "i", "-1000"});
  EXPECT_EQ(h.Run({"strlen", "s"}).integer, 5);
  EXPECT_EQ(h.Run({"strlen", "i"}).integer, 5);
  EXPECT_EQ(h.RunRaw({"strlen", "nope"}), ":0\r\n");
}

TEST(StrLenCommandTest, KeyOfAnotherTypeIsWrongType) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"strlen", "l"}).ToString(), kWrongType);
}

// ---------------------------------------------------- INCR DECR INCRBY DECRBY

TEST(IncrCommandTest, StartsAMissingKeyFromZero) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"incr", "k"}), ":1\r\n");
  EXPECT_EQ(h.RunRaw({"decr", "d"}), ":-1\r\n");
  EXPECT_EQ(Encoding(h, "k"), "int");
}

TEST(IncrCommandTest, StepsAnIntegerWrittenAsAnyEncoding) {
  CommandHarness h;
  h.Run({"set", "k", "10"});
  EXPECT_EQ(h.Run({"incr", "k"}).integer, 11);
  h.Run({"setrange", "r", "0", "41"});  // a raw "41"
  EXPECT_EQ(h.Run({"incr", "r"}).integer, 42);
  EXPECT_EQ(Encoding(h, "r"), "int");
}

TEST(IncrCommandTest, KeepsTheTtl) {
  CommandHarness h;
  h.Run({"set", "k", "1", "px", "5000"});
  h.Run({"incr", "k"});
  EXPECT_EQ(Pttl(h, "k"), 5000);
}

TEST(IncrCommandTest, ValueThatIsNotACanonicalIntegerIsRejected) {
  CommandHarness h;
  for (const char* v : {"abc", "1.5", " 1", "1 ", "01", "+1", "", "9223372036854775808"}) {
    h.Run({"set", "k", v});
    EXPECT_EQ(h.Run({"incr", "k"}).ToString(), kNotInteger) << v;
    EXPECT_EQ(Get(h, "k"), v);
  }
}

TEST(IncrCommandTest, OverflowIsRejectedAndLeavesTheValue) {
  CommandHarness h;
  h.Run({"set", "k", "9223372036854775807"});
  EXPECT_EQ(h.Run({"incr", "k"}).ToString(), "ERR increment or decrement would overflow");
  h.Run({"set", "m", "-9223372036854775808"});
  EXPECT_EQ(h.Run({"decr", "m"}).ToString(), "ERR increment or decrement would overflow");
  EXPECT_EQ(h.Run({"incrby", "m", "-1"}).ToString(), "ERR increment or decrement would overflow");
  EXPECT_EQ(Get(h, "k"), "9223372036854775807");
  EXPECT_EQ(Get(h, "m"), "-9223372036854775808");
}

TEST(IncrCommandTest, KeyOfAnotherTypeIsWrongType) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"incr", "l"}).ToString(), kWrongType);
  EXPECT_EQ(h.Run({"incrby", "l", "x"}).ToString(), kNotInteger);
}

TEST(IncrCommandTest, ReportsIncrbyForEveryCounterCommand) {
  CommandHarness h;
  KeyspaceEvents ev(h);
  const uint64_t dirty = Dirty(h);
  h.Run({"incr", "k"});
  h.Run({"decr", "k"});
  h.Run({"incrby", "k", "5"});
  h.Run({"decrby", "k", "2"});
  EXPECT_EQ(ev.Take(), (Events{"incrby k@0", "incrby k@0", "incrby k@0", "incrby k@0"}));
  EXPECT_EQ(Dirty(h), dirty + 4);
}

TEST(IncrByCommandTest, AddsTheGivenAmount) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"incrby", "k", "100"}).integer, 100);
  EXPECT_EQ(h.Run({"incrby", "k", "-150"}).integer, -50);
  EXPECT_EQ(h.Run({"incrby", "z", "-9223372036854775808"}).integer, INT64_MIN);
}

TEST(IncrByCommandTest, NonIntegerAmountIsRejected) {
  CommandHarness h;
  for (const char* v : {"1.0", "x", "", "9223372036854775808"}) {
    EXPECT_EQ(h.Run({"incrby", "k", v}).ToString(), kNotInteger) << v;
  }
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
}

TEST(DecrByCommandTest, SubtractsTheGivenAmount) {
  CommandHarness h;
  h.Run({"set", "k", "10"});
  EXPECT_EQ(h.Run({"decrby", "k", "15"}).integer, -5);
}

TEST(DecrByCommandTest, SmallestIntegerIsRejectedBeforeTheKeyIsRead) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"decrby", "l", "-9223372036854775808"}).ToString(),
            "ERR decrement would overflow");
  EXPECT_EQ(h.Run({"decrby", "k", "-9223372036854775808"}).ToString(),
            "ERR decrement would overflow");
}

// ---------------------------------------------------------- INCRBYFLOAT

TEST(IncrByFloatCommandTest, StartsAMissingKeyFromZero) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"incrbyfloat", "k", "1.5"}), "$3\r\n1.5\r\n");
}

TEST(IncrByFloatCommandTest, FormatsTheResultWithoutTrailingZeros) {
  CommandHarness h;
  h.Run({"set", "k", "10.50"});
  EXPECT_EQ(h.Run({"incrbyfloat", "k", "0.1"}).ToString(), "10.6");
  EXPECT_EQ(h.Run({"incrbyfloat", "k", "-10.6"}).ToString(), "0");
  EXPECT_EQ(h.Run({"incrbyfloat", "k", "5.0e3"}).ToString(), "5000");
  EXPECT_EQ(h.Run({"incrbyfloat", "k", "0x10"}).ToString(), "5016");
}

TEST(IncrByFloatCommandTest, StoresTheResultAsTextNeverAsInt) {
  CommandHarness h;
  h.Run({"incrbyfloat", "k", "3"});
  EXPECT_EQ(Encoding(h, "k"), "embstr");
  h.Run({"incrbyfloat", "big", "1e60"});
  EXPECT_EQ(Encoding(h, "big"), "raw");
  EXPECT_EQ(Get(h, "big"), "999999999999999999999373423426722168652130621984886772203520");
}

TEST(IncrByFloatCommandTest, AddsToAnIntegerValue) {
  CommandHarness h;
  h.Run({"set", "k", "5"});
  EXPECT_EQ(h.Run({"incrbyfloat", "k", "0.25"}).ToString(), "5.25");
}

TEST(IncrByFloatCommandTest, KeepsTheTtl) {
  CommandHarness h;
  h.Run({"set", "k", "1", "px", "5000"});
  h.Run({"incrbyfloat", "k", "1.5"});
  EXPECT_EQ(Pttl(h, "k"), 5000);
}

TEST(IncrByFloatCommandTest, ResultThatIsInfiniteIsRejected) {
  CommandHarness h;
  h.Run({"set", "k", "1"});
  EXPECT_EQ(h.Run({"incrbyfloat", "k", "inf"}).ToString(),
            "ERR increment would produce NaN or Infinity");
  EXPECT_EQ(Get(h, "k"), "1");
}

TEST(IncrByFloatCommandTest, InvalidIncrementIsNotAValidFloat) {
  CommandHarness h;
  for (const char* v : {"abc", "", "nan", " 1", "1e5000"}) {
    EXPECT_EQ(h.Run({"incrbyfloat", "k", v}).ToString(), kNotFloat) << v;
  }
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
}

TEST(IncrByFloatCommandTest, ValueThatIsNotAFloatIsRejected) {
  CommandHarness h;
  h.Run({"set", "k", "1.5x"});
  EXPECT_EQ(h.Run({"incrbyfloat", "k", "1"}).ToString(), kNotFloat);
}

TEST(IncrByFloatCommandTest, WrongTypeIsReportedBeforeABadIncrement) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"incrbyfloat", "l", "abc"}).ToString(), kWrongType);
}

TEST(IncrByFloatCommandTest, RepliesWithABulkStringInRespThree) {
  CommandHarness h;
  h.Run({"hello", "3"});
  EXPECT_EQ(h.RunRaw({"incrbyfloat", "k", "2.5"}), "$3\r\n2.5\r\n");
}

TEST(IncrByFloatCommandTest, ReportsIncrbyfloat) {
  CommandHarness h;
  KeyspaceEvents ev(h);
  h.Run({"incrbyfloat", "k", "1"});
  EXPECT_EQ(ev.Take(), (Events{"incrbyfloat k@0"}));
}

// ------------------------------------------------------------------ LCS

class LcsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { h.Run({"mset", "a", "ohmytext", "b", "mynewtext"}); }
  CommandHarness h;
};

TEST_F(LcsCommandTest, ReturnsTheLongestCommonSubsequence) {
  EXPECT_EQ(h.RunRaw({"lcs", "a", "b"}), "$6\r\nmytext\r\n");
}

TEST_F(LcsCommandTest, LenReturnsOnlyTheLength) {
  EXPECT_EQ(h.RunRaw({"lcs", "a", "b", "len"}), ":6\r\n");
}

TEST_F(LcsCommandTest, IdxListsMatchingRangesFromTheEnd) {
  EXPECT_EQ(h.Run({"lcs", "a", "b", "idx"}).ToString(),
            "[matches, [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], len, 6]");
}

TEST_F(LcsCommandTest, WithMatchLenAddsTheLengthOfEachRange) {
  EXPECT_EQ(h.Run({"lcs", "a", "b", "idx", "withmatchlen"}).ToString(),
            "[matches, [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]], len, 6]");
}

TEST_F(LcsCommandTest, MinMatchLenDropsShortRanges) {
  EXPECT_EQ(h.Run({"lcs", "a", "b", "idx", "minmatchlen", "4"}).ToString(),
            "[matches, [[[4, 7], [5, 8]]], len, 6]");
  EXPECT_EQ(h.Run({"lcs", "a", "b", "idx", "minmatchlen", "-3"}).ToString(),
            "[matches, [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], len, 6]");
}

TEST_F(LcsCommandTest, IdxReplyIsAMapInRespThree) {
  h.Run({"hello", "3"});
  EXPECT_EQ(h.RunRaw({"lcs", "a", "b", "idx", "minmatchlen", "4"}),
            "%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
            "$3\r\nlen\r\n:6\r\n");
}

TEST_F(LcsCommandTest, MissingKeysAreEmptyStrings) {
  EXPECT_EQ(h.RunRaw({"lcs", "a", "nope"}), "$0\r\n\r\n");
  EXPECT_EQ(h.Run({"lcs", "nope", "b", "idx"}).ToString(), "[matches, [], len, 0]");
}

TEST_F(LcsCommandTest, WorksOnIntegerValues) {
  h.Run({"mset", "x", "12345", "y", "2468"});
  EXPECT_EQ(h.Run({"lcs", "x", "y"}).ToString(), "24");
}

TEST_F(LcsCommandTest, IdenticalStringsAreOneRange) {
  EXPECT_EQ(h.Run({"lcs", "a", "a", "idx", "withmatchlen"}).ToString(),
            "[matches, [[[0, 7], [0, 7], 8]], len, 8]");
}

TEST_F(LcsCommandTest, LenAndIdxTogetherAreRejected) {
  EXPECT_EQ(h.Run({"lcs", "a", "b", "len", "idx"}).ToString(),
            "ERR If you want both the length and indexes, please just use IDX.");
}

TEST_F(LcsCommandTest, UnknownOrIncompleteOptionsAreSyntaxErrors) {
  EXPECT_EQ(h.Run({"lcs", "a", "b", "foo"}).ToString(), kSyntax);
  EXPECT_EQ(h.Run({"lcs", "a", "b", "minmatchlen"}).ToString(), kSyntax);
  EXPECT_EQ(h.Run({"lcs", "a", "b", "minmatchlen", "x"}).ToString(), kNotInteger);
}

TEST_F(LcsCommandTest, KeyOfAnotherTypeIsRejectedBeforeTheOptions) {
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"lcs", "l", "b", "foo"}).ToString(),
            "ERR The specified keys must contain string values");
  EXPECT_EQ(h.Run({"lcs", "a", "l"}).ToString(),
            "ERR The specified keys must contain string values");
}

TEST_F(LcsCommandTest, SeesAKeyThatTheSecondLookupDidNotExpire) {
  h.Run({"set", "gone", "mytext", "px", "10"});
  h.AdvanceMillis(11);
  EXPECT_EQ(h.Run({"lcs", "a", "gone"}).ToString(), "");
  EXPECT_EQ(h.Run({"lcs", "a", "b", "len"}).integer, 6);
}

TEST(LcsCommandLimitTest, RefusesATableLargerThanProtoMaxBulkLen) {
  CommandHarness h("proto-max-bulk-len 1048576");
  h.Run({"set", "x", std::string(1024, 'a')});
  EXPECT_EQ(h.Run({"lcs", "x", "x"}).ToString(),
            "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
  h.Run({"set", "y", std::string(500, 'a')});
  EXPECT_EQ(h.Run({"lcs", "y", "y", "len"}).integer, 500);
}

}  // namespace
}  // namespace osprey::testing
