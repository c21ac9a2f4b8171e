// The value types a key can hold, and the base of the out-of-line objects
// that hold aggregate values (lists, sets, sorted sets, hashes, streams).
// Strings are not Objects: they live inline in the key table or as a
// HeapString.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace osprey::types {

// Numbered as Redis numbers its object types (RDB and DEBUG output use them).
enum class ValueType : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZSet = 3,
  kHash = 4,
  kModule = 5,
  kStream = 6,
};

// The name TYPE replies with.
std::string_view ValueTypeName(ValueType type);

class Object {
 public:
  virtual ~Object() = default;
  virtual ValueType type() const = 0;
  // The name OBJECT ENCODING reports (Redis's names: "listpack", "quicklist", ...).
  virtual std::string_view EncodingName() const = 0;
  // A deep copy (COPY, and values a snapshot must keep).
  virtual std::unique_ptr<Object> Clone() const = 0;
  // Bytes of memory this value holds, for MEMORY USAGE and eviction.
  virtual size_t MemoryUsage() const = 0;
};

}  // namespace osprey::types
