// A stream entry ID: "<ms>-<seq>", two unsigned 64-bit numbers, ordered by
// ms and then seq. Entries of a stream, consumer-group positions and
// pending-entry lists are all keyed by it.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace osprey::types {

struct StreamID {
  uint64_t ms = 0;
  uint64_t seq = 0;

  static constexpr StreamID Min() { return {0, 0}; }
  static constexpr StreamID Max() {
    return {std::numeric_limits<uint64_t>::max(), std::numeric_limits<uint64_t>::max()};
  }

  friend constexpr auto operator<=>(const StreamID&, const StreamID&) = default;
  friend constexpr bool operator==(const StreamID&, const StreamID&) = default;

  // The next / previous ID (seq carries into ms). False, leaving the ID
  // unchanged, when it is already Max() / Min().
  bool Increment();
  bool Decrement();

  // "<ms>-<seq>".
  std::string ToString() const;
  // Writes "<ms>-<seq>" into buf and returns its length.
  // REQUIRES: buf has room for kStreamIdMaxText bytes.
  size_t Format(char* buf) const;

  // The 16-byte big-endian form (ms then seq): how RDB stores node keys and
  // pending-entry IDs, and why byte order equals ID order.
  void EncodeBigEndian(uint8_t out[16]) const;
  static StreamID DecodeBigEndian(const uint8_t in[16]);
};

// Longest text Format writes: two 20-digit numbers and the dash.
inline constexpr size_t kStreamIdMaxText = 41;

// Parses a client's ID the way Redis does:
//  - "-" is Min() and "+" is Max(), unless `strict` (XADD, XSETID, group IDs
//    refuse them);
//  - "<ms>" alone takes `missing_seq` as its seq (0 for a range start,
//    UINT64_MAX for a range end);
//  - "<ms>-<seq>": each part an unsigned 64-bit decimal;
//  - "<ms>-*" only when `seq_given` is non-null (XADD): *seq_given becomes
//    false and seq 0. Otherwise *seq_given (when non-null) becomes true.
// Returns false for anything else ("ERR Invalid stream ID specified as
// stream command argument"). "*" and "$" / ">" are the callers' business.
bool ParseStreamID(std::string_view text, uint64_t missing_seq, bool strict, StreamID* out,
                   bool* seq_given = nullptr);

}  // namespace osprey::types
