// Redis's listpack: a sequence of strings and integers packed into one
// malloc'd buffer, byte-compatible with Redis 7 so RDB files store and load
// the buffer as it is. Small lists, hashes and sorted sets live in one.
// listpack.cc describes the bytes; golden tests taken from Redis pin them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace osprey::types {

// Total-bytes (u32 LE) and element-count (u16 LE) header.
inline constexpr size_t kListpackHeaderSize = 6;
// The terminator byte; also the size of an empty listpack past the header.
inline constexpr uint8_t kListpackEnd = 0xFF;
// Header count meaning "65535 or more: count by walking".
inline constexpr uint32_t kListpackCountUnknown = 0xFFFF;
// Callers refuse to grow a listpack past this (Redis: 1 GB), which keeps the
// u32 total-bytes field far from overflow.
inline constexpr size_t kListpackMaxSafeSize = size_t{1} << 30;
// Room ListpackValue::ToString needs for an integer ("-9223372036854775808").
inline constexpr size_t kListpackIntBufSize = 21;

// One element as stored: an integer (is_int, i) or a string (s). Strings that
// are the canonical decimal form of an int64 are always stored as integers,
// so "12" reads back as the integer 12 and "012" as a string.
// `s` points into the listpack: valid until the listpack is changed or freed.
struct ListpackValue {
  bool is_int = false;
  int64_t i = 0;
  std::string_view s;

  // The element as text: `s`, or the decimal form of `i` written into buf.
  // REQUIRES: buf has room for kListpackIntBufSize bytes.
  std::string_view ToString(char* buf) const;
  // True when the element's text equals `other` byte for byte.
  bool Equals(std::string_view other) const;
};

// True when `s` would be stored as an integer: the canonical decimal form of
// an int64 (no sign but '-', no leading zeros, no "-0", no spaces).
bool ListpackStringToInt64(std::string_view s, int64_t* out);

// A listpack owning its buffer. Positions are `Entry` pointers into the
// buffer, valid until the next change; every change returns the position a
// caller needs to carry on. nullptr means "no element".
// Not thread-safe; const methods never write to the buffer.
class Listpack {
 public:
  using Entry = const uint8_t*;

  enum class Where { kBefore, kAfter };

  // An empty listpack (7 bytes).
  Listpack();
  ~Listpack();
  Listpack(Listpack&& other) noexcept;
  Listpack& operator=(Listpack&& other) noexcept;
  Listpack(const Listpack&) = delete;
  Listpack& operator=(const Listpack&) = delete;
  // A moved-from Listpack may only be destroyed or assigned to.

  // A copy of a buffer from outside (RDB, RESTORE), or nullopt when
  // Validate rejects it.
  static std::optional<Listpack> FromBytes(std::string_view bytes);
  // A copy of `bytes`. REQUIRES: Validate(bytes) passed.
  static Listpack FromValidated(std::string_view bytes);
  Listpack Clone() const;

  // Full integrity check of a buffer from outside, reading only inside
  // `bytes`: header total equals the size, entries are well formed and end
  // exactly at the terminator, each back-length is the one Redis writes, and
  // a known header count matches. `check`, when given, sees each element in
  // order and may reject (e.g. a hash's duplicate fields).
  // Passing buffers are safe for every method below.
  static bool Validate(std::string_view bytes,
                       const std::function<bool(const ListpackValue&)>& check = nullptr);

  // The whole buffer (what RDB stores).
  std::string_view bytes() const;
  size_t TotalBytes() const;
  // Bytes of memory held, for MEMORY USAGE.
  size_t AllocatedSize() const;
  // Number of elements: O(1) below 65535, otherwise a walk.
  size_t Size() const;
  bool Empty() const { return buf_[kListpackHeaderSize] == kListpackEnd; }
  // Whether `add` more bytes keep the listpack within kListpackMaxSafeSize.
  // Callers check this before growing; the mutators below REQUIRE that the
  // result stays within UINT32_MAX bytes and check it.
  bool SafeToAdd(size_t add) const { return TotalBytes() + add <= kListpackMaxSafeSize; }

  // Iteration: First/Last return nullptr when empty, Next/Prev at the ends.
  Entry First() const;
  Entry Last() const;
  static Entry Next(Entry p);
  Entry Prev(Entry p) const;
  // The element at `index` (negative counts from the end, -1 is the last),
  // walking from the nearer end; nullptr when out of range.
  Entry Seek(int64_t index) const;
  // The element at p. REQUIRES: p is an element of a valid listpack.
  static ListpackValue Get(Entry p);
  // The first element at or after `from` equal to `value`, comparing `from`
  // and then every (skip+1)-th element (skip 1 visits the fields of a hash
  // or the members of a sorted set); nullptr when none matches or from is
  // nullptr.
  Entry Find(Entry from, std::string_view value, uint32_t skip) const;

  // Adding elements. Strings in canonical integer form are stored as ints.
  void Append(std::string_view s);
  void AppendInt(int64_t v);
  void Prepend(std::string_view s);
  void PrependInt(int64_t v);
  // Inserts next to element `at`; returns the new element.
  Entry Insert(Entry at, Where where, std::string_view s);
  Entry InsertInt(Entry at, Where where, int64_t v);
  // Overwrites element `at`; returns it.
  Entry Replace(Entry at, std::string_view s);
  Entry ReplaceInt(Entry at, int64_t v);

  // Removes element `at`; returns the element that followed it, or nullptr.
  Entry Delete(Entry at);
  // Removes up to `count` elements starting at `first`; returns the element
  // after the removed run, or nullptr.
  Entry DeleteRange(Entry first, size_t count);
  // Removes up to `count` elements starting at `index` (negative counts from
  // the end); nothing when index is out of range.
  void DeleteRange(int64_t index, size_t count);

  // Returns memory the buffer holds beyond TotalBytes() to the allocator.
  void ShrinkToFit();

  // The malloc'd buffer, given up (this listpack becomes moved-from), and its
  // inverse. REQUIRES for Adopt: buf came from malloc and passed Validate.
  uint8_t* Release();
  static Listpack Adopt(uint8_t* buf);

 private:
  struct Encoded;
  explicit Listpack(uint8_t* buf) : buf_(buf) {}

  // Replaces `old_len` bytes at `offset` with `e` (nullptr: removes them),
  // adjusting the count by `count_delta`; returns the buffer position.
  uint8_t* Splice(size_t offset, size_t old_len, const Encoded* e, int64_t count_delta);
  Entry InsertEncoded(Entry at, Where where, const Encoded& e);
  Entry ReplaceEncoded(Entry at, const Encoded& e);

  uint8_t* buf_;
};

}  // namespace osprey::types
