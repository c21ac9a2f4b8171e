// The bitmap commands through the real dispatcher (CommandHarness), grouped
// by command. Expected replies, errors, encodings, events and dirty counts
// are what Redis 7.0.15 gives for the same commands.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/keyspace_events.h"
#include "keyspace/db.h"
#include "keyspace/keyspace.h"
#include "server/propagation.h"
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
constexpr std::string_view kBadOffset = "ERR bit offset is not an integer or out of range";
constexpr std::string_view kBadBit = "ERR bit is not an integer or out of range";
constexpr std::string_view kBadType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";

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

std::string Encoding(CommandHarness& h, std::string_view key) {
  return h.Run({"object", "encoding", key}).ToString();
}

std::string Get(CommandHarness& h, std::string_view key) { return h.Run({"get", key}).ToString(); }

uint64_t Dirty(CommandHarness& h) { return h.server().stats().dirty; }

std::string Str(std::string_view s) { return std::string(s); }

// ------------------------------------------------------------------ SETBIT

TEST(SetBitCommandTest, CreatesAZeroPaddedRawStringAndReturnsTheOldBit) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"setbit", "k", "9", "1"}).integer, 0);
  EXPECT_EQ(Get(h, "k"), Str(std::string_view("\x00\x40", 2)));
  EXPECT_EQ(Encoding(h, "k"), "raw");
  EXPECT_EQ(h.Run({"setbit", "k", "9", "0"}).integer, 1);
  EXPECT_EQ(Get(h, "k"), Str(std::string_view("\x00\x00", 2)));
}

TEST(SetBitCommandTest, GrowsAnExistingStringAndKeepsItsBytes) {
  CommandHarness h;
  h.Run({"set", "k", "a"});
  EXPECT_EQ(h.Run({"setbit", "k", "23", "1"}).integer, 0);
  EXPECT_EQ(Get(h, "k"), Str(std::string_view("a\x00\x01", 3)));
}

TEST(SetBitCommandTest, GrowsPastTheInlineLimitOntoTheHeap) {
  CommandHarness h;
  h.Run({"set", "k", std::string(100, 'x')});
  h.Run({"setbit", "k", "8007", "1"});
  const std::string v = Get(h, "k");
  ASSERT_EQ(v.size(), 1001u);
  EXPECT_EQ(v.substr(0, 100), std::string(100, 'x'));
  EXPECT_EQ(v[1000], '\x01');
  h.Run({"setbit", "k", "0", "1"});
  EXPECT_EQ(h.Run({"getbit", "k", "0"}).integer, 1);
  EXPECT_EQ(h.Run({"strlen", "k"}).integer, 1001);
}

TEST(SetBitCommandTest, TurnsIntAndEmbstrValuesRawEvenWithoutAChange) {
  CommandHarness h;
  h.Run({"set", "i", "255"});
  h.Run({"set", "e", "abc"});
  EXPECT_EQ(Encoding(h, "i"), "int");
  EXPECT_EQ(h.Run({"setbit", "i", "0", "0"}).integer, 0);
  EXPECT_EQ(h.Run({"setbit", "e", "0", "0"}).integer, 0);
  EXPECT_EQ(Encoding(h, "i"), "raw");
  EXPECT_EQ(Encoding(h, "e"), "raw");
  EXPECT_EQ(Get(h, "i"), "255");
  // "2" is 0x32; setting its bit 7 makes "3".
  EXPECT_EQ(h.Run({"setbit", "i", "7", "1"}).integer, 0);
  EXPECT_EQ(Get(h, "i"), "355");
}

TEST(SetBitCommandTest, KeepsTheTtl) {
  CommandHarness h;
  h.Run({"set", "k", "a", "ex", "100"});
  h.Run({"setbit", "k", "100", "1"});
  EXPECT_EQ(h.Run({"ttl", "k"}).integer, 100);
}

TEST(SetBitCommandTest, RejectsBadOffsets) {
  CommandHarness h;
  for (std::string_view off : {"-1", "x", "+1", "01", " 1", "4294967296", "#1"}) {
    EXPECT_EQ(h.Run({"setbit", "k", off, "1"}).ToString(), kBadOffset) << off;
  }
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
}

TEST(SetBitCommandTest, OffsetLimitFollowsProtoMaxBulkLen) {
  CommandHarness h;
  h.Run({"config", "set", "proto-max-bulk-len", "1048576"});
  EXPECT_EQ(h.Run({"setbit", "k", "8388608", "1"}).ToString(), kBadOffset);
  EXPECT_EQ(h.Run({"setbit", "k", "8388607", "1"}).integer, 0);
  EXPECT_EQ(h.Run({"strlen", "k"}).integer, 1048576);
}

TEST(SetBitCommandTest, RejectsBitValuesOtherThanZeroAndOne) {
  CommandHarness h;
  for (std::string_view bit : {"2", "-1", "x", "1.0", ""}) {
    EXPECT_EQ(h.Run({"setbit", "k", "0", bit}).ToString(), kBadBit) << bit;
  }
}

TEST(SetBitCommandTest, ChecksArgumentsBeforeTheType) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"setbit", "l", "-1", "1"}).ToString(), kBadOffset);
  EXPECT_EQ(h.Run({"setbit", "l", "0", "2"}).ToString(), kBadBit);
  EXPECT_EQ(h.Run({"setbit", "l", "0", "1"}).ToString(), kWrongType);
}

TEST(SetBitCommandTest, WrongArity) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"setbit", "k", "0"}).ToString(),
            "ERR wrong number of arguments for 'setbit' command");
}

TEST(SetBitCommandTest, CountsDirtyAndNotifiesOnlyOnChange) {
  CommandHarness h;
  KeyspaceEvents ev(h, "KEA");
  uint64_t d = Dirty(h);
  h.Run({"setbit", "k", "0", "0"});  // created: a change
  EXPECT_EQ(Dirty(h), d + 1);
  h.Run({"setbit", "k", "0", "0"});  // no change
  EXPECT_EQ(Dirty(h), d + 1);
  h.Run({"setbit", "k", "0", "1"});
  EXPECT_EQ(Dirty(h), d + 2);
  h.Run({"setbit", "k", "90", "0"});  // grows only
  EXPECT_EQ(Dirty(h), d + 3);
  EXPECT_EQ(ev.Take(), (Events{"setbit k@0", "setbit k@0", "setbit k@0"}));
}

TEST(SetBitCommandTest, ReportsANewKey) {
  CommandHarness h;
  KeyspaceEvents ev(h, "KEn$");
  h.Run({"setbit", "k", "3", "1"});
  EXPECT_EQ(ev.Take(), (Events{"new k@0", "setbit k@0"}));
}

// ------------------------------------------------------------------ GETBIT

TEST(GetBitCommandTest, ReadsBitsAndZeroPastTheEnd) {
  CommandHarness h;
  h.Run({"set", "k", "\x40"});
  EXPECT_EQ(h.Run({"getbit", "k", "0"}).integer, 0);
  EXPECT_EQ(h.Run({"getbit", "k", "1"}).integer, 1);
  EXPECT_EQ(h.Run({"getbit", "k", "8"}).integer, 0);
  EXPECT_EQ(h.Run({"getbit", "k", "4294967295"}).integer, 0);
  EXPECT_EQ(h.Run({"getbit", "nokey", "7"}).integer, 0);
}

TEST(GetBitCommandTest, ReadsTheDigitsOfAnIntValue) {
  CommandHarness h;
  h.Run({"set", "i", "255"});  // '2' = 0x32 = 00110010
  EXPECT_EQ(h.Run({"getbit", "i", "0"}).integer, 0);
  EXPECT_EQ(h.Run({"getbit", "i", "2"}).integer, 1);
  EXPECT_EQ(h.Run({"getbit", "i", "6"}).integer, 1);
  EXPECT_EQ(Encoding(h, "i"), "int");
}

TEST(GetBitCommandTest, ChecksTheOffsetBeforeTheKey) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"getbit", "l", "-1"}).ToString(), kBadOffset);
  EXPECT_EQ(h.Run({"getbit", "nokey", "x"}).ToString(), kBadOffset);
  EXPECT_EQ(h.Run({"getbit", "l", "0"}).ToString(), kWrongType);
}

// ------------------------------------------------------------------ BITCOUNT

TEST(BitCountCommandTest, CountsTheWholeString) {
  CommandHarness h;
  h.Run({"set", "k", "foobar"});
  EXPECT_EQ(h.Run({"bitcount", "k"}).integer, 26);
  EXPECT_EQ(h.Run({"bitcount", "nokey"}).integer, 0);
  h.Run({"set", "empty", ""});
  EXPECT_EQ(h.Run({"bitcount", "empty"}).integer, 0);
  EXPECT_EQ(h.Run({"bitcount", "empty", "0", "-1"}).integer, 0);
}

TEST(BitCountCommandTest, ByteRangesWithNegativeIndexes) {
  CommandHarness h;
  h.Run({"set", "k", "foobar"});
  EXPECT_EQ(h.Run({"bitcount", "k", "0", "0"}).integer, 4);
  EXPECT_EQ(h.Run({"bitcount", "k", "1", "1"}).integer, 6);
  EXPECT_EQ(h.Run({"bitcount", "k", "1", "-2"}).integer, 18);
  EXPECT_EQ(h.Run({"bitcount", "k", "-100", "100"}).integer, 26);
  EXPECT_EQ(h.Run({"bitcount", "k", "4", "2"}).integer, 0);
  EXPECT_EQ(h.Run({"bitcount", "k", "10", "20", "byte"}).integer, 0);
}

TEST(BitCountCommandTest, BitRanges) {
  CommandHarness h;
  h.Run({"set", "k", "foobar"});
  EXPECT_EQ(h.Run({"bitcount", "k", "5", "30", "BIT"}).integer, 17);
  EXPECT_EQ(h.Run({"bitcount", "k", "1", "1", "bit"}).integer, 1);
  EXPECT_EQ(h.Run({"bitcount", "k", "0", "-1", "bit"}).integer, 26);
  EXPECT_EQ(h.Run({"bitcount", "k", "-6", "-15", "bit"}).integer, 0);
  EXPECT_EQ(h.Run({"bitcount", "k", "48", "87", "bit"}).integer, 0);
}

TEST(BitCountCommandTest, CountsTheDigitsOfAnIntValue) {
  CommandHarness h;
  h.Run({"set", "i", "255"});
  EXPECT_EQ(h.Run({"bitcount", "i"}).integer, 11);
}

TEST(BitCountCommandTest, NegativeStartPastEndIsZeroBeforeTheUnitIsRead) {
  CommandHarness h;
  h.Run({"set", "k", "xxxx"});
  EXPECT_EQ(h.Run({"bitcount", "k", "-1", "-2", "nonsense"}).integer, 0);
  EXPECT_EQ(h.Run({"bitcount", "k", "0", "1", "nonsense"}).ToString(), kSyntax);
}

TEST(BitCountCommandTest, SyntaxAndIntegerErrors) {
  CommandHarness h;
  h.Run({"set", "k", "xxxx"});
  EXPECT_EQ(h.Run({"bitcount", "k", "0"}).ToString(), kSyntax);
  EXPECT_EQ(h.Run({"bitcount", "k", "0", "1", "bit", "x"}).ToString(), kSyntax);
  EXPECT_EQ(h.Run({"bitcount", "k", "x", "1"}).ToString(), kNotInteger);
  EXPECT_EQ(h.Run({"bitcount", "k", "0", "x"}).ToString(), kNotInteger);
  // The unit compares as a C string.
  EXPECT_EQ(h.Run({"bitcount", "k", "0", "-1", std::string_view("bit\0x", 5)}).integer, 16);
}

TEST(BitCountCommandTest, MissingKeyIsZeroWhateverTheArguments) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"bitcount", "nokey", "0"}).integer, 0);
  EXPECT_EQ(h.Run({"bitcount", "nokey", "x", "y", "z"}).integer, 0);
}

TEST(BitCountCommandTest, WrongType) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"bitcount", "l"}).ToString(), kWrongType);
  EXPECT_EQ(h.Run({"bitcount", "l", "x"}).ToString(), kWrongType);
}

// ------------------------------------------------------------------ BITPOS

TEST(BitPosCommandTest, MissingKeyIsAnEndlessRunOfZeros) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"bitpos", "nokey", "0"}).integer, 0);
  EXPECT_EQ(h.Run({"bitpos", "nokey", "1"}).integer, -1);
  EXPECT_EQ(h.Run({"bitpos", "nokey", "1", "x", "y", "z", "w"}).integer, -1);
}

TEST(BitPosCommandTest, FindsTheFirstSetOrClearBit) {
  CommandHarness h;
  h.Run({"set", "k", std::string("\xff\xf0\x00", 3)});
  EXPECT_EQ(h.Run({"bitpos", "k", "0"}).integer, 12);
  EXPECT_EQ(h.Run({"bitpos", "k", "1"}).integer, 0);
  EXPECT_EQ(h.Run({"bitpos", "k", "1", "2"}).integer, -1);
  EXPECT_EQ(h.Run({"bitpos", "k", "1", "1"}).integer, 8);
  EXPECT_EQ(h.Run({"bitpos", "k", "0", "-1"}).integer, 16);
  EXPECT_EQ(h.Run({"bitpos", "k", "1", "7", "15", "bit"}).integer, 7);
  EXPECT_EQ(h.Run({"bitpos", "k", "0", "7", "15", "bit"}).integer, 12);
}

TEST(BitPosCommandTest, ZeroPastAnAllOnesStringUnlessTheEndIsGiven) {
  CommandHarness h;
  h.Run({"set", "k", std::string("\xff\xff\xff", 3)});
  EXPECT_EQ(h.Run({"bitpos", "k", "0"}).integer, 24);
  EXPECT_EQ(h.Run({"bitpos", "k", "0", "0"}).integer, 24);
  EXPECT_EQ(h.Run({"bitpos", "k", "0", "1"}).integer, 24);
  EXPECT_EQ(h.Run({"bitpos", "k", "0", "0", "-1"}).integer, -1);
  EXPECT_EQ(h.Run({"bitpos", "k", "0", "0", "-1", "bit"}).integer, -1);
  EXPECT_EQ(h.Run({"bitpos", "k", "0", "0", "100"}).integer, -1);
}

TEST(BitPosCommandTest, EmptyRangesAndEmptyStrings) {
  CommandHarness h;
  h.Run({"set", "k", "\xff"});
  EXPECT_EQ(h.Run({"bitpos", "k", "0", "5"}).integer, -1);
  EXPECT_EQ(h.Run({"bitpos", "k", "1", "0", "-1", "byte"}).integer, 0);
  EXPECT_EQ(h.Run({"bitpos", "k", "1", "3", "2", "bit"}).integer, -1);
  h.Run({"set", "e", ""});
  EXPECT_EQ(h.Run({"bitpos", "e", "0"}).integer, -1);
  EXPECT_EQ(h.Run({"bitpos", "e", "1"}).integer, -1);
}

TEST(BitPosCommandTest, BitRangeWithinOneByte) {
  CommandHarness h;
  h.Run({"set", "k", "\x81"});
  EXPECT_EQ(h.Run({"bitpos", "k", "1", "1", "6", "bit"}).integer, -1);
  EXPECT_EQ(h.Run({"bitpos", "k", "0", "1", "6", "bit"}).integer, 1);
  EXPECT_EQ(h.Run({"bitpos", "k", "1", "1", "7", "bit"}).integer, 7);
  // Without an end a zero is found just past the string.
  EXPECT_EQ(h.Run({"set", "k", "\xff"}).ToString(), "OK");
  EXPECT_EQ(h.Run({"bitpos", "k", "0", "5"}).integer, -1);
}

TEST(BitPosCommandTest, ArgumentErrorsInRedisOrder) {
  CommandHarness h;
  h.Run({"set", "k", "a"});
  EXPECT_EQ(h.Run({"bitpos", "k", "2"}).ToString(), "ERR The bit argument must be 1 or 0.");
  EXPECT_EQ(h.Run({"bitpos", "nokey", "x"}).ToString(), kNotInteger);
  EXPECT_EQ(h.Run({"bitpos", "k", "1", "x"}).ToString(), kNotInteger);
  EXPECT_EQ(h.Run({"bitpos", "k", "1", "0", "x"}).ToString(), kNotInteger);
  // The unit is read before the end.
  EXPECT_EQ(h.Run({"bitpos", "k", "1", "0", "x", "foo"}).ToString(), kSyntax);
  EXPECT_EQ(h.Run({"bitpos", "k", "1", "0", "1", "2", "3"}).ToString(), kSyntax);
}

TEST(BitPosCommandTest, WrongTypeAfterTheBitArgument) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"bitpos", "l", "2"}).ToString(), "ERR The bit argument must be 1 or 0.");
  EXPECT_EQ(h.Run({"bitpos", "l", "1"}).ToString(), kWrongType);
}

TEST(BitPosCommandTest, SearchesTheDigitsOfAnIntValue) {
  CommandHarness h;
  h.Run({"set", "i", "255"});
  EXPECT_EQ(h.Run({"bitpos", "i", "1"}).integer, 2);
}

// ------------------------------------------------------------------ BITOP

TEST(BitOpCommandTest, CombinesSourcesPaddedToTheLongest) {
  CommandHarness h;
  h.Run({"set", "a", "\x0f"});
  h.Run({"set", "b", std::string("\xf0\xff", 2)});
  EXPECT_EQ(h.Run({"bitop", "or", "d", "a", "b"}).integer, 2);
  EXPECT_EQ(Get(h, "d"), Str(std::string_view("\xff\xff", 2)));
  EXPECT_EQ(h.Run({"bitop", "AND", "d", "a", "b"}).integer, 2);
  EXPECT_EQ(Get(h, "d"), Str(std::string_view("\x00\x00", 2)));
  EXPECT_EQ(h.Run({"bitop", "Xor", "d", "a", "b", "nokey"}).integer, 2);
  EXPECT_EQ(Get(h, "d"), Str(std::string_view("\xff\xff", 2)));
  EXPECT_EQ(Encoding(h, "d"), "raw");
}

TEST(BitOpCommandTest, NotInvertsOneSource) {
  CommandHarness h;
  h.Run({"set", "a", std::string("\x00\x0f", 2)});
  EXPECT_EQ(h.Run({"bitop", "not", "a", "a"}).integer, 2);
  EXPECT_EQ(Get(h, "a"), Str(std::string_view("\xff\xf0", 2)));
  EXPECT_EQ(h.Run({"bitop", "not", "d", "a", "b"}).ToString(),
            "ERR BITOP NOT must be called with a single source key.");
}

TEST(BitOpCommandTest, UsesTheDigitsOfIntValues) {
  CommandHarness h;
  h.Run({"set", "i", "1"});
  h.Run({"set", "j", "22"});
  EXPECT_EQ(h.Run({"bitop", "or", "d", "i", "j"}).integer, 2);
  EXPECT_EQ(Get(h, "d"), "32");
}

TEST(BitOpCommandTest, LongResultsGoToTheHeap) {
  CommandHarness h;
  h.Run({"set", "a", std::string(1000, 'a')});
  h.Run({"set", "b", std::string(500, 'b')});
  EXPECT_EQ(h.Run({"bitop", "and", "d", "a", "b"}).integer, 1000);
  EXPECT_EQ(Get(h, "d"), std::string(500, '`') + std::string(500, '\0'));
}

TEST(BitOpCommandTest, EmptyResultDeletesTheDestination) {
  CommandHarness h;
  h.Run({"set", "d", "x"});
  h.Run({"set", "e", ""});
  KeyspaceEvents ev(h, "KEA");
  const uint64_t d = Dirty(h);
  EXPECT_EQ(h.Run({"bitop", "or", "d", "nokey", "e"}).integer, 0);
  EXPECT_EQ(h.Run({"exists", "d"}).integer, 0);
  EXPECT_EQ(Dirty(h), d + 1);
  EXPECT_EQ(h.Run({"bitop", "or", "d", "nokey"}).integer, 0);
  EXPECT_EQ(Dirty(h), d + 1);
  EXPECT_EQ(ev.Take(), (Events{"del d@0"}));
}

TEST(BitOpCommandTest, OverwritesAnyTypeAndDropsTheTtl) {
  CommandHarness h;
  MakeList(h, "d");
  h.Run({"set", "a", "x"});
  h.Run({"set", "t", "y", "ex", "100"});
  EXPECT_EQ(h.Run({"bitop", "or", "d", "a"}).integer, 1);
  EXPECT_EQ(Get(h, "d"), "x");
  EXPECT_EQ(h.Run({"bitop", "or", "t", "a"}).integer, 1);
  EXPECT_EQ(h.Run({"ttl", "t"}).integer, -1);
}

TEST(BitOpCommandTest, ReportsSetAndCountsOneChange) {
  CommandHarness h;
  h.Run({"set", "a", "x"});
  KeyspaceEvents ev(h, "KEn$g");
  const uint64_t d = Dirty(h);
  h.Run({"bitop", "and", "d", "a", "a"});
  h.Run({"bitop", "and", "d", "a"});
  EXPECT_EQ(Dirty(h), d + 2);
  EXPECT_EQ(ev.Take(), (Events{"new d@0", "set d@0", "set d@0"}));
}

TEST(BitOpCommandTest, ErrorsAndWrongType) {
  CommandHarness h;
  MakeList(h, "l");
  h.Run({"set", "a", "x"});
  EXPECT_EQ(h.Run({"bitop", "nand", "d", "a"}).ToString(), kSyntax);
  EXPECT_EQ(h.Run({"bitop", "or", "d", "a", "l"}).ToString(), kWrongType);
  EXPECT_EQ(h.Run({"exists", "d"}).integer, 0);
  EXPECT_EQ(h.Run({"bitop", "and", "d"}).ToString(),
            "ERR wrong number of arguments for 'bitop' command");
  // The operation compares as a C string.
  EXPECT_EQ(h.Run({"bitop", std::string_view("or\0zz", 5), "d", "a"}).integer, 1);
}

TEST(BitOpCommandTest, ExpiredSourcesAreMissing) {
  CommandHarness h;
  h.Run({"set", "a", "\x01"});
  h.Run({"set", "b", std::string(200, '\x10'), "px", "10"});
  h.Run({"set", "c", "\x02"});
  h.AdvanceMillis(20);
  EXPECT_EQ(h.Run({"bitop", "or", "d", "b", "a", "c"}).integer, 1);
  EXPECT_EQ(Get(h, "d"), "\x03");
}

// ------------------------------------------------------------------ BITFIELD

TEST(BitFieldCommandTest, SetReturnsTheOldValueAndGetReadsIt) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"bitfield", "k", "set", "i8", "0", "-100", "get", "i8", "0", "get", "u8", "0"})
                .ToString(),
            "[0, -100, 156]");
  EXPECT_EQ(h.Run({"bitfield", "k", "set", "u8", "0", "255"}).ToString(), "[156]");
  EXPECT_EQ(Encoding(h, "k"), "raw");
}

TEST(BitFieldCommandTest, FieldOffsetsInUnitsOfTheType) {
  CommandHarness h;
  h.Run({"bitfield", "k", "set", "u8", "#1", "65", "set", "u8", "#2", "66"});
  EXPECT_EQ(Get(h, "k"), Str(std::string_view("\0AB", 3)));
  EXPECT_EQ(h.Run({"bitfield", "k", "get", "u4", "#3"}).ToString(), "[1]");
}

TEST(BitFieldCommandTest, IncrByReturnsTheNewValue) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"bitfield", "k", "incrby", "u2", "100", "1", "incrby", "u2", "100", "1"})
                .ToString(),
            "[1, 2]");
  EXPECT_EQ(h.Run({"strlen", "k"}).integer, 13);
}

TEST(BitFieldCommandTest, OverflowModesApplyToTheOperationsAfterThem) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"bitfield", "k", "set", "u8", "0", "250", "incrby", "u8", "0", "10",
                   "overflow", "sat", "incrby", "u8", "0", "250", "overflow", "fail",
                   "incrby", "u8", "0", "2", "get", "u8", "0"})
                .ToString(),
            "[0, 4, 254, (nil), 254]");
  EXPECT_EQ(h.Run({"bitfield", "k", "overflow", "wrap", "set", "i8", "0", "128", "overflow", "sat",
                   "set", "i8", "0", "-1000", "get", "i8", "0"})
                .ToString(),
            "[-2, -128, -128]");
}

TEST(BitFieldCommandTest, SixtyFourBitSignedFields) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"bitfield", "k", "set", "i64", "3", "9223372036854775807", "incrby", "i64",
                   "3", "1", "overflow", "sat", "incrby", "i64", "3", "-1"})
                .ToString(),
            "[0, -9223372036854775808, -9223372036854775808]");
  EXPECT_EQ(h.Run({"bitfield", "k", "get", "u63", "3", "get", "i64", "3"}).ToString(),
            "[4611686018427387904, -9223372036854775808]");
}

TEST(BitFieldCommandTest, FailedWritesStillCreateTheKeyWithoutAnEvent) {
  CommandHarness h;
  KeyspaceEvents ev(h, "KE$");
  const uint64_t d = Dirty(h);
  EXPECT_EQ(h.Run({"bitfield", "k", "overflow", "fail", "incrby", "u2", "0", "10"}).ToString(),
            "[(nil)]");
  EXPECT_EQ(Get(h, "k"), Str(std::string_view("\0", 1)));
  EXPECT_EQ(Dirty(h), d);
  EXPECT_EQ(ev.Take(), Events{});
}

TEST(BitFieldCommandTest, DirtyCountsEachChangingWrite) {
  CommandHarness h;
  KeyspaceEvents ev(h, "KE$");
  uint64_t d = Dirty(h);
  h.Run({"bitfield", "k", "set", "i5", "0", "0"});  // created
  EXPECT_EQ(Dirty(h), d + 1);
  h.Run({"bitfield", "k", "set", "i5", "0", "0"});  // no change
  EXPECT_EQ(Dirty(h), d + 1);
  h.Run({"bitfield", "k", "set", "i5", "0", "1", "set", "i5", "0", "1", "incrby", "i5", "0", "1"});
  EXPECT_EQ(Dirty(h), d + 3);
  h.Run({"bitfield", "k", "set", "i5", "90", "0", "set", "i5", "0", "2"});  // grown: both count
  EXPECT_EQ(Dirty(h), d + 5);
  EXPECT_EQ(ev.Take(), (Events{"setbit k@0", "setbit k@0", "setbit k@0"}));
}

TEST(BitFieldCommandTest, OnlyGetsNeitherCreatesNorConverts) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"bitfield", "k", "get", "u8", "0", "overflow", "sat"}).ToString(), "[0]");
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
  h.Run({"set", "i", "1"});
  EXPECT_EQ(h.Run({"bitfield", "i", "get", "u8", "0"}).ToString(), "[49]");
  EXPECT_EQ(Encoding(h, "i"), "int");
  EXPECT_EQ(h.Run({"bitfield", "k"}).ToString(), "[]");
}

TEST(BitFieldCommandTest, RejectsBadTypes) {
  CommandHarness h;
  for (std::string_view t : {"u64", "i65", "I8", "u0", "u08", "u+8", "i", "", "x8"}) {
    EXPECT_EQ(h.Run({"bitfield", "k", "get", t, "0"}).ToString(), kBadType) << t;
  }
  EXPECT_EQ(h.Run({"bitfield", "k", "get", std::string_view("u8\0zz", 5), "0"}).ToString(), "[0]");
}

TEST(BitFieldCommandTest, RejectsBadOffsets) {
  CommandHarness h;
  for (std::string_view off : {"-1", "#-1", "##1", "#", "x", "4294967296",
                               "#1152921504606846976"}) {
    EXPECT_EQ(h.Run({"bitfield", "k", "get", "i8", off}).ToString(), kBadOffset) << off;
  }
  // "#N" multiplies as a 64-bit product that wraps: 2^61 fields of 64 bits is offset 0.
  EXPECT_EQ(h.Run({"bitfield", "k", "get", "i64", "#2305843009213693952"}).ToString(), "[0]");
  EXPECT_EQ(h.Run({"bitfield", "k", "get", "u8", "4294967295"}).ToString(), "[0]");
}

TEST(BitFieldCommandTest, SyntaxErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"bitfield", "k", "foo"}).ToString(), kSyntax);
  EXPECT_EQ(h.Run({"bitfield", "k", "get", "i8"}).ToString(), kSyntax);
  EXPECT_EQ(h.Run({"bitfield", "k", "set", "i8", "0"}).ToString(), kSyntax);
  EXPECT_EQ(h.Run({"bitfield", "k", "overflow"}).ToString(), kSyntax);
  EXPECT_EQ(h.Run({"bitfield", "k", "overflow", "foo"}).ToString(),
            "ERR Invalid OVERFLOW type specified");
  EXPECT_EQ(h.Run({"bitfield", "k", "set", "i8", "0", "x"}).ToString(), kNotInteger);
  EXPECT_EQ(h.Run({"bitfield", "k", "incrby", "i8", "0", "9223372036854775808"}).ToString(),
            kNotInteger);
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
}

TEST(BitFieldCommandTest, WrongTypeForReadsAndWrites) {
  CommandHarness h;
  MakeList(h, "l");
  EXPECT_EQ(h.Run({"bitfield", "l", "get", "u8", "0"}).ToString(), kWrongType);
  EXPECT_EQ(h.Run({"bitfield", "l", "set", "u8", "0", "1"}).ToString(), kWrongType);
  EXPECT_EQ(h.Run({"bitfield", "l", "get", "u64", "0"}).ToString(), kBadType);
}

TEST(BitFieldRoCommandTest, ReadsFields) {
  CommandHarness h;
  h.Run({"set", "k", "AB"});
  EXPECT_EQ(h.Run({"bitfield_ro", "k", "get", "u8", "0", "get", "u8", "#1"}).ToString(),
            "[65, 66]");
  EXPECT_EQ(h.Run({"bitfield_ro", "k"}).ToString(), "[]");
  EXPECT_EQ(h.Run({"bitfield_ro", "k", "overflow", "sat"}).ToString(), "[]");
}

TEST(BitFieldRoCommandTest, RefusesWritesAfterParsing) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"bitfield_ro", "k", "set", "u8", "0", "1"}).ToString(),
            "ERR BITFIELD_RO only supports the GET subcommand");
  EXPECT_EQ(h.Run({"bitfield_ro", "k", "incrby", "u8", "0", "1"}).ToString(),
            "ERR BITFIELD_RO only supports the GET subcommand");
  EXPECT_EQ(h.Run({"bitfield_ro", "k", "set", "u8", "0", "x"}).ToString(), kNotInteger);
  EXPECT_EQ(h.Run({"exists", "k"}).integer, 0);
}

TEST(BitFieldCommandTest, KeyFlagsDependOnTheSubcommands) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"command", "getkeysandflags", "bitfield", "k", "get", "u8", "0"}).ToString(),
            "[[k, [RO, access]]]");
  EXPECT_EQ(h.Run({"command", "getkeysandflags", "bitfield", "k", "get", "u8", "0", "set", "u8",
                   "0", "1"})
                .ToString(),
            "[[k, [RW, access, update]]]");
  EXPECT_EQ(h.Run({"command", "getkeysandflags", "bitfield", "k", "overflow", "sat", "get", "u8",
                   "0"})
                .ToString(),
            "[[k, [RO, access]]]");
  EXPECT_EQ(h.Run({"command", "getkeysandflags", "bitfield", "k"}).ToString(),
            "[[k, [RO, access]]]");
  // An incomplete GET is not a read.
  EXPECT_EQ(h.Run({"command", "getkeysandflags", "bitfield", "k", "get", "u8"}).ToString(),
            "[[k, [RW, access, update]]]");
}

// ------------------------------------------------------------------ propagation

class RecordingSink final : public server::EffectSink {
 public:
  void Write(int db, std::span<const std::string> args) override {
    std::string line = std::to_string(db) + ":";
    for (const auto& a : args) line += " " + a;
    lines.push_back(line);
  }
  std::vector<std::string> lines;
};

TEST(BitmapPropagationTest, WritesGoOutAsReceivedOnlyWhenTheyChangeSomething) {
  CommandHarness h;
  RecordingSink sink;
  h.server().propagation().AddSink(&sink);
  h.Run({"setbit", "k", "0", "1"});
  h.Run({"setbit", "k", "0", "1"});                                         // no change
  h.Run({"bitfield", "k", "get", "u8", "0"});                               // read only
  h.Run({"bitfield", "k", "overflow", "fail", "incrby", "u2", "0", "9"});   // refused
  h.Run({"bitfield", "k", "incrby", "u2", "0", "1"});
  h.Run({"bitfield_ro", "k", "get", "u8", "0"});
  h.Run({"bitop", "not", "d", "k"});
  h.Run({"bitop", "or", "e", "missing"});                                   // nothing to delete
  h.Run({"getbit", "k", "0"});
  h.Run({"bitcount", "k"});
  h.Run({"bitpos", "k", "1"});
  h.server().propagation().RemoveSink(&sink);
  EXPECT_EQ(sink.lines, (std::vector<std::string>{"0: setbit k 0 1",
                                                  "0: bitfield k incrby u2 0 1",
                                                  "0: bitop not d k"}));
}

}  // namespace
}  // namespace osprey::testing
