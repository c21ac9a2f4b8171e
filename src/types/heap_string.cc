#include "types/heap_string.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

#include "base/check.h"

namespace osprey::types {

namespace {
// Past 1 MB, strings grow by 1 MB at a time instead of doubling, so a big
// value that keeps growing does not reserve as much again in slack.
constexpr size_t kGreedyLimit = 1024 * 1024;

size_t GreedyCapacity(size_t needed) {
  return needed < kGreedyLimit ? needed * 2 : needed + kGreedyLimit;
}
}  // namespace

HeapString* HeapString::Allocate(size_t cap) {
  void* mem = std::malloc(sizeof(HeapString) + cap);
  OSPREY_CHECK(mem != nullptr);
  auto* s = static_cast<HeapString*>(mem);
  s->len_ = 0;
  s->cap_ = cap;
  return s;
}

HeapString* HeapString::Create(std::string_view v) {
  HeapString* s = Allocate(v.size());
  if (!v.empty()) std::memcpy(s->data_, v.data(), v.size());
  s->len_ = v.size();
  return s;
}

HeapString* HeapString::CreateZeroed(size_t len) {
  HeapString* s = Allocate(len);
  std::memset(s->data_, 0, len);
  s->len_ = len;
  return s;
}

void HeapString::Destroy(HeapString* s) { std::free(s); }

size_t HeapString::AllocatedSize() const {
  return malloc_usable_size(const_cast<HeapString*>(this));
}

HeapString* HeapString::Resize(HeapString* s, size_t new_len) {
  if (new_len > s->cap_) {
    size_t cap = GreedyCapacity(new_len);
    void* mem = std::realloc(s, sizeof(HeapString) + cap);
    OSPREY_CHECK(mem != nullptr);
    s = static_cast<HeapString*>(mem);
    s->cap_ = cap;
  }
  if (new_len > s->len_) std::memset(s->data_ + s->len_, 0, new_len - s->len_);
  s->len_ = new_len;
  return s;
}

HeapString* HeapString::Append(HeapString* s, std::string_view tail) {
  size_t old = s->len_;
  s = Resize(s, old + tail.size());
  if (!tail.empty()) std::memcpy(s->data_ + old, tail.data(), tail.size());
  return s;
}

}  // namespace osprey::types
