#include "persistence/legacy_encodings.h"

#include <cstdint>

namespace osprey::persistence {

namespace {

// Ziplist layout:
//   <zlbytes u32 LE> <zltail u32 LE> <zllen u16 LE> entry... 0xFF
//   entry: <prevlen: 1 byte below 254, else 0xFE and u32 LE>
//          <encoding> <data>
//   encoding: 00llllll          string of l bytes
//             01llllll llllllll string, 14-bit big-endian length
//             10000000 + u32 BE string, 32-bit length
//             11000000 int16 | 11010000 int32 | 11100000 int64
//             11110000 int24 | 11111110 int8   (little-endian)
//             1111xxxx          xxxx in 1..13: the integer xxxx - 1
constexpr size_t kZiplistHeader = 10;
constexpr uint8_t kZiplistEnd = 0xFF;
constexpr uint8_t kZiplistBigPrevlen = 0xFE;

uint64_t Le(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

uint64_t Be(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

int64_t SignExtend(uint64_t v, size_t bytes) {
  const int shift = static_cast<int>(64 - 8 * bytes);
  return static_cast<int64_t>(v << shift) >> shift;
}

// One decoded ziplist entry.
struct ZiplistEntry {
  size_t prevlen = 0;
  size_t size = 0;  // header and data
  types::ListpackValue value;
};

// Decodes the entry at `pos` of `zl`, whose terminator is at `end`. False
// when any part of it lies outside [pos, end).
bool DecodeZiplistEntry(const uint8_t* zl, size_t pos, size_t end, ZiplistEntry* e) {
  size_t p = pos;
  if (p >= end) return false;
  if (zl[p] < kZiplistBigPrevlen) {
    e->prevlen = zl[p];
    p += 1;
  } else if (zl[p] == kZiplistBigPrevlen) {
    if (end - p < 5) return false;
    e->prevlen = static_cast<size_t>(Le(zl + p + 1, 4));
    p += 5;
  } else {
    return false;  // 0xFF where an entry should start
  }
  if (p >= end) return false;
  const uint8_t enc = zl[p];
  size_t header = 1;
  uint64_t len = 0;
  bool is_string = true;
  switch (enc >> 6) {
    case 0:
      len = enc & 0x3f;
      break;
    case 1:
      if (end - p < 2) return false;
      len = ((enc & 0x3fu) << 8) | zl[p + 1];
      header = 2;
      break;
    case 2:
      if (enc != 0x80 || end - p < 5) return false;
      len = Be(zl + p + 1, 4);
      header = 5;
      break;
    default:
      is_string = false;
      break;
  }
  e->value = types::ListpackValue{};
  if (is_string) {
    if (len > end - p - header) return false;
    e->value.s = std::string_view(reinterpret_cast<const char*>(zl + p + header), len);
  } else {
    size_t bytes;
    switch (enc) {
      case 0xC0: bytes = 2; break;
      case 0xD0: bytes = 4; break;
      case 0xE0: bytes = 8; break;
      case 0xF0: bytes = 3; break;
      case 0xFE: bytes = 1; break;
      default:
        // 0xF1..0xFD carry the value in the low bits; 0xFF is the terminator.
        if (enc < 0xF1 || enc > 0xFD) return false;
        bytes = 0;
        break;
    }
    if (bytes > end - p - 1) return false;
    e->value.is_int = true;
    e->value.i = bytes == 0 ? (enc & 0x0f) - 1 : SignExtend(Le(zl + p + 1, bytes), bytes);
    len = bytes;
  }
  e->size = (p - pos) + header + len;
  return true;
}

}  // namespace

bool ForEachZiplistEntry(std::string_view bytes,
                         const std::function<bool(const types::ListpackValue&)>& fn) {
  const auto* zl = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t size = bytes.size();
  if (size < kZiplistHeader + 1) return false;
  if (Le(zl, 4) != size || zl[size - 1] != kZiplistEnd) return false;
  const uint64_t tail = Le(zl + 4, 4);
  const uint64_t header_count = Le(zl + 8, 2);
  const size_t end = size - 1;
  if (tail > end) return false;
  size_t pos = kZiplistHeader;
  size_t prev_size = 0;
  size_t last = kZiplistHeader;
  uint64_t count = 0;
  while (pos < end) {
    ZiplistEntry e;
    if (!DecodeZiplistEntry(zl, pos, end, &e)) return false;
    if (e.prevlen != prev_size) return false;
    if (!fn(e.value)) return false;
    last = pos;
    prev_size = e.size;
    pos += e.size;
    ++count;
  }
  if (pos != end || last != tail) return false;
  return header_count == UINT16_MAX || header_count == count;
}

// Zipmap layout:
//   <count: 1 byte, 254 and up meaning "unknown">
//   (<len> field <len> <free: 1 byte> value <free bytes>)... 0xFF
//   len: 1 byte below 254, else 254 and u32 LE.
namespace {

constexpr uint8_t kZipmapBigLen = 254;
constexpr uint8_t kZipmapEnd = 255;

// Reads a zipmap length at *pos (before `end`); false when out of bounds or
// it is the terminator.
bool ZipmapLen(const uint8_t* zm, size_t* pos, size_t end, uint64_t* len) {
  if (*pos >= end) return false;
  const uint8_t b = zm[*pos];
  if (b < kZipmapBigLen) {
    *len = b;
    *pos += 1;
    return true;
  }
  if (b == kZipmapEnd || end - *pos < 5) return false;
  *len = Le(zm + *pos + 1, 4);
  *pos += 5;
  return true;
}

}  // namespace

bool ForEachZipmapPair(std::string_view bytes,
                       const std::function<bool(std::string_view, std::string_view)>& fn) {
  const auto* zm = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t size = bytes.size();
  if (size < 2 || zm[size - 1] != kZipmapEnd) return false;
  const size_t end = size - 1;
  const uint8_t header_count = zm[0];
  size_t pos = 1;
  uint64_t count = 0;
  while (pos < end) {
    uint64_t flen;
    if (!ZipmapLen(zm, &pos, end, &flen) || flen > end - pos) return false;
    const std::string_view field(reinterpret_cast<const char*>(zm + pos), flen);
    pos += flen;
    uint64_t vlen;
    if (!ZipmapLen(zm, &pos, end, &vlen) || pos >= end) return false;
    const uint8_t free = zm[pos++];
    if (vlen > end - pos || free > end - pos - vlen) return false;
    const std::string_view value(reinterpret_cast<const char*>(zm + pos), vlen);
    pos += vlen + free;
    if (!fn(field, value)) return false;
    ++count;
  }
  return pos == end && (header_count == kZipmapBigLen || header_count == count);
}

}  // namespace osprey::persistence
