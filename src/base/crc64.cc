#include "base/crc64.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace osprey::base {

// The word-at-a-time loop below reads input words as little-endian.
static_assert(std::endian::native == std::endian::little);

namespace {

// The polynomial with its bits reversed, for the reflected (LSB-first) form.
constexpr uint64_t kReflectedPoly = 0x95ac9329ac4bc9b5ULL;

// Slicing by 8: table k advances a byte through k further zero bytes, so
// eight input bytes are folded in with eight lookups.
struct Tables {
  std::array<std::array<uint64_t, 256>, 8> t{};
  constexpr Tables() {
    for (uint64_t i = 0; i < 256; ++i) {
      uint64_t c = i;
      for (int b = 0; b < 8; ++b) c = (c & 1) ? (c >> 1) ^ kReflectedPoly : c >> 1;
      t[0][i] = c;
    }
    for (size_t k = 1; k < 8; ++k) {
      for (size_t i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
    }
  }
};

constexpr Tables kTables;

uint64_t Crc64Sliced(uint64_t crc, const uint8_t* p, size_t len) {
  const auto& t = kTables.t;
  while (len >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    crc ^= word;
    crc = t[7][crc & 0xff] ^ t[6][(crc >> 8) & 0xff] ^ t[5][(crc >> 16) & 0xff] ^
          t[4][(crc >> 24) & 0xff] ^ t[3][(crc >> 32) & 0xff] ^ t[2][(crc >> 40) & 0xff] ^
          t[1][(crc >> 48) & 0xff] ^ t[0][crc >> 56];
    p += 8;
    len -= 8;
  }
  while (len-- > 0) crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__)

// Folding with carry-less multiplication (PCLMULQDQ), several times faster
// than the tables on a large buffer (a whole RDB file is checked at load).
//
// Message bits are polynomial coefficients, the first byte's lowest bit the
// highest power. A 16-byte block X read little-endian holds its high-degree
// half in the low quadword. Appending n zero bits multiplies by x^n, and
// the CRC only depends on the message modulo P, so a block n bits ahead of
// the data still to come can be replaced by X * x^n mod P, a 128-bit
// product of each half with a 64-bit constant, and XORed into the block n
// bits further on. With reflected operands the product comes out one bit
// short, hence the constants x^(n+63) and x^(n-1) for the low and high
// halves. What is left at the end is one block that stands for everything
// before it; the tables finish it and the bytes after it.

// x^k mod P, reflected (bit i holds the coefficient of x^(63-i)).
constexpr uint64_t XPowModP(unsigned k) {
  constexpr uint64_t kPoly = 0xad93d23594c935a9ULL;  // x^64 implied
  uint64_t r = 1;
  for (unsigned i = 0; i < k; ++i) r = (r & (uint64_t{1} << 63)) ? (r << 1) ^ kPoly : r << 1;
  uint64_t reflected = 0;
  for (int i = 0; i < 64; ++i) {
    if (r & (uint64_t{1} << i)) reflected |= uint64_t{1} << (63 - i);
  }
  return reflected;
}

// Constants folding a block n bits ahead: {low half, high half}.
struct FoldConstants {
  uint64_t lo;
  uint64_t hi;
};
constexpr FoldConstants FoldBy(unsigned bits) { return {XPowModP(bits + 63), XPowModP(bits - 1)}; }

constexpr FoldConstants kFold512 = FoldBy(512);  // four lanes of 16 bytes
constexpr FoldConstants kFold384 = FoldBy(384);
constexpr FoldConstants kFold256 = FoldBy(256);
constexpr FoldConstants kFold128 = FoldBy(128);

__attribute__((target("pclmul,sse4.1"))) inline __m128i Fold(__m128i x, __m128i k) {
  return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

__attribute__((target("pclmul,sse4.1"))) uint64_t Crc64Clmul(uint64_t crc, const uint8_t* p,
                                                             size_t len) {
  constexpr size_t kLanes = 4;
  constexpr size_t kStride = 16 * kLanes;
  if (len < 2 * kStride) return Crc64Sliced(crc, p, len);
  auto load = [](const uint8_t* q) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
  };
  __m128i x[kLanes];
  for (size_t i = 0; i < kLanes; ++i) x[i] = load(p + 16 * i);
  // The starting CRC goes into the first eight bytes, as the tables do it.
  x[0] = _mm_xor_si128(x[0], _mm_cvtsi64_si128(static_cast<long long>(crc)));
  p += kStride;
  len -= kStride;
  const __m128i k512 = _mm_set_epi64x(static_cast<long long>(kFold512.hi),
                                      static_cast<long long>(kFold512.lo));
  while (len >= kStride) {
    for (size_t i = 0; i < kLanes; ++i) x[i] = _mm_xor_si128(Fold(x[i], k512), load(p + 16 * i));
    p += kStride;
    len -= kStride;
  }
  // The four lanes into one: each folded over the lanes after it.
  auto k = [](FoldConstants c) {
    return _mm_set_epi64x(static_cast<long long>(c.hi), static_cast<long long>(c.lo));
  };
  __m128i acc = _mm_xor_si128(Fold(x[0], k(kFold384)), Fold(x[1], k(kFold256)));
  acc = _mm_xor_si128(acc, Fold(x[2], k(kFold128)));
  acc = _mm_xor_si128(acc, x[3]);
  uint8_t block[16];
  _mm_storeu_si128(reinterpret_cast<__m128i*>(block), acc);
  return Crc64Sliced(Crc64Sliced(0, block, sizeof(block)), p, len);
}

using Crc64Fn = uint64_t (*)(uint64_t, const uint8_t*, size_t);

Crc64Fn ChooseCrc64() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1")) return Crc64Clmul;
  return Crc64Sliced;
}

#else

using Crc64Fn = uint64_t (*)(uint64_t, const uint8_t*, size_t);
Crc64Fn ChooseCrc64() { return Crc64Sliced; }

#endif

}  // namespace

uint64_t Crc64(uint64_t crc, const void* data, size_t len) {
  static const Crc64Fn fn = ChooseCrc64();
  return fn(crc, static_cast<const uint8_t*>(data), len);
}

uint64_t Crc64Portable(uint64_t crc, const void* data, size_t len) {
  return Crc64Sliced(crc, static_cast<const uint8_t*>(data), len);
}

}  // namespace osprey::base
