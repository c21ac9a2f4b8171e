// The byte layout of one entry of a PackedTable (the key table, and the
// large sets, hashes and sorted-set indexes built on it). Entries are packed one after
// another inside a bucket (see key_table.h), so everything here is decoded
// from bytes; an Entry is a cheap view that is invalidated by any change to
// the table.
//
// Layout:
//   [0]      fingerprint: the top 8 bits of the key's hash
//   [1]      flags: bits 0-2 ValueKind, bit 3 has-expire, bit 4 key-on-heap,
//            bits 5-7 the ValueType of an object value; for an int string,
//            bit 5 marks a value Redis would not share (see unshared_int())
//   [2..4]   access clock, 24 bits: LRU seconds, or LFU minutes:16 + counter:8
//   varint   key length
//   key      the bytes, or an 8-byte HeapString* when the key is long
//   [8]      expire time in unix ms (only with has-expire)
//   value    kInt: zigzag varint; kEmbstr/kRawInline: varint length + bytes;
//            kRawHeap: HeapString*; kObject: Object*
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "types/heap_string.h"
#include "types/object.h"

namespace osprey::types {

// How the value is stored. The first four are strings; the names follow what
// OBJECT ENCODING reports (int, embstr, raw).
enum class ValueKind : uint8_t {
  kInt = 0,        // a canonical 64-bit integer
  kEmbstr = 1,     // short bytes, inline, reported as "embstr"
  kRawInline = 2,  // bytes inline but reported as "raw" (e.g. after APPEND)
  kRawHeap = 3,    // a HeapString, reported as "raw"
  kObject = 4,     // an aggregate value behind a Object*
};

namespace entry_internal {

constexpr uint8_t kKindMask = 0x07;
constexpr uint8_t kHasExpire = 0x08;
constexpr uint8_t kKeyOnHeap = 0x10;
constexpr int kTypeShift = 5;
constexpr uint8_t kUnsharedInt = 0x20;  // strings only: bits 5-7 are free there

constexpr size_t kFixedHeader = 5;  // fingerprint, flags, clock

inline size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline size_t PutVarint(uint8_t* p, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  p[n++] = static_cast<uint8_t>(v);
  return n;
}
inline uint64_t GetVarint(const uint8_t* p, size_t* len) {
  uint64_t v = p[0];
  if (v < 0x80) {
    *len = 1;
    return v;
  }
  v &= 0x7f;
  size_t i = 1;
  int shift = 7;
  while (true) {
    uint64_t b = p[i++];
    v |= (b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  *len = i;
  return v;
}
inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}
inline void* LoadPtr(const uint8_t* p) {
  void* v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline void StorePtr(uint8_t* p, const void* v) { std::memcpy(p, &v, sizeof(v)); }

}  // namespace entry_internal

// The value half of an entry, as given to the table when writing.
struct ValueSpec {
  ValueKind kind = ValueKind::kEmbstr;
  int64_t integer = 0;        // kInt
  std::string_view bytes;     // kEmbstr, kRawInline
  void* pointer = nullptr;    // kRawHeap (HeapString*), kObject (Object*); ownership moves in
  ValueType object_type = ValueType::kString;

  static ValueSpec Int(int64_t v) { return {ValueKind::kInt, v, {}, nullptr}; }
  static ValueSpec Inline(std::string_view b, bool raw) {
    return {raw ? ValueKind::kRawInline : ValueKind::kEmbstr, 0, b, nullptr};
  }
  static ValueSpec Heap(HeapString* s) { return {ValueKind::kRawHeap, 0, {}, s}; }
  static ValueSpec Obj(Object* o) {
    return {ValueKind::kObject, 0, {}, o, o->type()};
  }

  // Bytes this value takes inside an entry.
  size_t EncodedSize() const {
    using namespace entry_internal;
    switch (kind) {
      case ValueKind::kInt: return VarintSize(ZigZag(integer));
      case ValueKind::kEmbstr:
      case ValueKind::kRawInline: return VarintSize(bytes.size()) + bytes.size();
      default: return sizeof(void*);
    }
  }
};

// A view of one entry, with the hash of its key so the table can find its
// bucket again. Valid until the table changes (any insert, erase or resize).
class Entry {
 public:
  Entry() = default;
  Entry(uint8_t* p, uint64_t hash) : p_(p), hash_(hash) {}

  bool valid() const { return p_ != nullptr; }
  explicit operator bool() const { return p_ != nullptr; }
  uint8_t* data() const { return p_; }
  uint64_t hash() const { return hash_; }

  uint8_t fingerprint() const { return p_[0]; }
  uint8_t flags() const { return p_[1]; }
  ValueKind kind() const { return static_cast<ValueKind>(p_[1] & entry_internal::kKindMask); }
  bool is_string() const { return kind() != ValueKind::kObject; }
  ValueType type() const {
    return is_string() ? ValueType::kString
                       : static_cast<ValueType>(p_[1] >> entry_internal::kTypeShift);
  }
  bool has_expire() const { return (p_[1] & entry_internal::kHasExpire) != 0; }
  bool key_on_heap() const { return (p_[1] & entry_internal::kKeyOnHeap) != 0; }
  // An int value in Redis's shared range that Redis would hold in an object
  // of its own (a COPY), so OBJECT REFCOUNT says 1. Any value write clears it.
  bool unshared_int() const {
    return kind() == ValueKind::kInt && (p_[1] & entry_internal::kUnsharedInt) != 0;
  }
  void set_unshared_int() const { p_[1] |= entry_internal::kUnsharedInt; }

  uint32_t clock() const {
    return static_cast<uint32_t>(p_[2]) | (static_cast<uint32_t>(p_[3]) << 8) |
           (static_cast<uint32_t>(p_[4]) << 16);
  }
  void set_clock(uint32_t v) const {
    p_[2] = static_cast<uint8_t>(v);
    p_[3] = static_cast<uint8_t>(v >> 8);
    p_[4] = static_cast<uint8_t>(v >> 16);
  }

  std::string_view key() const {
    size_t n;
    uint64_t len = entry_internal::GetVarint(p_ + entry_internal::kFixedHeader, &n);
    const uint8_t* k = p_ + entry_internal::kFixedHeader + n;
    if (key_on_heap()) {
      return static_cast<HeapString*>(entry_internal::LoadPtr(k))->view();
    }
    return std::string_view(reinterpret_cast<const char*>(k), len);
  }

  // The heap string holding a long key (REQUIRES: key_on_heap()).
  HeapString* heap_key() const {
    size_t n;
    entry_internal::GetVarint(p_ + entry_internal::kFixedHeader, &n);
    return static_cast<HeapString*>(
        entry_internal::LoadPtr(p_ + entry_internal::kFixedHeader + n));
  }

  // Offset of the expire field (or of the value when there is none).
  size_t ExpireOffset() const {
    size_t n;
    uint64_t len = entry_internal::GetVarint(p_ + entry_internal::kFixedHeader, &n);
    return entry_internal::kFixedHeader + n + (key_on_heap() ? sizeof(void*) : len);
  }
  size_t ValueOffset() const { return ExpireOffset() + (has_expire() ? 8 : 0); }

  // Unix time in ms; meaningful only when has_expire().
  int64_t expire_ms() const {
    int64_t v;
    std::memcpy(&v, p_ + ExpireOffset(), 8);
    return v;
  }

  // --- string values ---
  int64_t int_value() const {
    size_t n;
    return entry_internal::UnZigZag(entry_internal::GetVarint(p_ + ValueOffset(), &n));
  }
  // The bytes of an inline or heap string (not for kInt).
  std::string_view string_bytes() const {
    const uint8_t* v = p_ + ValueOffset();
    if (kind() == ValueKind::kRawHeap) {
      return static_cast<HeapString*>(entry_internal::LoadPtr(v))->view();
    }
    size_t n;
    uint64_t len = entry_internal::GetVarint(v, &n);
    return std::string_view(reinterpret_cast<const char*>(v + n), len);
  }
  HeapString* heap_string() const {
    return static_cast<HeapString*>(entry_internal::LoadPtr(p_ + ValueOffset()));
  }
  // Length of the string as clients see it (digits for kInt).
  size_t string_length() const;
  // Copies the string value into `buf` (at least 21 bytes for kInt) when it
  // is an integer, returning a view of the bytes either way.
  std::string_view StringValue(char* int_buf) const;

  // --- object values ---
  Object* object() const {
    return static_cast<Object*>(entry_internal::LoadPtr(p_ + ValueOffset()));
  }

  // Total bytes this entry occupies in its bucket.
  size_t Size() const {
    size_t off = ValueOffset();
    const uint8_t* v = p_ + off;
    size_t n;
    switch (kind()) {
      case ValueKind::kInt:
        entry_internal::GetVarint(v, &n);
        return off + n;
      case ValueKind::kEmbstr:
      case ValueKind::kRawInline: {
        uint64_t len = entry_internal::GetVarint(v, &n);
        return off + n + len;
      }
      default:
        return off + sizeof(void*);
    }
  }

 private:
  uint8_t* p_ = nullptr;
  uint64_t hash_ = 0;
};

// The name OBJECT ENCODING reports for a string kind.
std::string_view StringEncodingName(ValueKind kind);

}  // namespace osprey::types
