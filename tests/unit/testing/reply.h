// A parsed RESP reply for tests, and a parser for RESP2/RESP3 bytes.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace osprey::testing {

struct Reply {
  enum class Type { kStatus, kError, kInteger, kBulk, kNull, kArray, kMap, kSet, kPush,
                    kDouble, kBool, kVerbatim, kBigNumber, kAttribute, kNullArray };
  Type type = Type::kNull;
  std::string str;        // status, error, bulk, verbatim text, big number, double text
  int64_t integer = 0;    // integer, bool (0/1)
  std::vector<Reply> elements;  // aggregates; maps are flattened key, value, key, value

  bool is_error() const { return type == Type::kError; }
  bool is_null() const { return type == Type::kNull || type == Type::kNullArray; }
  // The reply as text for assertions: bulk/status/verbatim strings as is,
  // integers in decimal, errors with their text, nulls as "(nil)", arrays as
  // "[a, b]".
  std::string ToString() const;
};

std::ostream& operator<<(std::ostream& os, const Reply& r);

// Parses one reply from `bytes` starting at *pos; advances *pos. Returns
// false on incomplete or malformed input.
bool ParseReply(std::string_view bytes, size_t* pos, Reply* out);

}  // namespace osprey::testing
