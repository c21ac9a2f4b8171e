#include "base/glob.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

// The case-sensitive expectations were checked against redis-server 7.0.15
// with KEYS over a keyspace holding the candidate strings, the nocase ones
// with COMMAND LIST FILTERBY PATTERN (which matches command names ignoring
// case).

namespace osprey::base {
namespace {

using namespace std::string_literals;

bool Match(std::string_view pattern, std::string_view str) {
  return GlobMatch(pattern, str, /*nocase=*/false);
}

bool MatchNoCase(std::string_view pattern, std::string_view str) {
  return GlobMatch(pattern, str, /*nocase=*/true);
}

// Spelled in two pieces: in "\x80et" the 'e' would extend the hex escape.
constexpr std::string_view kX80et =
    "\x80"
    "et";
constexpr std::string_view kXffEt =
    "\xff"
    "et";

TEST(GlobTest, LiteralsMatchExactly) {
  EXPECT_TRUE(Match("hello", "hello"));
  EXPECT_FALSE(Match("hello", "hell"));
  EXPECT_FALSE(Match("hello", "helloo"));
  EXPECT_FALSE(Match("hello", "Hello"));
  EXPECT_TRUE(Match("a\0b"s, "a\0b"s));
  EXPECT_FALSE(Match("a\0b"s, "a\0c"s));
}

TEST(GlobTest, QuestionMarkMatchesOneByte) {
  EXPECT_TRUE(Match("h?llo", "hello"));
  EXPECT_TRUE(Match("h?llo", "hallo"));
  EXPECT_TRUE(Match("h?llo", "h\xffllo"));
  EXPECT_FALSE(Match("h?llo", "hllo"));
  EXPECT_FALSE(Match("h?llo", "heello"));
}

TEST(GlobTest, StarMatchesAnyRun) {
  EXPECT_TRUE(Match("h*llo", "hllo"));
  EXPECT_TRUE(Match("h*llo", "heeeello"));
  EXPECT_TRUE(Match("*", "anything"));
  EXPECT_TRUE(Match("a*", "a"));
  EXPECT_TRUE(Match("*a", "a"));
  EXPECT_TRUE(Match("a**", "a"));
  EXPECT_TRUE(Match("a*b*c", "abc"));
  EXPECT_TRUE(Match("a*b*c", "aXbYc"));
  EXPECT_TRUE(Match("a*b*c", "abbbcbc"));
  EXPECT_FALSE(Match("a*b*c", "acb"));
  EXPECT_FALSE(Match("*b", "a"));
  EXPECT_FALSE(Match("a*", "ba"));
}

TEST(GlobTest, EmptyStringMatchesOnlyEmptyPattern) {
  EXPECT_TRUE(Match("", ""));
  EXPECT_FALSE(Match("*", ""));
  EXPECT_FALSE(Match("**", ""));
  EXPECT_FALSE(Match("[^", ""));
  EXPECT_FALSE(Match("?", ""));
  EXPECT_FALSE(Match("", "a"));
  EXPECT_FALSE(MatchNoCase("*", ""));
}

TEST(GlobTest, SetsMatchOneMember) {
  EXPECT_TRUE(Match("h[ae]llo", "hello"));
  EXPECT_TRUE(Match("h[ae]llo", "hallo"));
  EXPECT_FALSE(Match("h[ae]llo", "hillo"));
  EXPECT_FALSE(Match("h[ae]llo", "hllo"));
}

TEST(GlobTest, CaretNegatesASet) {
  EXPECT_TRUE(Match("h[^e]llo", "hallo"));
  EXPECT_TRUE(Match("h[^e]llo", "hxllo"));
  EXPECT_FALSE(Match("h[^e]llo", "hello"));
  EXPECT_TRUE(Match("[^a]", "^"));
  EXPECT_FALSE(Match("[^a]", "a"));
  EXPECT_TRUE(Match("[a^]", "^"));  // '^' is a member anywhere but first
}

TEST(GlobTest, RangesMatchInclusively) {
  EXPECT_TRUE(Match("h[a-b]llo", "hallo"));
  EXPECT_TRUE(Match("h[a-b]llo", "hbllo"));
  EXPECT_FALSE(Match("h[a-b]llo", "hcllo"));
  EXPECT_TRUE(Match("[0-9x]", "x"));
  EXPECT_TRUE(Match("[0-9x]", "5"));
  EXPECT_FALSE(Match("[^0-9]", "5"));
}

TEST(GlobTest, ReversedRangesWork) {
  EXPECT_TRUE(Match("[z-a]", "m"));
  EXPECT_TRUE(Match("[z-a]", "a"));
  EXPECT_TRUE(Match("[z-a]", "z"));
  EXPECT_FALSE(Match("[z-a]", "A"));
}

TEST(GlobTest, RangeBetweenCasesSpansPunctuation) {
  for (const char* s : {"Z", "[", "\\", "]", "^", "_", "`", "a"}) {
    EXPECT_TRUE(Match("[Z-a]", s)) << s;
  }
  EXPECT_FALSE(Match("[Z-a]", "b"));
  EXPECT_FALSE(Match("[Z-a]", "Y"));
}

TEST(GlobTest, EmptySetNeverMatches) {
  EXPECT_FALSE(Match("[]", "a"));
  EXPECT_FALSE(Match("[]", "]"));
  EXPECT_FALSE(Match("[]]", "]"));
  EXPECT_FALSE(Match("[]]", "]]"));
  EXPECT_FALSE(Match("[]a]", "a"));
  EXPECT_FALSE(Match("[]a]", "]"));
}

TEST(GlobTest, NegatedEmptySetMatchesAnyByte) {
  EXPECT_TRUE(Match("[^]", "a"));
  EXPECT_TRUE(Match("[^]", "]"));
  EXPECT_TRUE(Match("[^]", "\0"s));
  EXPECT_FALSE(Match("[^]", "ab"));
}

TEST(GlobTest, UnterminatedSetRunsToEndOfPattern) {
  EXPECT_TRUE(Match("[a", "a"));
  EXPECT_FALSE(Match("[a", "b"));
  EXPECT_FALSE(Match("[a", "["));
  EXPECT_TRUE(Match("[ab", "b"));
  EXPECT_TRUE(Match("ge[t", "get"));
  EXPECT_FALSE(Match("ge[t", "ge[t"));
}

TEST(GlobTest, LoneOpenBracketMatchesNothing) {
  EXPECT_FALSE(Match("[", "["));
  EXPECT_FALSE(Match("[", "a"));
  EXPECT_FALSE(Match("ge[", "ge"));
  EXPECT_FALSE(Match("ge[", "ge["));
}

TEST(GlobTest, OpenBracketCaretMatchesAnyByte) {
  EXPECT_TRUE(Match("[^", "a"));
  EXPECT_TRUE(Match("[^", "^"));
  EXPECT_TRUE(Match("[^", "\0"s));
  EXPECT_TRUE(Match("ge[^", "get"));
  EXPECT_FALSE(Match("[^", "ab"));
}

TEST(GlobTest, DashBeforeEndOfPatternIsLiteral) {
  EXPECT_TRUE(Match("[a-", "a"));
  EXPECT_TRUE(Match("[a-", "-"));
  EXPECT_FALSE(Match("[a-", "b"));
}

TEST(GlobTest, RangeCanEndWithClosingBracket) {
  // "[a-]" is the range ']'..'a' and leaves the set open.
  for (const char* s : {"]", "^", "_", "`", "a"}) {
    EXPECT_TRUE(Match("[a-]", s)) << s;
  }
  EXPECT_FALSE(Match("[a-]", "-"));
  EXPECT_FALSE(Match("[a-]", "b"));
  EXPECT_TRUE(Match("[a-]x]", "x"));  // 'x' is a member; the next ']' closes
  EXPECT_FALSE(Match("[a-]x]", "ax"));
}

TEST(GlobTest, BackslashEscapesOutsideSets) {
  EXPECT_TRUE(Match("\\*", "*"));
  EXPECT_FALSE(Match("\\*", "a"));
  EXPECT_TRUE(Match("\\?", "?"));
  EXPECT_FALSE(Match("\\?", "a"));
  EXPECT_TRUE(Match("\\[", "["));
  EXPECT_TRUE(Match("\\\\", "\\"));
  EXPECT_TRUE(Match("\\a", "a"));
  EXPECT_TRUE(Match("*\\*", "x*"));
  EXPECT_FALSE(Match("*\\*", "x"));
}

TEST(GlobTest, TrailingBackslashIsLiteral) {
  EXPECT_TRUE(Match("\\", "\\"));
  EXPECT_TRUE(Match("a\\", "a\\"));
  EXPECT_FALSE(Match("a\\", "a"));
  EXPECT_TRUE(Match("*\\", "\\"));
  EXPECT_TRUE(Match("*\\", "x\\"));
}

TEST(GlobTest, BackslashEscapesInsideSets) {
  EXPECT_TRUE(Match("[\\]]", "]"));
  EXPECT_TRUE(Match("[\\-a]", "-"));
  EXPECT_TRUE(Match("[\\-a]", "a"));
  EXPECT_FALSE(Match("[\\-a]", "b"));
  EXPECT_FALSE(Match("[\\-a]", "\\"));
  EXPECT_TRUE(Match("[\\^]", "^"));
  EXPECT_FALSE(Match("[\\^]", "a"));
  // An escaped ']' does not close the set, so "[\]" runs to the end.
  EXPECT_TRUE(Match("[\\]", "]"));
  EXPECT_FALSE(Match("[\\]", "\\"));
}

TEST(GlobTest, BackslashAtEndOfSetIsLiteral) {
  EXPECT_TRUE(Match("[\\", "\\"));
  EXPECT_FALSE(Match("[\\", "a"));
  EXPECT_TRUE(Match("[a\\", "\\"));
}

TEST(GlobTest, BackslashCanBoundARange) {
  // "[a-\]" is the range '\'..'a', closed by the ']'.
  for (const char* s : {"\\", "]", "^", "_", "a"}) {
    EXPECT_TRUE(Match("[a-\\]", s)) << s;
  }
  EXPECT_FALSE(Match("[a-\\]", "["));
  EXPECT_FALSE(Match("[a-\\]", "b"));
}

TEST(GlobTest, NulBytesAreOrdinaryMembers) {
  EXPECT_TRUE(Match("[\0]"s, "\0"s));
  EXPECT_FALSE(Match("[\0]"s, "a"));
  for (std::string s : {"\0"s, "-"s, "A"s, "a"s}) {
    EXPECT_TRUE(Match("[\0-a]"s, s));
  }
  EXPECT_FALSE(Match("[\0-a]"s, "b"));
}

TEST(GlobTest, RangesCompareBytesAsSignedChars) {
  // \xff is -1, so [a-\xff] is the range -1..'a'.
  for (std::string s : {"\xff"s, "\0"s, "-"s, "A"s, "a"s}) {
    EXPECT_TRUE(Match("[a-\xff]", s));
    EXPECT_TRUE(Match("[\xff-a]", s));
  }
  EXPECT_FALSE(Match("[a-\xff]", "b"));
  EXPECT_FALSE(Match("[a-\xff]", "\x80"));
  EXPECT_TRUE(Match("[\x80-z]et", kX80et));
  EXPECT_TRUE(Match("[\x80-z]et", "Get"));
  EXPECT_TRUE(Match("[a-\xfe]et", "Get"));
  EXPECT_FALSE(Match("[a-\xfe]et", "get"));
  EXPECT_FALSE(Match("[a-\xfe]et", kX80et));
}

TEST(GlobTest, NoCaseFoldsAsciiLetters) {
  EXPECT_TRUE(MatchNoCase("GET", "get"));
  EXPECT_TRUE(MatchNoCase("get", "GET"));
  EXPECT_TRUE(MatchNoCase("g?T", "get"));
  EXPECT_TRUE(MatchNoCase("[G]et", "get"));
  EXPECT_TRUE(MatchNoCase("[F-H]et", "get"));
  EXPECT_TRUE(MatchNoCase("[f-h]ET", "Get"));
  EXPECT_TRUE(MatchNoCase("\\G", "g"));  // escapes outside sets fold too
  EXPECT_TRUE(MatchNoCase("ge[t", "geT"));
  EXPECT_TRUE(MatchNoCase("ge[^", "get"));
  EXPECT_FALSE(MatchNoCase("ge[", "get"));
  EXPECT_FALSE(MatchNoCase("[^G]et", "get"));
  EXPECT_FALSE(MatchNoCase("\xe9", "\xc9"));  // bytes above ASCII never fold
}

TEST(GlobTest, NoCaseKeepsEscapedSetMembersExact) {
  EXPECT_FALSE(MatchNoCase("[\\G]et", "get"));
  EXPECT_TRUE(MatchNoCase("[\\g]et", "get"));
  EXPECT_TRUE(MatchNoCase("[\\g]et", "gET"));
  EXPECT_FALSE(MatchNoCase("[\\g]et", "Get"));
}

TEST(GlobTest, NoCaseFoldsRangeBoundsAfterOrderingThem) {
  // 'Z'..'a' folds to 'z'..'a', an empty range.
  for (const char* s : {"zet", "aet", "Zet", "_et", "get"}) {
    EXPECT_FALSE(MatchNoCase("[Z-a]et", s)) << s;
  }
}

TEST(GlobTest, NoCaseFoldsHighByteRangeBoundsLikeGlibc) {
  // glibc's tolower() maps the signed bytes -128..-2 to 128..254 and keeps
  // -1 (EOF): [\x80-z] becomes 128..'z' (empty) while [\xff-z] stays -1..'z'.
  EXPECT_FALSE(MatchNoCase("[\x80-z]et", "get"));
  EXPECT_FALSE(MatchNoCase("[\x80-z]et", "set"));
  EXPECT_FALSE(MatchNoCase("[\x80-z]et", kX80et));
  EXPECT_FALSE(MatchNoCase("[a-\xfe]et", "get"));
  EXPECT_TRUE(MatchNoCase("[\xff-z]et", "get"));
  EXPECT_TRUE(MatchNoCase("[\xff-z]et", "set"));
  EXPECT_TRUE(MatchNoCase("[\xff-z]et", kXffEt));
  EXPECT_TRUE(MatchNoCase("[\x80-\xfe]", "\x90"));
  EXPECT_FALSE(MatchNoCase("[\x80-\xfe]", "a"));
}

TEST(GlobTest, ReadsOnlyTheGivenViews) {
  // Redis looks one byte past the pattern in places, trusting a NUL there;
  // with views into larger buffers the bytes after the end must not count.
  const std::string pattern_buffer = "a*[^]";
  EXPECT_FALSE(Match(std::string_view(pattern_buffer).substr(0, 1), "ab"));
  EXPECT_FALSE(Match(std::string_view(pattern_buffer).substr(2, 1), "x"));
  EXPECT_TRUE(Match(std::string_view(pattern_buffer).substr(2, 2), "x"));
  const std::string str_buffer = "abc";
  EXPECT_TRUE(Match("ab", std::string_view(str_buffer).substr(0, 2)));
  EXPECT_TRUE(Match("a*", std::string_view(str_buffer).substr(0, 1)));
}

TEST(GlobTest, ManyStarsStayFast) {
  const std::string as(20000, 'a');
  EXPECT_FALSE(Match("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", as));
  EXPECT_TRUE(Match("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", as + "b"));
  EXPECT_FALSE(Match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*", std::string(20000, 'b')));
  EXPECT_FALSE(Match("*?*?*?*?*?*?*?*?*?*?*?*?*c", as));
  EXPECT_FALSE(Match("*[a]*[a]*[a]*[a]*[a]*[a]*[a]*[^a]", as));
  EXPECT_TRUE(MatchNoCase("*A*A*A*A*A*A*A*A*A*A*A*A*A*A*A*A*B", as + "b"));
}

}  // namespace
}  // namespace osprey::base
