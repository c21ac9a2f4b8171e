#include "persistence/rdb_format.h"

namespace osprey::persistence {

const char* RdbTypeName(uint8_t type) {
  switch (static_cast<RdbType>(type)) {
    case RdbType::kString: return "string";
    case RdbType::kList: return "list";
    case RdbType::kSet: return "set";
    case RdbType::kZSet: return "zset";
    case RdbType::kHash: return "hash";
    case RdbType::kZSet2: return "zset-v2";
    case RdbType::kModule: return "module-pre-ga";
    case RdbType::kModule2: return "module";
    case RdbType::kHashZipmap: return "hash-zipmap";
    case RdbType::kListZiplist: return "list-ziplist";
    case RdbType::kSetIntset: return "set-intset";
    case RdbType::kZSetZiplist: return "zset-ziplist";
    case RdbType::kHashZiplist: return "hash-ziplist";
    case RdbType::kListQuicklist: return "quicklist";
    case RdbType::kStreamListpacks: return "stream";
    case RdbType::kHashListpack: return "hash-listpack";
    case RdbType::kZSetListpack: return "zset-listpack";
    case RdbType::kListQuicklist2: return "quicklist2";
    case RdbType::kStreamListpacks2: return "stream-v2";
    case RdbType::kSetListpack: return "set-listpack";
    case RdbType::kStreamListpacks3: return "stream-v3";
    case RdbType::kHashMetadataPreGa: return "hash-metadata-pre-ga";
    case RdbType::kHashListpackExPreGa: return "hash-listpack-ex-pre-ga";
    case RdbType::kHashMetadata: return "hash-metadata";
    case RdbType::kHashListpackEx: return "hash-listpack-ex";
  }
  return "unknown";
}

}  // namespace osprey::persistence
