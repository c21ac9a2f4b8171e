#include "types/bitmap.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace osprey::types {

namespace {

// Popcount over big strings is the hot loop of BITCOUNT. The portable build
// targets plain x86-64, whose popcount is a library call; a second copy
// built for the POPCNT instruction is picked at load time where the CPU has
// it (glibc ifunc).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(OSPREY_SANITIZED)
#define OSPREY_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define OSPREY_POPCNT_CLONES
#endif

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

uint64_t Load64(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof(w));
  return w;
}

void Store64(uint8_t* p, uint64_t w) { std::memcpy(p, &w, sizeof(w)); }

// Eight bytes as one word whose most significant bit is bit 0 of the first
// byte, so countl_zero gives bitmap positions.
uint64_t LoadBitOrder64(const uint8_t* p) {
  const uint64_t w = Load64(p);
  if constexpr (std::endian::native == std::endian::little) return __builtin_bswap64(w);
  return w;
}

OSPREY_POPCNT_CLONES uint64_t PopCountBytes(const uint8_t* p, size_t n) {
  uint64_t a = 0, b = 0, c = 0, d = 0;
  size_t i = 0;
  // Four independent sums keep the popcount unit busy.
  for (; i + 32 <= n; i += 32) {
    a += static_cast<uint64_t>(__builtin_popcountll(Load64(p + i)));
    b += static_cast<uint64_t>(__builtin_popcountll(Load64(p + i + 8)));
    c += static_cast<uint64_t>(__builtin_popcountll(Load64(p + i + 16)));
    d += static_cast<uint64_t>(__builtin_popcountll(Load64(p + i + 24)));
  }
  for (; i + 8 <= n; i += 8) a += static_cast<uint64_t>(__builtin_popcountll(Load64(p + i)));
  for (; i < n; ++i) b += static_cast<uint64_t>(__builtin_popcount(p[i]));
  return a + b + c + d;
}

// The byte with the bits we look for set: itself when looking for ones,
// its complement when looking for zeros.
uint8_t Matching(uint8_t byte, bool bit) { return bit ? byte : static_cast<uint8_t>(~byte); }

// Bits `from`..7 of a byte (0 = most significant).
uint8_t MaskFrom(unsigned from) { return static_cast<uint8_t>(0xFFu >> from); }
// Bits 0..`to` of a byte.
uint8_t MaskTo(unsigned to) { return static_cast<uint8_t>(0xFFu << (7 - to)); }

int64_t FirstSetInByte(uint8_t b) { return std::countl_zero(b); }

// The first bit equal to `bit` in `n` bytes from `p`, counted from p's
// first bit; -1 when there is none. Skips whole words of non-matching bits.
int64_t ScanForBit(const uint8_t* p, size_t n, bool bit) {
  const uint64_t skip = bit ? 0 : ~uint64_t{0};
  size_t i = 0;
  // 32 bytes a step while they hold nothing to find (one test per step).
  for (; i + 32 <= n; i += 32) {
    const uint64_t w0 = Load64(p + i), w1 = Load64(p + i + 8), w2 = Load64(p + i + 16),
                   w3 = Load64(p + i + 24);
    const bool all_skip = bit ? (w0 | w1 | w2 | w3) == 0 : (w0 & w1 & w2 & w3) == ~uint64_t{0};
    if (!all_skip) break;
  }
  for (; i + 8 <= n; i += 8) {
    const uint64_t w = LoadBitOrder64(p + i);
    if (w != skip) return static_cast<int64_t>(i * 8) + std::countl_zero(bit ? w : ~w);
  }
  for (; i < n; ++i) {
    const uint8_t m = Matching(p[i], bit);
    if (m != 0) return static_cast<int64_t>(i * 8) + FirstSetInByte(m);
  }
  return -1;
}

// out[j] = op(out[j], src[j]) for j < n, a word at a time.
template <typename Op>
void Fold(uint8_t* out, const uint8_t* src, size_t n, Op op) {
  size_t j = 0;
  for (; j + 8 <= n; j += 8) Store64(out + j, op(Load64(out + j), Load64(src + j)));
  for (; j < n; ++j) out[j] = static_cast<uint8_t>(op(out[j], src[j]));
}

// out[j] = op(src[j]) for j < n.
template <typename Op>
void Map(uint8_t* out, const uint8_t* src, size_t n, Op op) {
  size_t j = 0;
  for (; j + 8 <= n; j += 8) Store64(out + j, op(Load64(src + j)));
  for (; j < n; ++j) out[j] = static_cast<uint8_t>(op(src[j]));
}

// out = op(a, b) over `len` bytes, both read as zero-padded. Past the
// shorter one the result is the longer one's bytes when `keep_tail` (OR,
// XOR with zeros), else zeros (AND).
template <typename Op>
void Merge(uint8_t* out, std::string_view a, std::string_view b, size_t len, bool keep_tail,
           Op op) {
  const size_t common = std::min(a.size(), b.size());
  const uint8_t* pa = Bytes(a);
  const uint8_t* pb = Bytes(b);
  size_t j = 0;
  for (; j + 8 <= common; j += 8) Store64(out + j, op(Load64(pa + j), Load64(pb + j)));
  for (; j < common; ++j) out[j] = static_cast<uint8_t>(op(pa[j], pb[j]));
  const std::string_view longer = a.size() > b.size() ? a : b;
  const size_t tail = longer.size() - common;
  if (keep_tail) {
    std::memcpy(out + common, longer.data() + common, tail);
  } else {
    std::memset(out + common, 0, tail);
  }
  std::memset(out + longer.size(), 0, len - longer.size());
}

}  // namespace

bool GetBit(std::string_view bytes, uint64_t offset) {
  const uint64_t byte = offset >> 3;
  if (byte >= bytes.size()) return false;
  return (Bytes(bytes)[byte] >> (7 - (offset & 7))) & 1;
}

void SetBit(char* bytes, uint64_t offset, bool value) {
  auto* p = reinterpret_cast<uint8_t*>(bytes) + (offset >> 3);
  const auto mask = static_cast<uint8_t>(0x80u >> (offset & 7));
  *p = value ? static_cast<uint8_t>(*p | mask) : static_cast<uint8_t>(*p & ~mask);
}

uint64_t PopCount(std::string_view bytes) { return PopCountBytes(Bytes(bytes), bytes.size()); }

uint64_t CountBits(std::string_view bytes, uint64_t first, uint64_t last) {
  const uint8_t* p = Bytes(bytes);
  const uint64_t fb = first >> 3, lb = last >> 3;
  const uint8_t head = MaskFrom(first & 7), tail = MaskTo(last & 7);
  if (fb == lb)
    return static_cast<uint64_t>(std::popcount(static_cast<uint8_t>(p[fb] & head & tail)));
  return static_cast<uint64_t>(std::popcount(static_cast<uint8_t>(p[fb] & head))) +
         PopCountBytes(p + fb + 1, lb - fb - 1) +
         static_cast<uint64_t>(std::popcount(static_cast<uint8_t>(p[lb] & tail)));
}

int64_t FindBit(std::string_view bytes, bool bit, uint64_t first, uint64_t last) {
  const uint8_t* p = Bytes(bytes);
  const uint64_t fb = first >> 3, lb = last >> 3;
  const uint8_t head = MaskFrom(first & 7), tail = MaskTo(last & 7);
  const auto at = [](uint64_t byte, uint8_t m) {
    return static_cast<int64_t>(byte * 8) + FirstSetInByte(m);
  };
  if (fb == lb) {
    const uint8_t m = Matching(p[fb], bit) & head & tail;
    return m != 0 ? at(fb, m) : -1;
  }
  if (const uint8_t m = Matching(p[fb], bit) & head; m != 0) return at(fb, m);
  if (const int64_t pos = ScanForBit(p + fb + 1, lb - fb - 1, bit); pos >= 0) {
    return static_cast<int64_t>((fb + 1) * 8) + pos;
  }
  if (const uint8_t m = Matching(p[lb], bit) & tail; m != 0) return at(lb, m);
  return -1;
}

void CombineBits(BitOp op, std::span<const std::string_view> sources, char* out, size_t len) {
  auto* dst = reinterpret_cast<uint8_t*>(out);
  const std::string_view first = sources.empty() ? std::string_view() : sources[0];
  if (op == BitOp::kNot) {
    Map(dst, Bytes(first), std::min(first.size(), len), [](uint64_t a) { return ~a; });
    if (first.size() < len) std::memset(dst + first.size(), 0xff, len - first.size());
    return;
  }
  if (sources.size() < 2) {
    std::memcpy(dst, first.data(), std::min(first.size(), len));
    if (first.size() < len) std::memset(dst + first.size(), 0, len - first.size());
    return;
  }
  // The first two sources in one pass (big strings are bound by memory
  // traffic), then the others folded into the result.
  switch (op) {
    case BitOp::kAnd:
      Merge(dst, first, sources[1], len, /*keep_tail=*/false,
            [](uint64_t a, uint64_t b) { return a & b; });
      break;
    case BitOp::kOr:
      Merge(dst, first, sources[1], len, true, [](uint64_t a, uint64_t b) { return a | b; });
      break;
    case BitOp::kXor:
      Merge(dst, first, sources[1], len, true, [](uint64_t a, uint64_t b) { return a ^ b; });
      break;
    case BitOp::kNot:
      break;
  }
  for (size_t i = 2; i < sources.size(); ++i) {
    const size_t n = std::min(sources[i].size(), len);
    const uint8_t* src = Bytes(sources[i]);
    switch (op) {
      case BitOp::kAnd:
        Fold(dst, src, n, [](uint64_t a, uint64_t b) { return a & b; });
        // Past its end a source is zeros, which clear the result.
        std::memset(dst + n, 0, len - n);
        break;
      case BitOp::kOr:
        Fold(dst, src, n, [](uint64_t a, uint64_t b) { return a | b; });
        break;
      case BitOp::kXor:
        Fold(dst, src, n, [](uint64_t a, uint64_t b) { return a ^ b; });
        break;
      case BitOp::kNot:
        break;
    }
  }
}

uint64_t GetUnsignedField(std::string_view bytes, uint64_t offset, unsigned bits) {
  const uint8_t* p = Bytes(bytes);
  uint64_t value = 0;
  // At most nine bytes: the part of the field each one holds, high part first.
  while (bits > 0) {
    const uint64_t byte = offset >> 3;
    const unsigned in_byte = offset & 7;
    const unsigned take = std::min(8 - in_byte, bits);
    const unsigned shift = 8 - in_byte - take;
    const unsigned b = byte < bytes.size() ? p[byte] : 0;
    value = (value << take) | ((b >> shift) & ((1u << take) - 1));
    offset += take;
    bits -= take;
  }
  return value;
}

int64_t GetSignedField(std::string_view bytes, uint64_t offset, unsigned bits) {
  uint64_t v = GetUnsignedField(bytes, offset, bits);
  // Extend the sign bit over the high bits.
  if (bits < 64 && (v >> (bits - 1)) & 1) v |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(v);
}

void SetField(char* bytes, uint64_t offset, unsigned bits, uint64_t value) {
  auto* p = reinterpret_cast<uint8_t*>(bytes);
  while (bits > 0) {
    const uint64_t byte = offset >> 3;
    const unsigned in_byte = offset & 7;
    const unsigned take = std::min(8 - in_byte, bits);
    const unsigned shift = 8 - in_byte - take;
    const unsigned low = (1u << take) - 1;
    const auto chunk = static_cast<unsigned>((value >> (bits - take)) & low);
    const auto mask = static_cast<uint8_t>(low << shift);
    p[byte] = static_cast<uint8_t>((p[byte] & ~mask) | (chunk << shift));
    offset += take;
    bits -= take;
  }
}

bool UnsignedFieldOverflows(uint64_t value, int64_t incr, unsigned bits, FieldOverflow mode,
                            uint64_t* result) {
  const uint64_t max = bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  const auto uincr = static_cast<uint64_t>(incr);
  bool up = false, down = false;
  if (value > max || (incr > 0 && uincr > max - value)) {
    up = true;
  } else if (incr < 0 && 0 - uincr > value) {
    down = true;
  }
  if (!up && !down) return false;
  if (mode == FieldOverflow::kWrap) {
    *result = (value + uincr) & max;
  } else if (mode == FieldOverflow::kSat) {
    *result = up ? max : 0;
  }
  return true;
}

bool SignedFieldOverflows(int64_t value, int64_t incr, unsigned bits, FieldOverflow mode,
                          int64_t* result) {
  const int64_t max =
      bits >= 64 ? INT64_MAX : static_cast<int64_t>((uint64_t{1} << (bits - 1)) - 1);
  const int64_t min = -max - 1;
  // Differences taken modulo 2^64, as Redis computes them; only the full
  // 64-bit field guards its comparisons by sign.
  const auto room_up =
      static_cast<int64_t>(static_cast<uint64_t>(max) - static_cast<uint64_t>(value));
  const auto room_down =
      static_cast<int64_t>(static_cast<uint64_t>(min) - static_cast<uint64_t>(value));
  const bool narrow = bits < 64;
  bool up = false, down = false;
  if (value > max || (narrow && incr > room_up) || (value >= 0 && incr > 0 && incr > room_up)) {
    up = true;
  } else if (value < min || (narrow && incr < room_down) ||
             (value < 0 && incr < 0 && incr < room_down)) {
    down = true;
  }
  if (!up && !down) return false;
  if (mode == FieldOverflow::kWrap) {
    uint64_t sum = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
    if (narrow) {
      const uint64_t high = ~uint64_t{0} << bits;
      sum = (sum >> (bits - 1)) & 1 ? sum | high : sum & ~high;
    }
    *result = static_cast<int64_t>(sum);
  } else if (mode == FieldOverflow::kSat) {
    *result = up ? max : min;
  }
  return true;
}

}  // namespace osprey::types
