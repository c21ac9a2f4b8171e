#include "commands/key_extraction.h"

#include <gtest/gtest.h>

#include <string_view>
#include <utility>
#include <vector>

#include "commands/command_table.h"

namespace osprey::commands {
namespace {

using Keys = std::vector<std::pair<int, uint32_t>>;  // (position, flags)

KeySpec Range(int pos, int lastkey, int step = 1, int limit = 0, uint32_t flags = kKeyRW) {
  KeySpec s;
  s.flags = flags;
  s.begin_type = BeginSearchType::kIndex;
  s.index_pos = pos;
  s.find_type = FindKeysType::kRange;
  s.range_lastkey = lastkey;
  s.range_keystep = step;
  s.range_limit = limit;
  return s;
}

KeySpec KeywordRange(const char* keyword, int startfrom, int lastkey, uint32_t flags = kKeyRO) {
  KeySpec s = Range(1, lastkey, 1, 0, flags);
  s.begin_type = BeginSearchType::kKeyword;
  s.keyword = keyword;
  s.keyword_startfrom = startfrom;
  return s;
}

KeySpec Keynum(int pos, int keynumidx, int firstkey, int step = 1, uint32_t flags = kKeyRO) {
  KeySpec s = Range(pos, 0, 1, 0, flags);
  s.find_type = FindKeysType::kKeynum;
  s.keynum_index = keynumidx;
  s.keynum_firstkey = firstkey;
  s.keynum_keystep = step;
  return s;
}

// A command made of the given specs.
struct FakeCommand {
  explicit FakeCommand(std::vector<KeySpec> s, int arity = -2) : specs(std::move(s)) {
    def.name = def.fullname = "fake";
    def.arity = arity;
    def.key_specs = specs.data();
    def.num_key_specs = static_cast<int>(specs.size());
  }
  std::vector<KeySpec> specs;
  CommandDef def;
};

// Runs GetKeysFromSpecs; returns the count and the keys found.
std::pair<int, Keys> FromSpecs(const CommandDef& cmd, std::vector<std::string_view> args,
                               uint32_t search = kKeySearchDefault) {
  KeysResult result;
  result.keys.push_back({99, 0});  // must be cleared
  int n = GetKeysFromSpecs(cmd, args, search, &result);
  Keys keys;
  for (const KeyReference& k : result.keys) keys.emplace_back(k.pos, k.flags);
  return {n, keys};
}

TEST(KeyExtractionTest, IndexRangeSingleKey) {
  FakeCommand get({Range(1, 0, 1, 0, kKeyRO | kKeyAccess)}, 2);
  EXPECT_EQ(FromSpecs(get.def, {"get", "k"}),
            (std::pair<int, Keys>{1, {{1, kKeyRO | kKeyAccess}}}));
}

TEST(KeyExtractionTest, RangeToTheEnd) {
  FakeCommand del({Range(1, -1)});
  EXPECT_EQ(FromSpecs(del.def, {"del", "a", "b", "c"}).second,
            (Keys{{1, kKeyRW}, {2, kKeyRW}, {3, kKeyRW}}));
  // BLPOP-like: every argument but the last (the timeout).
  FakeCommand blpop({Range(1, -2)});
  EXPECT_EQ(FromSpecs(blpop.def, {"blpop", "a", "b", "0"}).second,
            (Keys{{1, kKeyRW}, {2, kKeyRW}}));
}

TEST(KeyExtractionTest, RangeWithStep) {
  FakeCommand mset({Range(1, -1, 2)});
  EXPECT_EQ(FromSpecs(mset.def, {"mset", "a", "1", "b", "2"}).second,
            (Keys{{1, kKeyRW}, {3, kKeyRW}}));
  // An odd count still yields the key positions up to the end, as in Redis.
  EXPECT_EQ(FromSpecs(mset.def, {"mset", "a", "1", "b"}).second, (Keys{{1, kKeyRW}, {3, kKeyRW}}));
}

TEST(KeyExtractionTest, RangeWithLimitTakesAShareOfTheRest) {
  // lastkey -1 with limit 2: half of the arguments from `first` on are keys.
  FakeCommand cmd({Range(1, -1, 1, 2)});
  EXPECT_EQ(FromSpecs(cmd.def, {"x", "a", "b", "c", "d"}).second, (Keys{{1, kKeyRW}, {2, kKeyRW}}));
  EXPECT_EQ(FromSpecs(cmd.def, {"x", "a", "b", "c"}).second, (Keys{{1, kKeyRW}}));
}

TEST(KeyExtractionTest, PositionsPastTheEndMakeTheSpecInvalid) {
  FakeCommand copy({Range(1, 0), Range(2, 0)}, -3);
  EXPECT_EQ(FromSpecs(copy.def, {"copy", "a"}).first, -1);
  EXPECT_EQ(FromSpecs(copy.def, {"copy", "a"}).second, Keys{});
  // With a partial search the specs that fit still give their keys.
  EXPECT_EQ(FromSpecs(copy.def, {"copy", "a"}, kKeySearchReturnPartial),
            (std::pair<int, Keys>{1, {{1, kKeyRW}}}));
  FakeCommand lcs({Range(1, 1)}, -3);
  EXPECT_EQ(FromSpecs(lcs.def, {"lcs", "a"}).first, -1);
  FakeCommand del({Range(1, -1)});
  EXPECT_EQ(FromSpecs(del.def, {"del"}).first, -1);  // last < first
}

TEST(KeyExtractionTest, KeywordSearchedForward) {
  // GEORADIUS-like STORE key: search from argument 6 on.
  FakeCommand cmd({Range(1, 0, 1, 0, kKeyRO), KeywordRange("STORE", 6, 0, kKeyOW)});
  EXPECT_EQ(FromSpecs(cmd.def, {"g", "k", "1", "2", "3", "m", "store", "dst", "x"}).second,
            (Keys{{1, kKeyRO}, {7, kKeyOW}}));
  // Keyword absent: that spec adds nothing, and the search succeeds.
  EXPECT_EQ(FromSpecs(cmd.def, {"g", "k", "1", "2", "3", "m", "x", "y"}),
            (std::pair<int, Keys>{1, {{1, kKeyRO}}}));
  // The last argument is never looked at (no key could follow it).
  EXPECT_EQ(FromSpecs(cmd.def, {"g", "k", "1", "2", "3", "m", "x", "STORE"}).first, 1);
  // A keyword before startfrom is not seen.
  EXPECT_EQ(FromSpecs(cmd.def, {"g", "k", "store", "2", "3", "m", "x", "y"}).first, 1);
}

TEST(KeyExtractionTest, KeywordSearchedBackward) {
  // MIGRATE-like: KEYS searched from the second to last argument backwards.
  FakeCommand migrate({KeywordRange("KEYS", -2, -1)});
  EXPECT_EQ(FromSpecs(migrate.def, {"migrate", "h", "p", "", "0", "5", "keys", "a", "b"}).second,
            (Keys{{7, kKeyRO}, {8, kKeyRO}}));
  // The search starts at argc-2: a KEYS in the last position is not seen.
  EXPECT_EQ(FromSpecs(migrate.def, {"migrate", "h", "p", "k", "0", "5", "KEYS"}).first, 0);
  // Nor is one in position 1.
  EXPECT_EQ(FromSpecs(migrate.def, {"migrate", "keys", "a", "b"}).first, 0);
  // A start before the first argument finds nothing rather than reading out of bounds.
  FakeCommand far({KeywordRange("KEYS", -10, -1)});
  EXPECT_EQ(FromSpecs(far.def, {"x", "keys", "a"}).first, 0);
}

TEST(KeyExtractionTest, Keynum) {
  // ZUNIONSTORE-like: destination at 1, numkeys at 2, keys after it.
  FakeCommand cmd({Range(1, 0, 1, 0, kKeyOW), Keynum(2, 0, 1)}, -4);
  EXPECT_EQ(FromSpecs(cmd.def, {"z", "d", "2", "a", "b", "WEIGHTS", "1", "2"}).second,
            (Keys{{1, kKeyOW}, {3, kKeyRO}, {4, kKeyRO}}));
  EXPECT_EQ(FromSpecs(cmd.def, {"z", "d", "0", "a"}).first, -1);       // no keys: last < first
  EXPECT_EQ(FromSpecs(cmd.def, {"z", "d", "-1", "a"}).first, -1);      // negative
  EXPECT_EQ(FromSpecs(cmd.def, {"z", "d", "x", "a"}).first, -1);       // not a number
  EXPECT_EQ(FromSpecs(cmd.def, {"z", "d", "01", "a"}).first, -1);      // not canonical
  EXPECT_EQ(FromSpecs(cmd.def, {"z", "d", "3", "a", "b"}).first, -1);  // too many
  EXPECT_EQ(FromSpecs(cmd.def, {"z", "d", "99999999999999999999", "a"}).first, -1);
  EXPECT_EQ(FromSpecs(cmd.def, {"z", "d"}).first, -1);  // numkeys missing
}

TEST(KeyExtractionTest, KeynumWithStepAndOffset) {
  // Every other argument, from two after numkeys on; as in Redis, numkeys
  // counts argument positions from the first key, not keys.
  FakeCommand cmd({Keynum(1, 0, 2, 2)});
  EXPECT_EQ(FromSpecs(cmd.def, {"x", "3", "opt", "a", "v", "b", "w"}).second,
            (Keys{{3, kKeyRO}, {5, kKeyRO}}));
}

TEST(KeyExtractionTest, UnknownSpecFailsUnlessPartial) {
  KeySpec unknown;
  unknown.flags = kKeyRW;
  unknown.begin_type = BeginSearchType::kUnknown;
  unknown.find_type = FindKeysType::kUnknown;
  FakeCommand cmd({Range(1, 0), unknown});
  EXPECT_EQ(FromSpecs(cmd.def, {"x", "a", "b"}).first, -1);
  EXPECT_EQ(FromSpecs(cmd.def, {"x", "a", "b"}, kKeySearchReturnPartial).first, 1);
  KeySpec unknown_find = Range(2, 0);
  unknown_find.find_type = FindKeysType::kUnknown;
  FakeCommand cmd2({unknown_find});
  EXPECT_EQ(FromSpecs(cmd2.def, {"x", "a", "b"}).first, -1);
}

TEST(KeyExtractionTest, IncompleteSpecGivesKeysOnlyToPartialSearches) {
  FakeCommand cmd({Range(1, 0, 1, 0, kKeyRW | kKeyIncomplete)});
  EXPECT_EQ(FromSpecs(cmd.def, {"x", "a"}), (std::pair<int, Keys>{-1, {}}));
  EXPECT_EQ(FromSpecs(cmd.def, {"x", "a"}, kKeySearchReturnPartial),
            (std::pair<int, Keys>{1, {{1, kKeyRW | kKeyIncomplete}}}));
}

TEST(KeyExtractionTest, NotKeySpecsAreSkippedUnlessAskedFor) {
  FakeCommand cmd({Range(1, 0, 1, 0, kKeyRO | kKeyNotKey), Range(2, 0)});
  EXPECT_EQ(FromSpecs(cmd.def, {"x", "a", "b"}).second, (Keys{{2, kKeyRW}}));
  EXPECT_EQ(FromSpecs(cmd.def, {"x", "a", "b"}, kKeySearchIncludeNotKeys).second,
            (Keys{{1, kKeyRO | kKeyNotKey}, {2, kKeyRW}}));
  EXPECT_TRUE(CommandHasKeys(cmd.def));
  FakeCommand only_not_keys({Range(1, 0, 1, 0, kKeyRO | kKeyNotKey)});
  EXPECT_FALSE(CommandHasKeys(only_not_keys.def));
  FakeCommand none({});
  EXPECT_FALSE(CommandHasKeys(none.def));
}

TEST(KeyExtractionTest, GetKeysFallsBackToTheCommandsOwnFinder) {
  // Variable flags: the specs are not used even though they would match.
  FakeCommand cmd({Range(1, 0, 1, 0, kKeyRW | kKeyVariableFlags)});
  KeysResult result;
  std::vector<std::string_view> args = {"x", "a"};
  EXPECT_EQ(GetKeys(cmd.def, args, kKeySearchDefault, &result), 0);
  cmd.def.get_keys = &SetGetKeys;
  EXPECT_TRUE(CommandHasKeys(cmd.def));
  EXPECT_EQ(GetKeys(cmd.def, args, kKeySearchDefault, &result), 1);
  // Invalid specs fall back to the finder as well.
  FakeCommand bad({Range(1, 5)});
  bad.def.get_keys = &SetGetKeys;
  EXPECT_EQ(GetKeys(bad.def, args, kKeySearchDefault, &result), 1);
  bad.def.get_keys = nullptr;
  EXPECT_EQ(GetKeys(bad.def, args, kKeySearchDefault, &result), 0);
  EXPECT_TRUE(result.keys.empty());
}

// The same requests as test_command_table.py asks redis-server about.
TEST(KeyExtractionTest, RealCommands) {
  CommandTable table;
  auto keys = [&](std::vector<std::string_view> args) {
    KeysResult result;
    GetKeys(*table.Lookup(args), args, kKeySearchDefault, &result);
    Keys out;
    for (const KeyReference& k : result.keys) out.emplace_back(k.pos, k.flags);
    return out;
  };
  EXPECT_EQ(keys({"get", "k"}), (Keys{{1, kKeyRO | kKeyAccess}}));
  EXPECT_EQ(keys({"set", "k", "v"}), (Keys{{1, kKeyOW | kKeyUpdate}}));
  EXPECT_EQ(keys({"set", "k", "v", "nx", "GeT"}), (Keys{{1, kKeyRW | kKeyAccess | kKeyUpdate}}));
  // "get" as the value does not count: the search starts after it.
  EXPECT_EQ(keys({"set", "k", "get"}), (Keys{{1, kKeyOW | kKeyUpdate}}));
  EXPECT_EQ(keys({"mset", "a", "1", "b", "2"}),
            (Keys{{1, kKeyOW | kKeyUpdate}, {3, kKeyOW | kKeyUpdate}}));
  EXPECT_EQ(keys({"copy", "a", "b", "db", "1"}),
            (Keys{{1, kKeyRO | kKeyAccess}, {2, kKeyOW | kKeyUpdate}}));
  EXPECT_EQ(keys({"object", "encoding", "k"}), (Keys{{2, kKeyRO}}));
  EXPECT_EQ(keys({"rename", "a", "b"}),
            (Keys{{1, kKeyRW | kKeyAccess | kKeyDelete}, {2, kKeyOW | kKeyUpdate}}));
  EXPECT_EQ(keys({"ping"}), Keys{});
}

TEST(KeyExtractionTest, SetGetKeysComparesTheWholeArgument) {
  FakeCommand set({});
  KeysResult result;
  std::vector<std::string_view> args = {"set", "k", "v", "gets"};
  SetGetKeys(set.def, args, &result);
  EXPECT_EQ(result.keys[0].flags, uint32_t{kKeyOW | kKeyUpdate});
  args = {"set", "k", "v", std::string_view("get\0x", 5)};  // C-string comparison in Redis
  SetGetKeys(set.def, args, &result);
  EXPECT_EQ(result.keys[0].flags, uint32_t{kKeyRW | kKeyAccess | kKeyUpdate});
  args = {"set"};
  EXPECT_EQ(SetGetKeys(set.def, args, &result), 0);
}

TEST(KeyExtractionTest, SortFindsTheLastStoreAndSkipsOptionArguments) {
  CommandTable table;
  auto keys = [&](std::vector<std::string_view> args) {
    KeysResult result;
    GetKeys(*table.Lookup(args), args, kKeySearchDefault, &result);
    Keys out;
    for (const KeyReference& k : result.keys) out.emplace_back(k.pos, k.flags);
    return out;
  };
  const Keys sorted_only = {{1, kKeyRO | kKeyAccess}};
  EXPECT_EQ(keys({"sort", "k"}), sorted_only);
  EXPECT_EQ(keys({"sort", "k", "store", "d"}),
            (Keys{{1, kKeyRO | kKeyAccess}, {3, kKeyOW | kKeyUpdate}}));
  EXPECT_EQ(keys({"sort", "k", "STORE", "a", "limit", "0", "1", "store", "b"}),
            (Keys{{1, kKeyRO | kKeyAccess}, {8, kKeyOW | kKeyUpdate}}));
  // Patterns and LIMIT values spelled "store" are arguments, not the option.
  EXPECT_EQ(keys({"sort", "k", "by", "store", "get", "store"}), sorted_only);
  EXPECT_EQ(keys({"sort", "k", "limit", "store", "store"}), sorted_only);
  EXPECT_EQ(keys({"sort", "k", "store"}), sorted_only);
  EXPECT_EQ(keys({"sort", "k", "alpha", std::string_view("store\0x", 7), "d"}),
            (Keys{{1, kKeyRO | kKeyAccess}, {4, kKeyOW | kKeyUpdate}}));
  EXPECT_EQ(keys({"sort_ro", "k", "store", "d"}), sorted_only);
}

}  // namespace
}  // namespace osprey::commands
