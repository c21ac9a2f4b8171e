#include "types/object.h"

namespace osprey::types {

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kString: return "string";
    case ValueType::kList: return "list";
    case ValueType::kSet: return "set";
    case ValueType::kZSet: return "zset";
    case ValueType::kHash: return "hash";
    case ValueType::kModule: return "module";
    case ValueType::kStream: return "stream";
  }
  return "none";
}

}  // namespace osprey::types
