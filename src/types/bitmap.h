// Bit operations on byte strings, the way the bitmap commands (SETBIT,
// BITCOUNT, BITPOS, BITOP, BITFIELD) see a string: bit 0 is the most
// significant bit of the first byte, bit 8 the most significant of the
// second, and so on. Nothing here knows about keys or clients; the handlers
// in handlers/bitmap_handlers.cc find the strings and call these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace osprey::types {

// ------------------------------------------------------------ single bits

// The bit at `offset`; bits past the end of `bytes` read as 0.
bool GetBit(std::string_view bytes, uint64_t offset);
// Sets the bit at `offset` to `value`. REQUIRES: offset < 8 * size of `bytes`.
void SetBit(char* bytes, uint64_t offset, bool value);

// ------------------------------------------------------------ scanning

// Number of bits set in `bytes`; 64 bits at a time.
uint64_t PopCount(std::string_view bytes);
// Number of bits set among bits [first, last] of `bytes`.
// REQUIRES: first <= last < 8 * bytes.size().
uint64_t CountBits(std::string_view bytes, uint64_t first, uint64_t last);
// Position of the first bit equal to `bit` among bits [first, last] of
// `bytes`, or -1 when there is none. REQUIRES: first <= last < 8 * bytes.size().
int64_t FindBit(std::string_view bytes, bool bit, uint64_t first, uint64_t last);

// ------------------------------------------------------------ BITOP

enum class BitOp : uint8_t { kAnd, kOr, kXor, kNot };

// Combines `sources` byte by byte into `out`, `len` bytes long, where `len`
// is the length of the longest source; shorter sources count as padded with
// zero bytes. kNot takes exactly one source. REQUIRES: `out` does not
// overlap a source.
void CombineBits(BitOp op, std::span<const std::string_view> sources, char* out, size_t len);

// ------------------------------------------------------------ bitfields
//
// A bitfield is an integer of 1 to 64 bits stored at any bit offset, most
// significant bit first. Signed fields are two's complement.

// The unsigned field of `bits` bits (1..64) at `offset`; bits past the end
// of `bytes` read as 0.
uint64_t GetUnsignedField(std::string_view bytes, uint64_t offset, unsigned bits);
// The same field read as signed.
int64_t GetSignedField(std::string_view bytes, uint64_t offset, unsigned bits);
// Stores the low `bits` bits of `value` as the field at `offset`.
// REQUIRES: offset + bits <= 8 * size of `bytes`.
void SetField(char* bytes, uint64_t offset, unsigned bits, uint64_t value);

// What BITFIELD does when a SET or INCRBY does not fit the field.
enum class FieldOverflow : uint8_t {
  kWrap,  // keep the low bits (modular arithmetic; signed fields wrap around)
  kSat,   // clamp to the smallest or largest value of the field
  kFail,  // leave the field alone and report nothing
};

// Whether `value` + `incr` falls outside an unsigned field of `bits` bits
// (1..63). When it does, *result is set to what kWrap or kSat stores (left
// alone for kFail). SET passes the new value with an increment of 0, so a
// negative SET value (seen as a huge unsigned one) saturates to the maximum.
bool UnsignedFieldOverflows(uint64_t value, int64_t incr, unsigned bits, FieldOverflow mode,
                            uint64_t* result);
// The same for a signed field of `bits` bits (1..64). The range tests use
// wrapping differences exactly as Redis 7.0 does, so the rare SET of a value
// within `max` of INT64_MIN into a narrow field saturates to the maximum,
// as it does there.
bool SignedFieldOverflows(int64_t value, int64_t incr, unsigned bits, FieldOverflow mode,
                          int64_t* result);

}  // namespace osprey::types
