// The numbers of Redis's RDB format: value types, opcodes, length and string
// encodings. They reach disk and the wire, so they are append-only; a unit
// test pins every one. docs/formats/rdb.md describes the format around them.
#pragma once

#include <cstdint>

namespace osprey::persistence {

// The version Redis 7.0 writes (and DUMP payloads carry), and the one a file
// or payload needs once it holds a hash with field expire times (Redis 7.4).
inline constexpr int kRdbVersion = 10;
inline constexpr int kRdbVersionFieldTtl = 12;
// The newest version we load.
inline constexpr int kRdbMaxVersion = 12;

// Value types: the byte before each key (or at the start of a DUMP payload).
enum class RdbType : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZSet = 3,             // scores as text
  kHash = 4,
  kZSet2 = 5,            // scores as binary doubles
  kModule = 6,
  kModule2 = 7,
  kHashZipmap = 9,
  kListZiplist = 10,
  kSetIntset = 11,
  kZSetZiplist = 12,
  kHashZiplist = 13,
  kListQuicklist = 14,   // nodes are ziplists
  kStreamListpacks = 15,
  kHashListpack = 16,
  kZSetListpack = 17,
  kListQuicklist2 = 18,  // nodes are listpacks or plain elements
  kStreamListpacks2 = 19,
  kSetListpack = 20,     // Redis 7.2
  kStreamListpacks3 = 21,
  kHashMetadataPreGa = 22,    // Redis 7.4 release candidates: absolute field times
  kHashListpackExPreGa = 23,
  kHashMetadata = 24,         // Redis 7.4: field times relative to a minimum
  kHashListpackEx = 25,
};

// Opcodes between keys.
enum class RdbOpcode : uint8_t {
  kFunction2 = 245,
  kFunction = 246,   // Redis 7.0 release candidates
  kModuleAux = 247,
  kIdle = 248,       // LRU idle seconds of the next key
  kFreq = 249,       // LFU counter of the next key
  kAux = 250,        // name / value string pair
  kResizeDb = 251,   // key and expire counts of the current database
  kExpireTimeMs = 252,
  kExpireTime = 253, // seconds (RDB before version 3)
  kSelectDb = 254,
  kEof = 255,
};

// The two top bits of a length's first byte.
inline constexpr uint8_t kLen6Bit = 0;
inline constexpr uint8_t kLen14Bit = 1;
inline constexpr uint8_t kLenEncoded = 3;  // a special string encoding follows
inline constexpr uint8_t kLen32Bit = 0x80;
inline constexpr uint8_t kLen64Bit = 0x81;

// Special string encodings (the low six bits after kLenEncoded).
inline constexpr uint8_t kEncInt8 = 0;
inline constexpr uint8_t kEncInt16 = 1;
inline constexpr uint8_t kEncInt32 = 2;
inline constexpr uint8_t kEncLzf = 3;

// Quicklist (type 18) node containers.
inline constexpr uint64_t kQuicklistNodePlain = 1;
inline constexpr uint64_t kQuicklistNodePacked = 2;

// Type 3 scores: a one-byte length, or one of these for the special values.
inline constexpr uint8_t kTextDoubleNan = 253;
inline constexpr uint8_t kTextDoublePosInf = 254;
inline constexpr uint8_t kTextDoubleNegInf = 255;

// The largest field expire time Redis 7.4 accepts (48 bits of milliseconds).
inline constexpr uint64_t kMaxFieldExpireMs = (uint64_t{1} << 48) - 1;

// The name of an object type for messages ("list", "zset-listpack", ...);
// "unknown" for a byte that is no type.
const char* RdbTypeName(uint8_t type);

}  // namespace osprey::persistence
