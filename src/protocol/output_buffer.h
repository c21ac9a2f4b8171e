// Bytes waiting to be sent to one client: a list of chunks that grows at the
// tail and drains at the head. Appends copy into the tail chunk (the fast
// path is inline); writers gather the chunks into an iovec for one writev.
// Deferred lengths (array headers whose count is known only afterwards) are
// placeholders filled in later.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace osprey::protocol {

class OutputBuffer {
 public:
  // Default capacity of a chunk: replies are built in pieces of this size.
  static constexpr size_t kChunkSize = 16 * 1024;

  OutputBuffer() = default;
  ~OutputBuffer();
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;
  OutputBuffer(OutputBuffer&& other) noexcept;
  OutputBuffer& operator=(OutputBuffer&& other) noexcept;

  void Append(const char* p, size_t n) {
    if (n == 0) return;  // p may be null then, and so may the tail
    if (static_cast<size_t>(tail_end_ - tail_pos_) >= n) {
      std::memcpy(tail_pos_, p, n);
      tail_pos_ += n;
      return;
    }
    AppendSlow(p, n);
  }
  void Append(std::string_view s) { Append(s.data(), s.size()); }

  // Returns a pointer to at least `n` contiguous writable bytes at the tail;
  // follow with Commit(k), k <= n, to keep the first k of them.
  char* Reserve(size_t n) {
    if (static_cast<size_t>(tail_end_ - tail_pos_) < n) Grow(n);
    return tail_pos_;
  }
  void Commit(size_t n) { tail_pos_ += n; }

  // Bytes not yet consumed.
  size_t size() const;
  bool empty() const;

  // Fills up to `max` iovecs with pending bytes (in order). Returns the count.
  int Gather(iovec* iov, int max) const;
  // Drops the first `n` pending bytes (they were written to the socket).
  void Consume(size_t n);
  // Drops everything and releases all chunks but a first one of default size.
  void Clear();
  // Releases all memory (for idle clients).
  void Release();

  // Bytes of memory held, including unused chunk space.
  size_t MemoryUsage() const;
  // Total bytes of all chunks after the first one (Redis's "reply list").
  size_t ListBytes() const;
  // Bytes the allocator holds for the chunks after the first one, headers
  // and rounding included: what Redis counts for its reply list (CLIENT
  // LIST omem, client-output-buffer-limit). O(1).
  size_t ListMemory() const;
  size_t ChunkCount() const { return chunks_.size(); }

  // Deferred lengths: BeginDeferred() reserves a place for a header written
  // later with FillDeferred(token, header). Tokens stay valid until the
  // header is filled or the buffer is cleared.
  size_t BeginDeferred();
  void FillDeferred(size_t token, std::string_view header);

  // Appends everything pending in `other` (which is left empty).
  void AppendAll(OutputBuffer& other);

  // Called each time the buffer takes a new chunk (never on the inline
  // path), so that its owner can keep pending output within a limit. The
  // hook must not change the buffer. It stays with this object on moves.
  using GrowthHook = void (*)(void* owner);
  void set_growth_hook(GrowthHook hook, void* owner) {
    growth_hook_ = hook;
    growth_owner_ = owner;
  }

 private:
  struct Chunk {
    size_t used;  // bytes written
    size_t cap;   // bytes available in data
    char data[];
  };
  static Chunk* NewChunk(size_t cap);
  // Bytes the allocator gave for `c`.
  static size_t Held(const Chunk* c);

  void AppendSlow(const char* p, size_t n);
  void Grow(size_t n);
  // Writes back the tail cursor into the tail chunk's `used`.
  void SyncTail() const;

  std::vector<Chunk*> chunks_;
  size_t head_sent_ = 0;  // bytes of chunks_[0] already consumed
  char* tail_pos_ = nullptr;
  char* tail_end_ = nullptr;
  // Deferred placeholders: index into chunks_ by a stable id.
  std::vector<Chunk*> deferred_;
  size_t held_ = 0;  // Held() of every chunk
  GrowthHook growth_hook_ = nullptr;
  void* growth_owner_ = nullptr;
};

}  // namespace osprey::protocol
