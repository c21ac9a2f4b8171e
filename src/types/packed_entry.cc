#include "types/packed_entry.h"

#include "base/numbers.h"

namespace osprey::types {

size_t Entry::string_length() const {
  if (kind() == ValueKind::kInt) return base::Int64Length(int_value());
  return string_bytes().size();
}

std::string_view Entry::StringValue(char* int_buf) const {
  if (kind() == ValueKind::kInt) {
    size_t n = base::FormatInt64(int_value(), int_buf);
    return std::string_view(int_buf, n);
  }
  return string_bytes();
}

std::string_view StringEncodingName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kInt: return "int";
    case ValueKind::kEmbstr: return "embstr";
    case ValueKind::kRawInline:
    case ValueKind::kRawHeap: return "raw";
    case ValueKind::kObject: break;
  }
  return "unknown";
}

}  // namespace osprey::types
