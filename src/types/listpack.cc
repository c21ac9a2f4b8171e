#include "types/listpack.h"

#include <malloc.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "base/check.h"
#include "base/numbers.h"

// The bytes (multi-byte numbers little-endian unless said otherwise):
//
//   <total bytes: u32> <element count: u16> <entry>... <0xFF>
//
// The count is 0xFFFF once there are 65535 elements or more; the real count
// is then found by walking. An entry is <encoding><data><back-length>:
//
//   0xxxxxxx                  integer 0..127 in the low 7 bits
//   10LLLLLL <L bytes>        string shorter than 64 bytes
//   110xxxxx <byte>           13-bit two's complement integer, high bits first
//   1110LLLL <byte> <bytes>   string shorter than 4096 bytes (12-bit length,
//                             high 4 bits in the first byte)
//   0xF0 <u32> <bytes>        string of any length
//   0xF1 <i16>, 0xF2 <i24>, 0xF3 <i32>, 0xF4 <i64>
//   0xF5..0xFE are unused.
//
// A string is stored as an integer when it is the canonical decimal form of
// an int64, and an integer takes the narrowest of the forms above.
//
// The back-length is the size of <encoding><data> in 7-bit groups, most
// significant group first; every byte but the first has its high bit set, so
// a reader walking backwards stops at the byte without it. Redis picks the
// number of bytes with strict comparisons one short of each group's limit
// (16383 takes 3 bytes though 2 would hold it), and readers in both
// directions recompute that number from the entry size to step over an
// entry. A listpack written with the minimal size would be misread by Redis,
// so we use the same thresholds, and Validate insists on them.

namespace osprey::types {

static_assert(std::endian::native == std::endian::little,
              "loads and stores below assume a little-endian host");

namespace {

constexpr uint8_t kStr6 = 0x80;
constexpr uint8_t kInt13 = 0xC0;
constexpr uint8_t kStr12 = 0xE0;
constexpr uint8_t kStr32 = 0xF0;
constexpr uint8_t kInt16 = 0xF1;
constexpr uint8_t kInt24 = 0xF2;
constexpr uint8_t kInt32 = 0xF3;
constexpr uint8_t kInt64 = 0xF4;
constexpr size_t kEmptySize = kListpackHeaderSize + 1;

inline uint64_t LoadLE(const uint8_t* p, int n) {
  uint64_t v = 0;
  std::memcpy(&v, p, n);
  return v;
}

inline void StoreLE(uint8_t* p, uint64_t v, int n) { std::memcpy(p, &v, n); }

inline uint32_t TotalOf(const uint8_t* lp) { return static_cast<uint32_t>(LoadLE(lp, 4)); }
inline uint32_t CountOf(const uint8_t* lp) { return static_cast<uint32_t>(LoadLE(lp + 4, 2)); }

// `bits`-wide two's complement to int64 (the conversion is modular in C++20).
inline int64_t SignExtend(uint64_t u, int bits) {
  const uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((u ^ sign) - sign);
}

inline size_t BacklenSize(uint64_t n) {
  if (n <= 127) return 1;
  if (n < 16383) return 2;
  if (n < 2097151) return 3;
  if (n < 268435455) return 4;
  return 5;
}

inline size_t WriteBacklen(uint64_t n, uint8_t* out) {
  const size_t len = BacklenSize(n);
  out[0] = static_cast<uint8_t>((n >> (7 * (len - 1))) & 127);
  for (size_t k = 1; k < len; ++k)
    out[k] = static_cast<uint8_t>(((n >> (7 * (len - 1 - k))) & 127) | 128);
  return len;
}

// Reads the back-length whose last byte is at `last`.
// REQUIRES: a well-formed back-length (at most 5 bytes).
inline uint64_t ReadBacklen(const uint8_t* last) {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7, --last) {
    v |= uint64_t{*last & 127u} << shift;
    if ((*last & 128) == 0) return v;
  }
}

// Bytes of the entry at p needed before its size is known.
inline size_t LengthBytes(uint8_t b) {
  if (b >= kStr12 && b < kStr32) return 2;
  return b == kStr32 ? 5 : 1;
}

// Size of <encoding><data> of the entry at p; 0 for an unused encoding byte
// or the terminator. Reads LengthBytes(p[0]) bytes.
inline uint64_t EncodedSize(const uint8_t* p) {
  const uint8_t b = p[0];
  if (b < kStr6) return 1;
  if (b < kInt13) return 1 + (b & 0x3F);
  if (b < kStr12) return 2;
  if (b < kStr32) return 2 + (uint64_t{b & 0x0Fu} << 8 | p[1]);
  switch (b) {
    case kStr32:
      return 5 + LoadLE(p + 1, 4);
    case kInt16:
      return 3;
    case kInt24:
      return 4;
    case kInt32:
      return 5;
    case kInt64:
      return 9;
    default:
      return 0;
  }
}

inline uint64_t EntrySize(const uint8_t* p) {
  const uint64_t n = EncodedSize(p);
  return n + BacklenSize(n);
}

inline std::string_view Bytes(const uint8_t* p, size_t n) {
  return std::string_view(reinterpret_cast<const char*>(p), n);
}

inline ListpackValue Decode(const uint8_t* p) {
  ListpackValue v;
  const uint8_t b = p[0];
  v.is_int = true;
  if (b < kStr6) {
    v.i = b;
  } else if (b < kInt13) {
    v.is_int = false;
    v.s = Bytes(p + 1, b & 0x3F);
  } else if (b < kStr12) {
    v.i = SignExtend(uint64_t{b & 0x1Fu} << 8 | p[1], 13);
  } else if (b < kStr32) {
    v.is_int = false;
    v.s = Bytes(p + 2, (b & 0x0F) << 8 | p[1]);
  } else {
    switch (b) {
      case kStr32:
        v.is_int = false;
        v.s = Bytes(p + 5, LoadLE(p + 1, 4));
        break;
      case kInt16:
        v.i = SignExtend(LoadLE(p + 1, 2), 16);
        break;
      case kInt24:
        v.i = SignExtend(LoadLE(p + 1, 3), 24);
        break;
      case kInt32:
        v.i = SignExtend(LoadLE(p + 1, 4), 32);
        break;
      case kInt64:
        v.i = static_cast<int64_t>(LoadLE(p + 1, 8));
        break;
      default:
        OSPREY_CHECK(false && "listpack: not an element");
    }
  }
  return v;
}

}  // namespace

// An element ready to be written: encoding bytes, then the string's bytes
// (none for an integer), then the back-length.
struct Listpack::Encoded {
  uint8_t head[9];
  uint8_t back[5];
  uint8_t head_len = 0;
  uint8_t back_len = 0;
  const char* payload = nullptr;
  size_t payload_len = 0;

  size_t size() const { return head_len + payload_len + back_len; }

  void FinishBacklen() {
    back_len = static_cast<uint8_t>(WriteBacklen(head_len + payload_len, back));
  }

  static Encoded Int(int64_t v) {
    Encoded e;
    uint8_t* h = e.head;
    const auto u = static_cast<uint64_t>(v);
    if (v >= 0 && v <= 127) {
      h[0] = static_cast<uint8_t>(v);
      e.head_len = 1;
    } else if (v >= -4096 && v <= 4095) {
      h[0] = static_cast<uint8_t>(kInt13 | ((u >> 8) & 0x1F));
      h[1] = static_cast<uint8_t>(u);
      e.head_len = 2;
    } else {
      int width = 8;
      uint8_t tag = kInt64;
      if (v >= INT16_MIN && v <= INT16_MAX) {
        width = 2;
        tag = kInt16;
      } else if (v >= -(int64_t{1} << 23) && v < (int64_t{1} << 23)) {
        width = 3;
        tag = kInt24;
      } else if (v >= INT32_MIN && v <= INT32_MAX) {
        width = 4;
        tag = kInt32;
      }
      h[0] = tag;
      StoreLE(h + 1, u, width);
      e.head_len = static_cast<uint8_t>(1 + width);
    }
    e.FinishBacklen();
    return e;
  }

  static Encoded Str(std::string_view s) {
    int64_t v;
    if (ListpackStringToInt64(s, &v)) return Int(v);
    Encoded e;
    const size_t n = s.size();
    OSPREY_CHECK(n <= UINT32_MAX);
    if (n < 64) {
      e.head[0] = static_cast<uint8_t>(kStr6 | n);
      e.head_len = 1;
    } else if (n < 4096) {
      e.head[0] = static_cast<uint8_t>(kStr12 | (n >> 8));
      e.head[1] = static_cast<uint8_t>(n);
      e.head_len = 2;
    } else {
      e.head[0] = kStr32;
      StoreLE(e.head + 1, n, 4);
      e.head_len = 5;
    }
    e.payload = s.data();
    e.payload_len = n;
    e.FinishBacklen();
    return e;
  }
};

// ------------------------------------------------------------ ListpackValue

std::string_view ListpackValue::ToString(char* buf) const {
  if (!is_int) return s;
  return std::string_view(buf, base::FormatInt64(i, buf));
}

bool ListpackValue::Equals(std::string_view other) const {
  if (!is_int) return s == other;
  int64_t v;
  return ListpackStringToInt64(other, &v) && v == i;
}

bool ListpackStringToInt64(std::string_view s, int64_t* out) {
  // Redis's rule is exactly the canonical-integer test of ParseInt64.
  return base::ParseInt64(s, out);
}

// ------------------------------------------------------------ lifetime

Listpack::Listpack() : buf_(static_cast<uint8_t*>(std::malloc(kEmptySize))) {
  OSPREY_CHECK(buf_ != nullptr);
  StoreLE(buf_, kEmptySize, 4);
  StoreLE(buf_ + 4, 0, 2);
  buf_[kListpackHeaderSize] = kListpackEnd;
}

Listpack::~Listpack() { std::free(buf_); }

Listpack::Listpack(Listpack&& other) noexcept : buf_(std::exchange(other.buf_, nullptr)) {}

Listpack& Listpack::operator=(Listpack&& other) noexcept {
  if (this != &other) {
    std::free(buf_);
    buf_ = std::exchange(other.buf_, nullptr);
  }
  return *this;
}

Listpack Listpack::FromValidated(std::string_view bytes) {
  auto* buf = static_cast<uint8_t*>(std::malloc(bytes.size()));
  OSPREY_CHECK(buf != nullptr);
  std::memcpy(buf, bytes.data(), bytes.size());
  return Listpack(buf);
}

std::optional<Listpack> Listpack::FromBytes(std::string_view bytes) {
  if (!Validate(bytes)) return std::nullopt;
  return FromValidated(bytes);
}

Listpack Listpack::Clone() const { return FromValidated(bytes()); }

uint8_t* Listpack::Release() { return std::exchange(buf_, nullptr); }

Listpack Listpack::Adopt(uint8_t* buf) { return Listpack(buf); }

// ------------------------------------------------------------ validation

bool Listpack::Validate(std::string_view bytes,
                        const std::function<bool(const ListpackValue&)>& check) {
  const auto* lp = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t size = bytes.size();
  if (size < kEmptySize) return false;
  if (TotalOf(lp) != size) return false;
  if (lp[size - 1] != kListpackEnd) return false;
  const uint8_t* const end = lp + size - 1;
  const uint8_t* p = lp + kListpackHeaderSize;
  uint64_t count = 0;
  const bool has_check = static_cast<bool>(check);
  while (p != end) {
    // Every read below stays in [p, end): the size bytes first, then the
    // entry once its size is known to fit.
    const size_t avail = end - p;
    if (LengthBytes(*p) > avail) return false;
    const uint64_t enc = EncodedSize(p);
    if (enc == 0) return false;
    const size_t back_len = BacklenSize(enc);
    if (enc + back_len > avail) return false;
    if (back_len == 1) {
      if (p[enc] != enc) return false;  // the common case, without the general compare
    } else {
      uint8_t want[5];
      WriteBacklen(enc, want);
      if (std::memcmp(p + enc, want, back_len) != 0) return false;
    }
    if (has_check && !check(Decode(p))) return false;
    p += enc + back_len;
    ++count;
  }
  const uint32_t header_count = CountOf(lp);
  return header_count == kListpackCountUnknown || header_count == count;
}

// ------------------------------------------------------------ reading

std::string_view Listpack::bytes() const { return Bytes(buf_, TotalBytes()); }

size_t Listpack::TotalBytes() const { return TotalOf(buf_); }

size_t Listpack::AllocatedSize() const { return malloc_usable_size(buf_); }

size_t Listpack::Size() const {
  const uint32_t n = CountOf(buf_);
  if (n != kListpackCountUnknown) return n;
  size_t count = 0;
  for (Entry p = First(); p != nullptr; p = Next(p)) ++count;
  return count;
}

Listpack::Entry Listpack::First() const {
  const uint8_t* p = buf_ + kListpackHeaderSize;
  return *p == kListpackEnd ? nullptr : p;
}

Listpack::Entry Listpack::Last() const { return Prev(buf_ + TotalBytes() - 1); }

Listpack::Entry Listpack::Next(Entry p) {
  p += EntrySize(p);
  return *p == kListpackEnd ? nullptr : p;
}

Listpack::Entry Listpack::Prev(Entry p) const {
  if (p == buf_ + kListpackHeaderSize) return nullptr;
  const uint64_t n = ReadBacklen(p - 1);
  return p - (n + BacklenSize(n));
}

Listpack::Entry Listpack::Seek(int64_t index) const {
  const uint32_t n = CountOf(buf_);
  bool forward = index >= 0;
  if (n != kListpackCountUnknown) {
    if (index < 0) index += n;
    if (index < 0 || index >= n) return nullptr;
    forward = index <= n / 2;
    if (!forward) index -= n;
  }
  if (forward) {
    Entry p = First();
    for (; index > 0 && p != nullptr; --index) p = Next(p);
    return p;
  }
  Entry p = Last();
  for (; index < -1 && p != nullptr; ++index) p = Prev(p);
  return p;
}

ListpackValue Listpack::Get(Entry p) { return Decode(p); }

Listpack::Entry Listpack::Find(Entry p, std::string_view value, uint32_t skip) const {
  // Whether `value` is an integer is worked out once, at the first integer
  // element met, and only if one is met.
  enum { kUnknown, kInt, kNotInt } value_kind = kUnknown;
  int64_t value_int = 0;
  while (p != nullptr) {
    const ListpackValue v = Decode(p);
    if (!v.is_int) {
      if (v.s == value) return p;
    } else {
      if (value_kind == kUnknown) {
        value_kind = ListpackStringToInt64(value, &value_int) ? kInt : kNotInt;
      }
      if (value_kind == kInt && v.i == value_int) return p;
    }
    p = Next(p);
    for (uint32_t k = 0; k < skip && p != nullptr; ++k) p = Next(p);
  }
  return nullptr;
}

// ------------------------------------------------------------ changing

uint8_t* Listpack::Splice(size_t offset, size_t old_len, const Encoded* e, int64_t count_delta) {
  const size_t total = TotalBytes();
  const size_t new_len = e != nullptr ? e->size() : 0;
  const uint64_t new_total = uint64_t{total} - old_len + new_len;
  OSPREY_CHECK(new_total <= UINT32_MAX);

  // A value that points into this listpack (say, one of its own elements
  // written elsewhere in it) would move under the memmove: copy it first.
  std::string copy;
  const char* payload = e != nullptr ? e->payload : nullptr;
  if (payload != nullptr && e->payload_len > 0) {
    const auto* lo = reinterpret_cast<const char*>(buf_);
    if (payload < lo + total && payload + e->payload_len > lo) {
      copy.assign(payload, e->payload_len);
      payload = copy.data();
    }
  }

  if (new_total > total && new_total > malloc_usable_size(buf_)) {
    auto* grown = static_cast<uint8_t*>(std::realloc(buf_, new_total));
    OSPREY_CHECK(grown != nullptr);
    buf_ = grown;
  }
  const size_t tail = offset + old_len;
  if (tail == total - 1) {
    buf_[new_total - 1] = kListpackEnd;  // an append: only the terminator moves
  } else if (new_len != old_len) {
    std::memmove(buf_ + offset + new_len, buf_ + tail, total - tail);
  }
  if (e != nullptr) {
    uint8_t* dst = buf_ + offset;
    std::memcpy(dst, e->head, e->head_len);
    dst += e->head_len;
    if (e->payload_len > 0) std::memcpy(dst, payload, e->payload_len);
    dst += e->payload_len;
    std::memcpy(dst, e->back, e->back_len);
  }
  StoreLE(buf_, new_total, 4);

  const uint32_t count = CountOf(buf_);
  if (count != kListpackCountUnknown) {
    const int64_t n = int64_t{count} + count_delta;
    StoreLE(buf_ + 4, static_cast<uint64_t>(std::min<int64_t>(n, kListpackCountUnknown)), 2);
  } else if (count_delta < 0) {
    // Redis recounts when a removal may bring the count back in range (its
    // HDEL and ZREM ask for the length right after), and DUMP shows it.
    size_t walked = Size();
    if (walked < kListpackCountUnknown) StoreLE(buf_ + 4, walked, 2);
  }

  // Shrink when the slack passes a quarter of the size, so that a push
  // after a pop does not go back to the allocator.
  if (new_total < total) {
    const size_t have = malloc_usable_size(buf_);
    if (have - new_total > 16 + new_total / 4) {
      auto* shrunk = static_cast<uint8_t*>(std::realloc(buf_, new_total));
      if (shrunk != nullptr) buf_ = shrunk;
    }
  }
  return buf_ + offset;
}

void Listpack::Append(std::string_view s) {
  const Encoded e = Encoded::Str(s);
  Splice(TotalBytes() - 1, 0, &e, 1);
}

void Listpack::AppendInt(int64_t v) {
  const Encoded e = Encoded::Int(v);
  Splice(TotalBytes() - 1, 0, &e, 1);
}

void Listpack::Prepend(std::string_view s) {
  const Encoded e = Encoded::Str(s);
  Splice(kListpackHeaderSize, 0, &e, 1);
}

void Listpack::PrependInt(int64_t v) {
  const Encoded e = Encoded::Int(v);
  Splice(kListpackHeaderSize, 0, &e, 1);
}

Listpack::Entry Listpack::InsertEncoded(Entry at, Where where, const Encoded& e) {
  size_t offset = at - buf_;
  if (where == Where::kAfter) offset += EntrySize(at);
  return Splice(offset, 0, &e, 1);
}

Listpack::Entry Listpack::Insert(Entry at, Where where, std::string_view s) {
  return InsertEncoded(at, where, Encoded::Str(s));
}

Listpack::Entry Listpack::InsertInt(Entry at, Where where, int64_t v) {
  return InsertEncoded(at, where, Encoded::Int(v));
}

Listpack::Entry Listpack::ReplaceEncoded(Entry at, const Encoded& e) {
  return Splice(at - buf_, EntrySize(at), &e, 0);
}

Listpack::Entry Listpack::Replace(Entry at, std::string_view s) {
  return ReplaceEncoded(at, Encoded::Str(s));
}

Listpack::Entry Listpack::ReplaceInt(Entry at, int64_t v) {
  return ReplaceEncoded(at, Encoded::Int(v));
}

Listpack::Entry Listpack::Delete(Entry at) { return DeleteRange(at, 1); }

Listpack::Entry Listpack::DeleteRange(Entry first, size_t count) {
  if (count == 0) return first;
  const uint8_t* q = first;
  int64_t removed = 0;
  while (removed < static_cast<int64_t>(std::min<size_t>(count, INT64_MAX)) && *q != kListpackEnd) {
    q += EntrySize(q);
    ++removed;
  }
  const uint8_t* p = Splice(first - buf_, q - first, nullptr, -removed);
  return *p == kListpackEnd ? nullptr : p;
}

void Listpack::DeleteRange(int64_t index, size_t count) {
  Entry p = Seek(index);
  if (p == nullptr || count == 0) return;
  const uint32_t n = CountOf(buf_);
  if (n != kListpackCountUnknown) {
    // Cutting off the tail needs no walk: the run ends at the terminator.
    const size_t start = static_cast<size_t>(index < 0 ? index + n : index);
    if (n - start <= count) {
      const size_t offset = p - buf_;
      Splice(offset, TotalBytes() - 1 - offset, nullptr, -static_cast<int64_t>(n - start));
      return;
    }
  }
  DeleteRange(p, count);
}

void Listpack::ShrinkToFit() {
  const size_t total = TotalBytes();
  if (malloc_usable_size(buf_) > total) {
    auto* shrunk = static_cast<uint8_t*>(std::realloc(buf_, total));
    if (shrunk != nullptr) buf_ = shrunk;
  }
}

}  // namespace osprey::types
