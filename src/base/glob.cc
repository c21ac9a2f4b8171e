#include "base/glob.h"

#include <cstddef>
#include <utility>

namespace osprey::base {
namespace {

constexpr size_t kNoMatch = std::string_view::npos;

// Redis compares plain `char`s, which are signed on x86-64: range bounds
// above 0x7f are negative there. We follow x86 so that a pattern selects the
// same keys as on the Redis servers people actually run.
int SignedByte(char c) { return static_cast<signed char>(c); }

// glibc's tolower() in the C locale (Redis never sets LC_CTYPE), applied to
// a signed byte: ASCII letters fold, and -128..-2 come back as 128..254 (the
// table serves both signed and unsigned chars) while -1 is EOF and stays.
// Only range bounds can tell the difference; see MatchSet.
int FoldCase(int c) {
  if (c >= 'A' && c <= 'Z') return c + ('a' - 'A');
  if (c < -1) return c + 256;
  return c;
}

bool SameByte(char a, char b, bool nocase) {
  return a == b || (nocase && FoldCase(SignedByte(a)) == FoldCase(SignedByte(b)));
}

// Matches the set that starts at pattern[i] (just past its '[') against c.
// Returns the index just past the set, or kNoMatch.
size_t MatchSet(std::string_view pattern, size_t i, char c, bool nocase) {
  const size_t n = pattern.size();
  const bool negate = i < n && pattern[i] == '^';
  if (negate) ++i;
  bool found = false;
  // The loop exits with i just past the ']' or, for a set nobody closed, at
  // the end of the pattern: Redis then takes everything up to the end as
  // members.
  while (i < n) {
    const char p = pattern[i];
    if (p == '\\' && i + 1 < n) {
      // Escaped members are compared exactly, even under nocase.
      found |= pattern[i + 1] == c;
      i += 2;
    } else if (p == ']') {
      ++i;
      break;
    } else if (i + 2 < n && pattern[i + 1] == '-') {
      int low = SignedByte(p);
      int high = SignedByte(pattern[i + 2]);
      if (low > high) std::swap(low, high);
      int x = SignedByte(c);
      if (nocase) {
        // Folded after ordering, so a range can end up empty: "[Z-a]" becomes
        // z..a, and "[\x80-a]" becomes 128..97 because of the fold above.
        low = FoldCase(low);
        high = FoldCase(high);
        x = FoldCase(x);
      }
      found |= x >= low && x <= high;
      i += 3;
    } else {
      found |= SameByte(p, c, nocase);
      ++i;
    }
  }
  return found != negate ? i : kNoMatch;
}

// Matches the single-byte element at pattern[i] (anything but '*') against
// c. Returns the index of the next element, or kNoMatch.
size_t MatchElement(std::string_view pattern, size_t i, char c, bool nocase) {
  switch (pattern[i]) {
    case '?':
      return i + 1;
    case '[':
      return MatchSet(pattern, i + 1, c, nocase);
    case '\\':
      // A trailing backslash stands for itself.
      if (i + 1 < pattern.size()) ++i;
      break;
    default:
      break;
  }
  return SameByte(pattern[i], c, nocase) ? i + 1 : kNoMatch;
}

}  // namespace

// Every element except '*' consumes exactly one byte, and where an element
// ends depends on the pattern alone. That makes the classic two-cursor
// search exact: when the text after the latest '*' fails, only that '*' needs
// to absorb one more byte; earlier stars never need to be revisited, because
// any way they could grow is covered by the latest one growing. This is the
// same pruning Redis 7 added to its recursive matcher (stop as soon as a
// star's tail fails everywhere), without the recursion, so results agree and
// "a*a*a*a*b" against a long string stays polynomial.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  // Redis's matcher loops only while both sides have bytes left, so for an
  // empty string it just reports whether the pattern is empty too.
  if (str.empty()) return pattern.empty();
  const size_t n = pattern.size();
  size_t p = 0;
  size_t s = 0;
  size_t star_p = kNoMatch;  // element after the latest '*'
  size_t star_s = 0;         // where that star's expansion currently ends
  while (s < str.size()) {
    if (p < n && pattern[p] == '*') {
      while (p < n && pattern[p] == '*') ++p;
      if (p == n) return true;
      star_p = p;
      star_s = s;
      continue;
    }
    if (p < n) {
      const size_t next = MatchElement(pattern, p, str[s], nocase);
      if (next != kNoMatch) {
        p = next;
        ++s;
        continue;
      }
    }
    if (star_p == kNoMatch) return false;
    p = star_p;
    s = ++star_s;
  }
  while (p < n && pattern[p] == '*') ++p;
  return p == n;
}

}  // namespace osprey::base
