#include "types/intset.h"

#include <malloc.h>

#include <bit>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "base/check.h"

namespace osprey::types {

static_assert(std::endian::native == std::endian::little,
              "loads and stores below assume a little-endian host");

namespace {

inline uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

inline void Store32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }

template <typename T>
inline int64_t LoadAs(const uint8_t* values, size_t pos) {
  T v;
  std::memcpy(&v, values + pos * sizeof(T), sizeof(T));
  return v;
}

inline int64_t LoadValue(const uint8_t* values, size_t pos, uint32_t enc) {
  switch (enc) {
    case kIntsetEnc16:
      return LoadAs<int16_t>(values, pos);
    case kIntsetEnc32:
      return LoadAs<int32_t>(values, pos);
    default:
      return LoadAs<int64_t>(values, pos);
  }
}

inline void StoreValue(uint8_t* values, size_t pos, uint32_t enc, int64_t v) {
  // Truncating to the encoding's width keeps the two's complement bytes.
  const auto u = static_cast<uint64_t>(v);
  std::memcpy(values + pos * enc, &u, enc);
}

// Lower bound of v among n sorted values of type T: stores in *pos the
// position of v, or where it would go, and returns whether it is there.
template <typename T>
bool Search(const uint8_t* values, size_t n, int64_t v, size_t* pos) {
  // Values arriving in order (ids, counters) land at the end: test it first.
  if (n == 0 || v > LoadAs<T>(values, n - 1)) {
    *pos = n;
    return false;
  }
  size_t lo = 0;
  size_t hi = n - 1;  // values[hi] >= v holds throughout
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (LoadAs<T>(values, mid) < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *pos = lo;
  return LoadAs<T>(values, lo) == v;
}

// Search over values of encoding `enc`. REQUIRES: v fits the encoding.
bool SearchEncoded(const uint8_t* values, size_t n, uint32_t enc, int64_t v, size_t* pos) {
  switch (enc) {
    case kIntsetEnc16:
      return Search<int16_t>(values, n, v, pos);
    case kIntsetEnc32:
      return Search<int32_t>(values, n, v, pos);
    default:
      return Search<int64_t>(values, n, v, pos);
  }
}

}  // namespace

// ------------------------------------------------------------ lifetime

Intset::Intset() : buf_(static_cast<uint8_t*>(std::malloc(kIntsetHeaderSize))) {
  OSPREY_CHECK(buf_ != nullptr);
  Store32(buf_, kIntsetEnc16);
  Store32(buf_ + 4, 0);
}

Intset::~Intset() { std::free(buf_); }

Intset::Intset(Intset&& other) noexcept : buf_(std::exchange(other.buf_, nullptr)) {}

Intset& Intset::operator=(Intset&& other) noexcept {
  if (this != &other) {
    std::free(buf_);
    buf_ = std::exchange(other.buf_, nullptr);
  }
  return *this;
}

Intset Intset::FromValidated(std::string_view bytes) {
  auto* buf = static_cast<uint8_t*>(std::malloc(bytes.size()));
  OSPREY_CHECK(buf != nullptr);
  std::memcpy(buf, bytes.data(), bytes.size());
  return Intset(buf);
}

std::optional<Intset> Intset::FromBytes(std::string_view bytes) {
  if (!Validate(bytes)) return std::nullopt;
  return FromValidated(bytes);
}

Intset Intset::Clone() const { return FromValidated(bytes()); }

uint8_t* Intset::Release() { return std::exchange(buf_, nullptr); }

Intset Intset::Adopt(uint8_t* buf) { return Intset(buf); }

bool Intset::Validate(std::string_view bytes) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  if (bytes.size() < kIntsetHeaderSize) return false;
  const uint32_t enc = Load32(p);
  if (enc != kIntsetEnc16 && enc != kIntsetEnc32 && enc != kIntsetEnc64) return false;
  const uint64_t count = Load32(p + 4);
  if (kIntsetHeaderSize + count * enc != bytes.size()) return false;
  if (count == 0) return false;
  const uint8_t* values = p + kIntsetHeaderSize;
  int64_t prev = LoadValue(values, 0, enc);
  for (size_t i = 1; i < count; ++i) {
    const int64_t cur = LoadValue(values, i, enc);
    if (cur <= prev) return false;
    prev = cur;
  }
  return true;
}

// ------------------------------------------------------------ reading

uint32_t Intset::EncodingFor(int64_t v) {
  if (v < INT32_MIN || v > INT32_MAX) return kIntsetEnc64;
  if (v < INT16_MIN || v > INT16_MAX) return kIntsetEnc32;
  return kIntsetEnc16;
}

size_t Intset::Size() const { return Load32(buf_ + 4); }

uint32_t Intset::Encoding() const { return Load32(buf_); }

std::string_view Intset::bytes() const {
  return std::string_view(reinterpret_cast<const char*>(buf_), BlobSize());
}

size_t Intset::AllocatedSize() const { return malloc_usable_size(buf_); }

int64_t Intset::Get(size_t pos) const {
  OSPREY_DCHECK(pos < Size());
  return LoadValue(buf_ + kIntsetHeaderSize, pos, Encoding());
}

bool Intset::Find(int64_t v, size_t* pos) const {
  const uint32_t enc = Encoding();
  // A value wider than the encoding cannot be present.
  if (EncodingFor(v) > enc) return false;
  size_t where;
  const bool found = SearchEncoded(buf_ + kIntsetHeaderSize, Size(), enc, v, &where);
  if (found && pos != nullptr) *pos = where;
  return found;
}

// ------------------------------------------------------------ changing

void Intset::Resize(size_t count, uint32_t enc) {
  OSPREY_CHECK(count <= UINT32_MAX);
  const size_t needed = kIntsetHeaderSize + count * enc;
  const size_t have = malloc_usable_size(buf_);
  // Grow to the exact size (the allocator's size classes give the slack);
  // shrink only past a quarter of slack, so add-after-remove stays in place.
  if (needed > have || have - needed > 16 + needed / 4) {
    auto* buf = static_cast<uint8_t*>(std::realloc(buf_, needed));
    OSPREY_CHECK(buf != nullptr);
    buf_ = buf;
  }
}

void Intset::UpgradeAndAdd(int64_t v) {
  const uint32_t old_enc = Encoding();
  const uint32_t new_enc = EncodingFor(v);
  const size_t n = Size();
  Resize(n + 1, new_enc);
  uint8_t* values = buf_ + kIntsetHeaderSize;
  // v needs a wider type than every present value, so it is below all of
  // them (negative) or above all of them. Widen back to front, leaving the
  // first or last slot free: each write lands at or past the bytes it reads.
  const size_t shift = v < 0 ? 1 : 0;
  for (size_t i = n; i-- > 0;) {
    StoreValue(values, i + shift, new_enc, LoadValue(values, i, old_enc));
  }
  StoreValue(values, v < 0 ? 0 : n, new_enc, v);
  Store32(buf_, new_enc);
  Store32(buf_ + 4, static_cast<uint32_t>(n + 1));
}

bool Intset::Add(int64_t v) {
  const uint32_t enc = Encoding();
  if (EncodingFor(v) > enc) {
    UpgradeAndAdd(v);
    return true;
  }
  const size_t n = Size();
  size_t pos;
  if (SearchEncoded(buf_ + kIntsetHeaderSize, n, enc, v, &pos)) return false;
  Resize(n + 1, enc);
  uint8_t* dst = buf_ + kIntsetHeaderSize;
  std::memmove(dst + (pos + 1) * enc, dst + pos * enc, (n - pos) * enc);
  StoreValue(dst, pos, enc, v);
  Store32(buf_ + 4, static_cast<uint32_t>(n + 1));
  return true;
}

bool Intset::Remove(int64_t v) {
  size_t pos;
  if (!Find(v, &pos)) return false;
  const uint32_t enc = Encoding();
  const size_t n = Size();
  uint8_t* values = buf_ + kIntsetHeaderSize;
  std::memmove(values + pos * enc, values + (pos + 1) * enc, (n - pos - 1) * enc);
  Store32(buf_ + 4, static_cast<uint32_t>(n - 1));
  Resize(n - 1, enc);
  return true;
}

}  // namespace osprey::types
