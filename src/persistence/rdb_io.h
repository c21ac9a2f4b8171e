// The bytes of the RDB format below the level of values: lengths, strings
// (plain, as small integers, or LZF-compressed), times and doubles. The
// encoder writes to a sink; the reader parses a buffer that is wholly in
// memory (a DUMP payload, or a mapped file), so a length can be checked
// against what is left before anything is allocated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace osprey::persistence {

// Where encoded bytes go.
class RdbSink {
 public:
  virtual ~RdbSink() = default;
  virtual void Append(const void* data, size_t len) = 0;
};

// Appends to a string the caller owns.
class StringSink final : public RdbSink {
 public:
  explicit StringSink(std::string* out) : out_(out) {}
  void Append(const void* data, size_t len) override {
    out_->append(static_cast<const char*>(data), len);
  }

 private:
  std::string* out_;
};

// Writes the RDB primitives. Strings are stored as Redis stores them: a
// canonical integer of at most 11 characters that fits in 32 bits as an
// integer encoding, else (with compression on) LZF when the string is over
// 20 bytes and compresses by more than 4, else plain.
class RdbEncoder {
 public:
  RdbEncoder(RdbSink* sink, bool compress) : sink_(sink), compress_(compress) {}

  void Raw(const void* data, size_t len) { sink_->Append(data, len); }
  void Raw(std::string_view s) { sink_->Append(s.data(), s.size()); }
  void Byte(uint8_t b) { sink_->Append(&b, 1); }
  void Len(uint64_t len);
  void String(std::string_view s);
  // An integer as a string ("int"-encoded values).
  void Int64String(int64_t v);
  // Data LZF-compressed elsewhere (a compressed list node): `compressed`
  // holds the LZF bytes of `original_len` bytes.
  void LzfBlob(std::string_view compressed, size_t original_len);
  // Unix milliseconds, 8 bytes little-endian.
  void Millis(int64_t ms);
  // An IEEE double, 8 bytes little-endian (type 5 scores).
  void BinaryDouble(double d);

 private:
  bool TryLzf(std::string_view s);

  RdbSink* sink_;
  bool compress_;
};

// Parses RDB primitives from a buffer. Every read either succeeds wholly or
// fails, recording the first failure (what and where); after a failure
// further reads fail too.
class RdbReader {
 public:
  // `base_offset` is added to positions in messages (a file's header, say).
  explicit RdbReader(std::string_view data, size_t base_offset = 0)
      : data_(data), base_(base_offset) {}

  // Bytes consumed so far, plus base_offset.
  size_t offset() const { return base_ + pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool failed() const { return !error_.empty(); }
  // The first failure, and the offset where the read that failed began.
  const std::string& error() const { return error_; }
  size_t error_offset() const { return error_offset_; }
  // Records a failure at `at` (an offset as offset() gives it) unless one is
  // recorded already; returns false.
  bool FailAt(size_t at, std::string what);
  bool Fail(std::string what) { return FailAt(offset(), std::move(what)); }

  bool Byte(uint8_t* out);
  // The next `len` bytes, viewing the buffer.
  bool Raw(size_t len, std::string_view* out);
  // A length; with `encoded` non-null a special string encoding is reported
  // there instead of failing (its number stored in *out).
  bool Len(uint64_t* out, bool* encoded = nullptr);
  // A string in any encoding. *out views the buffer or `scratch`.
  bool String(std::string_view* out, std::string* scratch);
  // Unix milliseconds (8 bytes little-endian) and seconds (4 bytes).
  bool Millis(int64_t* out);
  bool Seconds(int32_t* out);
  bool BinaryDouble(double* out);
  // A type 3 score: length byte and text, or a special value.
  bool TextDouble(double* out);

 private:
  bool Need(size_t n, const char* what);

  std::string_view data_;
  size_t pos_ = 0;
  size_t base_;
  std::string error_;
  size_t error_offset_ = 0;
};

}  // namespace osprey::persistence
