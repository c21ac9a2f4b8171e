// Redis's intset: a sorted array of distinct integers in one malloc'd buffer,
// byte-compatible with Redis 7 so RDB files store and load it as it is.
// Small sets whose members are all integers live in one.
//
//   <encoding: u32 LE, 2/4/8 bytes per value> <length: u32 LE> <values LE>
//
// The encoding widens when a value needs more bytes and never narrows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace osprey::types {

// The encoding field: bytes per value.
inline constexpr uint32_t kIntsetEnc16 = 2;
inline constexpr uint32_t kIntsetEnc32 = 4;
inline constexpr uint32_t kIntsetEnc64 = 8;
inline constexpr size_t kIntsetHeaderSize = 8;

// Not thread-safe; const methods never write to the buffer.
class Intset {
 public:
  // An empty set with 16-bit encoding (8 bytes).
  Intset();
  ~Intset();
  Intset(Intset&& other) noexcept;
  Intset& operator=(Intset&& other) noexcept;
  Intset(const Intset&) = delete;
  Intset& operator=(const Intset&) = delete;
  // A moved-from Intset may only be destroyed or assigned to.

  // A copy of a buffer from outside (RDB, RESTORE), or nullopt when
  // Validate rejects it.
  static std::optional<Intset> FromBytes(std::string_view bytes);
  // A copy of `bytes`. REQUIRES: Validate(bytes) passed.
  static Intset FromValidated(std::string_view bytes);
  Intset Clone() const;

  // Integrity check of a buffer from outside, reading only inside `bytes`:
  // a known encoding, a length that matches the size exactly, values
  // strictly ascending. Rejects an empty set, as Redis does (no set key is
  // ever empty). A wider encoding than the values need is accepted.
  static bool Validate(std::string_view bytes);

  // Bytes per value for v: kIntsetEnc16, kIntsetEnc32 or kIntsetEnc64.
  static uint32_t EncodingFor(int64_t v);

  // Adds v; false when it was already there. May widen the encoding.
  bool Add(int64_t v);
  // Removes v; false when it was not there. The encoding stays.
  bool Remove(int64_t v);
  // Binary search. On success stores v's position in *pos (may be null).
  bool Find(int64_t v, size_t* pos = nullptr) const;
  bool Contains(int64_t v) const { return Find(v, nullptr); }

  // The value at position `pos` in ascending order. REQUIRES: pos < Size().
  int64_t Get(size_t pos) const;
  // A value chosen by `random` (any 64 random bits): Get(random % Size()).
  // REQUIRES: !Empty().
  int64_t Random(uint64_t random) const { return Get(random % Size()); }
  // REQUIRES for Min/Max: !Empty().
  int64_t Min() const { return Get(0); }
  int64_t Max() const { return Get(Size() - 1); }

  size_t Size() const;
  bool Empty() const { return Size() == 0; }
  uint32_t Encoding() const;
  // Bytes of the serialized form: header plus Size() * Encoding().
  size_t BlobSize() const { return kIntsetHeaderSize + Size() * Encoding(); }
  // The whole buffer (what RDB stores).
  std::string_view bytes() const;
  // Bytes of memory held, for MEMORY USAGE.
  size_t AllocatedSize() const;

  // The malloc'd buffer, given up (this set becomes moved-from), and its
  // inverse. REQUIRES for Adopt: buf came from malloc and passed Validate.
  uint8_t* Release();
  static Intset Adopt(uint8_t* buf);

 private:
  explicit Intset(uint8_t* buf) : buf_(buf) {}
  // Widens to the encoding of v, which lies outside [Min, Max], and adds it.
  void UpgradeAndAdd(int64_t v);
  void Resize(size_t count, uint32_t enc);

  uint8_t* buf_;
};

}  // namespace osprey::types
