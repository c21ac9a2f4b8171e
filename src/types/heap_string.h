// A string value too big to keep inline in the key table: one allocation
// holding length, capacity and bytes. Capacity beyond the length lets APPEND
// and SETRANGE grow it in place (grown greedily, as Redis grows its strings).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace osprey::types {

class HeapString {
 public:
  // Allocates a string holding `s`, with exactly enough room.
  static HeapString* Create(std::string_view s);
  // Allocates a zero-filled string of `len` bytes.
  static HeapString* CreateZeroed(size_t len);
  static void Destroy(HeapString* s);

  std::string_view view() const { return std::string_view(data_, len_); }
  char* data() { return data_; }
  size_t size() const { return len_; }
  size_t capacity() const { return cap_; }
  // Bytes of memory held by this string, header included.
  size_t AllocatedSize() const;

  // Grows to `new_len` bytes (new bytes zeroed), reallocating greedily when
  // the capacity is short. Returns the (possibly moved) string.
  static HeapString* Resize(HeapString* s, size_t new_len);
  // Appends bytes, growing greedily. Returns the (possibly moved) string.
  static HeapString* Append(HeapString* s, std::string_view tail);

 private:
  HeapString() = default;
  static HeapString* Allocate(size_t cap);

  uint64_t len_;
  uint64_t cap_;
  char data_[];
};

}  // namespace osprey::types
