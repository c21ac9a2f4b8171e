// Fast seeded 64-bit hashing for in-memory tables. The seed is chosen at
// random per process so that clients cannot precompute colliding keys.
// Not for anything that reaches disk or the wire (use CRC16/CRC64 there).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace osprey::base {

namespace hash_internal {
inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
// Folded 64x64->128 multiply: the mixing step.
inline uint64_t Fold(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
constexpr uint64_t kP0 = 0xa0761d6478bd642full;
constexpr uint64_t kP1 = 0xe7037ed1a0b428dbull;
constexpr uint64_t kP2 = 0x8ebc6af09c88c6e3ull;
constexpr uint64_t kP3 = 0x589965cc75374cc3ull;
}  // namespace hash_internal

// Hashes `len` bytes at `data` with `seed`. Inline: it sits on the lookup path.
inline uint64_t HashBytes(const void* data, size_t len, uint64_t seed) {
  using namespace hash_internal;
  const uint8_t* p = static_cast<const uint8_t*>(data);
  uint64_t h = seed ^ Fold(seed ^ kP0, len ^ kP1);
  uint64_t a, b;
  if (len <= 16) {
    if (len >= 4) {
      // Two overlapping reads cover 4..16 bytes without a loop.
      a = (Load32(p) << 32) | Load32(p + ((len >> 3) << 2));
      b = (Load32(p + len - 4) << 32) | Load32(p + len - 4 - ((len >> 3) << 2));
    } else if (len > 0) {
      a = (uint64_t{p[0]} << 16) | (uint64_t{p[len >> 1]} << 8) | p[len - 1];
      b = 0;
    } else {
      a = b = 0;
    }
  } else {
    size_t i = len;
    while (i > 16) {
      h = Fold(Load64(p) ^ kP1, Load64(p + 8) ^ h);
      p += 16;
      i -= 16;
    }
    a = Load64(p + i - 16);
    b = Load64(p + i - 8);
  }
  return Fold(kP1 ^ len, Fold(a ^ kP2, b ^ h ^ kP3));
}

inline uint64_t HashBytes(std::string_view s, uint64_t seed) {
  return HashBytes(s.data(), s.size(), seed);
}

// A seed from the operating system's random source.
uint64_t RandomSeed();

}  // namespace osprey::base
