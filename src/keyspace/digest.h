// Content digests of values and of whole data sets, for DEBUG DIGEST and
// DEBUG DIGEST-VALUE: tests compare them to check that two data sets (two
// servers, or one before and after a reload) hold the same data.
//
// The algorithm is Osprey's own; it does not reproduce Redis's digests byte
// for byte. Contract: 20 bytes, sent as 40 lower-case hex digits; all zeros
// for an empty data set or a missing key; a function of the logical content
// only, so equal data sets give equal digests whatever the insertion order,
// table layout, value encodings (an "int" and an "embstr" holding "12" are
// the same value) or process.
//
//   value digest  = SHA-1 of the value's canonical form:
//                     one byte, the value type (types::ValueType)
//                     then, for a string, its bytes (integers in decimal);
//                     for a set, the XOR of the SHA-1s of its members
//                     (integers in decimal), so member order is irrelevant;
//                     for a hash, the XOR of the SHA-1s of each field with
//                     its value (and "\0expire" when the field has a time);
//                     for a sorted set, the SHA-1 of its elements in order
//                     (member length, member, score text, NUL);
//                     for a list, the SHA-1 of its elements in order
//                     (each one's length, then its bytes);
//                     for a stream, the SHA-1 of its entries in order
//                     (ID as 16 big-endian bytes, field count, then each
//                     field and value length first), its last ID,
//                     entries-added count and largest deleted ID, then each
//                     group in name order: name, last ID, read counter and
//                     each consumer in name order with the IDs it owns and
//                     their delivery counts (consumer and delivery times
//                     left out, like expire times)
//                     then, when the key has an expire, the bytes "\0expire"
//                   The expire time itself is left out (as Redis does): it
//                   differs between servers that applied the same writes at
//                   slightly different moments.
//   key digest    = SHA-1 of (db index as 4 little-endian bytes, key length
//                   as 8 little-endian bytes, key bytes, value digest)
//   data set      = XOR of all key digests, over every database; all keys
//                   count, including ones whose time has passed but that are
//                   still stored.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "keyspace/entry.h"

namespace osprey::keyspace {

class Keyspace;

using Digest = std::array<uint8_t, 20>;

// SHA-1 (FIPS 180-4), streaming.
class Sha1 {
 public:
  Sha1();
  void Update(const void* data, size_t len);
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  Digest Finish();

 private:
  void Block(const uint8_t* p);

  uint32_t h_[5];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

// The digest of the value stored in `e` (see above).
Digest ValueDigest(Entry e);
// The digest of every key of every database.
Digest DatasetDigest(const Keyspace& ks);
// 40 lower-case hex digits.
std::string DigestHex(const Digest& d);

}  // namespace osprey::keyspace
