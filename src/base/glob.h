// Glob-style pattern matching with Redis's exact rules, as used by KEYS,
// SCAN MATCH, PSUBSCRIBE/PUNSUBSCRIBE, CONFIG GET, COMMAND LIST FILTERBY
// PATTERN and ACL key/channel patterns. Runs in O(|pattern| * |str|) time and
// constant space, whatever the pattern.
#pragma once

#include <string_view>

namespace osprey::base {

// Returns whether `str` matches `pattern`. Both are arbitrary bytes.
//
//   *        any run of bytes, including none
//   ?        any one byte
//   [abc]    one byte from the set; [^abc] one byte not in it
//   [a-z]    a range; reversed bounds work too ([z-a] is [a-z])
//   \x       the byte x, outside or inside brackets
//
// Redis's corner cases, reproduced:
//   - The empty string matches only the empty pattern: "*" does not match "".
//     (KEYS and SCAN special-case the pattern "*" before matching, so they do
//     list an empty key for "*", but not for "**".)
//   - "[" starts a set that runs to the end of the pattern when no ']' closes
//     it: "[ab" matches "a"; "[" alone matches nothing; "[^" matches any byte.
//   - "[]" is an empty set and never matches; "[^]" matches any byte.
//   - A '-' with nothing but the end of the pattern after it is a literal;
//     "[a-]" is the range a..']' (reversed to ']'..'a'), so "[a-]" matches
//     "_" and the ']' does not close the set.
//   - Range bounds and the byte compare as signed chars (x86 Redis), so
//     "[a-\xff]" means \xff..'a' and also matches "\x00" and "-".
//   - A trailing '\' outside brackets matches a literal '\'.
// With `nocase`, ASCII letters match either case, except a '\'-escaped byte
// inside brackets, which must match exactly. In a range the bounds are
// ordered first and lowercased after, so "[Z-a]" matches nothing at all.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase);

}  // namespace osprey::base
