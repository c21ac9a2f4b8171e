#include "protocol/output_buffer.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>

#include "base/check.h"

namespace osprey::protocol {

namespace {
// Room for the longest header: a type byte, 20 digits and a sign, CRLF.
constexpr size_t kDeferredCap = 32;
}  // namespace

OutputBuffer::Chunk* OutputBuffer::NewChunk(size_t cap) {
  auto* c = static_cast<Chunk*>(std::malloc(sizeof(Chunk) + cap));
  OSPREY_CHECK(c != nullptr);
  c->used = 0;
  c->cap = cap;
  return c;
}

size_t OutputBuffer::Held(const Chunk* c) { return malloc_usable_size(const_cast<Chunk*>(c)); }

OutputBuffer::~OutputBuffer() {
  for (Chunk* c : chunks_) std::free(c);
}

OutputBuffer::OutputBuffer(OutputBuffer&& other) noexcept { *this = std::move(other); }

OutputBuffer& OutputBuffer::operator=(OutputBuffer&& other) noexcept {
  if (this == &other) return *this;
  for (Chunk* c : chunks_) std::free(c);
  chunks_ = std::move(other.chunks_);
  head_sent_ = other.head_sent_;
  held_ = other.held_;
  tail_pos_ = other.tail_pos_;
  tail_end_ = other.tail_end_;
  deferred_ = std::move(other.deferred_);
  other.chunks_.clear();
  other.deferred_.clear();
  other.head_sent_ = 0;
  other.held_ = 0;
  other.tail_pos_ = other.tail_end_ = nullptr;
  return *this;
}

void OutputBuffer::SyncTail() const {
  if (!chunks_.empty() && tail_pos_ != nullptr) {
    Chunk* t = chunks_.back();
    t->used = static_cast<size_t>(tail_pos_ - t->data);
  }
}

void OutputBuffer::Grow(size_t n) {
  SyncTail();
  // Reuse an empty tail chunk if it is big enough (after a Consume/Clear).
  size_t cap = std::max(kChunkSize, n);
  Chunk* c = NewChunk(cap);
  chunks_.push_back(c);
  held_ += Held(c);
  tail_pos_ = c->data;
  tail_end_ = c->data + c->cap;
  if (growth_hook_ != nullptr) growth_hook_(growth_owner_);
}

void OutputBuffer::AppendSlow(const char* p, size_t n) {
  // Fill what is left of the tail chunk, then put the rest in a new chunk.
  size_t room = static_cast<size_t>(tail_end_ - tail_pos_);
  if (room > 0 && tail_pos_ != nullptr) {
    std::memcpy(tail_pos_, p, room);
    tail_pos_ += room;
    p += room;
    n -= room;
  }
  Grow(n);
  std::memcpy(tail_pos_, p, n);
  tail_pos_ += n;
}

size_t OutputBuffer::size() const {
  SyncTail();
  size_t total = 0;
  for (const Chunk* c : chunks_) total += c->used;
  return total - head_sent_;
}

bool OutputBuffer::empty() const {
  if (chunks_.empty()) return true;
  if (chunks_.size() == 1) {
    return static_cast<size_t>(tail_pos_ - chunks_[0]->data) == head_sent_;
  }
  return size() == 0;
}

int OutputBuffer::Gather(iovec* iov, int max) const {
  SyncTail();
  int n = 0;
  for (size_t i = 0; i < chunks_.size() && n < max; ++i) {
    const Chunk* c = chunks_[i];
    size_t skip = i == 0 ? head_sent_ : 0;
    if (c->used <= skip) continue;
    iov[n].iov_base = const_cast<char*>(c->data + skip);
    iov[n].iov_len = c->used - skip;
    ++n;
  }
  return n;
}

void OutputBuffer::Consume(size_t n) {
  SyncTail();
  while (n > 0 && !chunks_.empty()) {
    Chunk* c = chunks_.front();
    size_t left = c->used - head_sent_;
    if (n < left) {
      head_sent_ += n;
      return;
    }
    n -= left;
    head_sent_ = 0;
    if (chunks_.size() == 1) {
      // Keep the last chunk for the next replies; just rewind it.
      c->used = 0;
      tail_pos_ = c->data;
      tail_end_ = c->data + c->cap;
      if (c->cap > kChunkSize) Release();
      return;
    }
    held_ -= Held(c);
    std::free(c);
    chunks_.erase(chunks_.begin());
  }
  // Everything sent: rewind a lone chunk so appends start at its beginning.
  if (chunks_.size() == 1 && chunks_[0]->used == head_sent_) {
    chunks_[0]->used = 0;
    head_sent_ = 0;
    tail_pos_ = chunks_[0]->data;
  }
}

void OutputBuffer::Clear() {
  SyncTail();
  while (chunks_.size() > 1) {
    held_ -= Held(chunks_.back());
    std::free(chunks_.back());
    chunks_.pop_back();
  }
  deferred_.clear();
  head_sent_ = 0;
  if (chunks_.empty()) {
    tail_pos_ = tail_end_ = nullptr;
    return;
  }
  if (chunks_[0]->cap > kChunkSize || chunks_[0]->cap < kDeferredCap + 1) {
    Release();
    return;
  }
  chunks_[0]->used = 0;
  tail_pos_ = chunks_[0]->data;
  tail_end_ = chunks_[0]->data + chunks_[0]->cap;
}

void OutputBuffer::Release() {
  for (Chunk* c : chunks_) std::free(c);
  chunks_.clear();
  deferred_.clear();
  head_sent_ = 0;
  held_ = 0;
  tail_pos_ = tail_end_ = nullptr;
}

size_t OutputBuffer::MemoryUsage() const {
  size_t total = 0;
  for (const Chunk* c : chunks_) total += sizeof(Chunk) + c->cap;
  return total;
}

size_t OutputBuffer::ListBytes() const {
  SyncTail();
  size_t total = 0;
  for (size_t i = 1; i < chunks_.size(); ++i) total += chunks_[i]->used;
  return total;
}

size_t OutputBuffer::ListMemory() const {
  return chunks_.size() > 1 ? held_ - Held(chunks_[0]) : 0;
}

size_t OutputBuffer::BeginDeferred() {
  SyncTail();
  // The placeholder is a chunk of its own; later appends go to a fresh chunk
  // after it, so filling it never moves bytes around.
  Chunk* hole = NewChunk(kDeferredCap);
  chunks_.push_back(hole);
  held_ += Held(hole);
  tail_pos_ = tail_end_ = hole->data;  // force the next append to Grow
  deferred_.push_back(hole);
  return deferred_.size() - 1;
}

void OutputBuffer::FillDeferred(size_t token, std::string_view header) {
  OSPREY_CHECK(token < deferred_.size() && deferred_[token] != nullptr);
  OSPREY_CHECK(header.size() <= kDeferredCap);
  SyncTail();
  Chunk* hole = deferred_[token];
  std::memcpy(hole->data, header.data(), header.size());
  hole->used = header.size();
  if (!chunks_.empty() && chunks_.back() == hole) tail_pos_ = tail_end_ = hole->data + hole->used;
  deferred_[token] = nullptr;
  while (!deferred_.empty() && deferred_.back() == nullptr) deferred_.pop_back();
}

void OutputBuffer::AppendAll(OutputBuffer& other) {
  iovec iov[64];
  while (!other.empty()) {
    int n = other.Gather(iov, 64);
    size_t total = 0;
    for (int i = 0; i < n; ++i) {
      Append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
      total += iov[i].iov_len;
    }
    other.Consume(total);
  }
}

}  // namespace osprey::protocol
