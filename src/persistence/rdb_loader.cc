// Values: one function per RDB type family. Each reads its bytes through the
// RdbReader (which bounds every length by what is left), checks compact
// blobs in full, and builds the value with the encoding Redis 7.0 would give
// it on load.
#include "persistence/rdb_loader.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/crc64.h"
#include "keyspace/string_value.h"
#include "persistence/legacy_encodings.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_stream.h"
#include "types/hash.h"
#include "types/intset.h"
#include "types/list.h"
#include "types/listpack.h"
#include "types/set.h"
#include "types/zset.h"
#include "types/zset_tree.h"

namespace osprey::persistence {

using types::HashValue;
using types::Listpack;
using types::ListpackValue;

keyspace::ValueSpec LoadedValue::TakeSpec() {
  if (type == types::ValueType::kString) return keyspace::EncodeStringValue(string);
  return keyspace::ValueSpec::Obj(object.release());
}

namespace {

LoadResult Fail(RdbReader& r, size_t at, std::string what) {
  r.FailAt(at, std::move(what));
  return LoadResult::kError;
}

// Reads a string into `out` (a copy: the reader's scratch is reused).
bool ReadString(RdbReader& r, std::string* out) {
  std::string scratch;
  std::string_view v;
  if (!r.String(&v, &scratch)) return false;
  if (v.data() == scratch.data()) {
    *out = std::move(scratch);
  } else {
    out->assign(v);
  }
  return true;
}

// A count of elements, each of which takes at least `min_bytes` bytes, so a
// count the remaining bytes cannot hold is refused before any work.
bool ReadCount(RdbReader& r, size_t min_bytes, uint64_t* out) {
  const size_t start = r.offset();
  if (!r.Len(out)) return false;
  if (*out > r.remaining() / min_bytes) return r.FailAt(start, "element count exceeds the data");
  return true;
}

// True when two of `values` have the same text (an integer element and a
// string element spelling it included).
bool HasDuplicateText(const std::vector<ListpackValue>& values) {
  if (values.size() < 2) return false;
  std::string digits(values.size() * types::kListpackIntBufSize, '\0');
  std::vector<std::string_view> texts;
  texts.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    texts.push_back(values[i].ToString(digits.data() + i * types::kListpackIntBufSize));
  }
  std::sort(texts.begin(), texts.end());
  return std::adjacent_find(texts.begin(), texts.end()) != texts.end();
}

// Validates a listpack blob of `stride`-element tuples whose first elements
// are unique (fields, members). On success *out holds a copy.
bool LoadTupleListpack(RdbReader& r, size_t at, std::string_view blob, size_t stride,
                       const char* what, Listpack* out) {
  // The first elements are gathered as they are and compared afterwards,
  // sorted: a set of strings cost an allocation or two per element, most
  // of the time a small hash or set takes to load.
  std::vector<ListpackValue> keys;
  size_t i = 0;
  const bool ok = Listpack::Validate(blob, [&](const ListpackValue& v) {
    if (i++ % stride == 0) keys.push_back(v);
    return true;
  });
  // Over what was read, even when the buffer broke further on.
  const bool duplicate = HasDuplicateText(keys);
  if (!ok || duplicate || i % stride != 0) {
    return r.FailAt(at, std::string(what) + " integrity check failed" +
                            (duplicate ? ": listpack with dup elements" : ""));
  }
  *out = Listpack::FromValidated(blob);
  return true;
}

// Reads a string holding a blob (listpack, intset, ziplist, zipmap).
bool ReadBlob(RdbReader& r, std::string_view* blob, std::string* scratch, size_t* at) {
  *at = r.offset();
  return r.String(blob, scratch);
}

// ------------------------------------------------------------------ lists

types::ListValue* NewList(const commands::EngineConfig& cfg, LoadedValue* out) {
  auto list = std::make_unique<types::ListValue>(cfg.list_max_listpack_size, cfg.list_compress_depth);
  list->set_packed_threshold(static_cast<size_t>(cfg.list_packed_threshold));
  types::ListValue* raw = list.get();
  out->type = types::ValueType::kList;
  out->object = std::move(list);
  return raw;
}

// Adds a loaded node's elements: as one node when it fits in one (at most
// 65535 elements), else element by element.
void AppendNode(types::ListValue* list, Listpack lp) {
  if (lp.Size() <= UINT16_MAX) {
    list->AppendListpackNode(std::move(lp));
    return;
  }
  char buf[types::kListpackIntBufSize];
  for (Listpack::Entry p = lp.First(); p != nullptr; p = Listpack::Next(p)) {
    list->PushBack(Listpack::Get(p).ToString(buf));
  }
}

LoadResult LoadPlainList(RdbReader& r, const commands::EngineConfig& cfg, LoadedValue* out) {
  uint64_t len;
  if (!ReadCount(r, 1, &len)) return LoadResult::kError;
  if (len == 0) return LoadResult::kEmpty;
  types::ListValue* list = NewList(cfg, out);
  std::string scratch;
  for (uint64_t i = 0; i < len; ++i) {
    std::string_view v;
    if (!r.String(&v, &scratch)) return LoadResult::kError;
    list->PushBack(v);
  }
  return LoadResult::kOk;
}

// Ziplist elements into a listpack.
bool ZiplistToListpack(std::string_view zl, Listpack* lp) {
  return ForEachZiplistEntry(zl, [lp](const ListpackValue& v) {
    if (v.is_int) {
      lp->AppendInt(v.i);
    } else {
      if (!lp->SafeToAdd(v.s.size())) return false;
      lp->Append(v.s);
    }
    return true;
  });
}

LoadResult LoadZiplistList(RdbReader& r, const commands::EngineConfig& cfg, LoadedValue* out) {
  std::string scratch;
  std::string_view blob;
  size_t at;
  if (!ReadBlob(r, &blob, &scratch, &at)) return LoadResult::kError;
  types::ListValue* list = NewList(cfg, out);
  char buf[types::kListpackIntBufSize];
  const bool ok = ForEachZiplistEntry(blob, [&](const ListpackValue& v) {
    list->PushBack(v.ToString(buf));
    return true;
  });
  if (!ok) return Fail(r, at, "List ziplist integrity check failed");
  return list->empty() ? LoadResult::kEmpty : LoadResult::kOk;
}

LoadResult LoadQuicklist(RdbReader& r, bool v2, const commands::EngineConfig& cfg,
                         LoadedValue* out) {
  uint64_t nodes;
  if (!ReadCount(r, v2 ? 2 : 1, &nodes)) return LoadResult::kError;
  if (nodes == 0) return LoadResult::kEmpty;
  types::ListValue* list = NewList(cfg, out);
  std::string scratch;
  for (uint64_t i = 0; i < nodes; ++i) {
    uint64_t container = kQuicklistNodePacked;
    const size_t container_at = r.offset();
    if (v2 && !r.Len(&container)) return LoadResult::kError;
    if (container != kQuicklistNodePacked && container != kQuicklistNodePlain) {
      return Fail(r, container_at, "Quicklist integrity check failed: unknown node container");
    }
    std::string_view blob;
    size_t at;
    if (!ReadBlob(r, &blob, &scratch, &at)) return LoadResult::kError;
    if (blob.empty()) return Fail(r, at, "empty quicklist node");
    if (container == kQuicklistNodePlain) {
      list->AppendPlainNode(blob);
      continue;
    }
    Listpack lp;
    if (v2) {
      if (!Listpack::Validate(blob)) {
        return Fail(r, at, "Quicklist node listpack integrity check failed");
      }
      lp = Listpack::FromValidated(blob);
    } else if (!ZiplistToListpack(blob, &lp)) {
      return Fail(r, at, "Quicklist node ziplist integrity check failed");
    }
    // Redis skips empty nodes; a list left with none is an empty key.
    if (!lp.Empty()) AppendNode(list, std::move(lp));
  }
  return list->empty() ? LoadResult::kEmpty : LoadResult::kOk;
}

// ------------------------------------------------------------------ sets

LoadResult LoadPlainSet(RdbReader& r, const commands::EngineConfig& cfg, uint64_t seed,
                        LoadedValue* out) {
  uint64_t len;
  if (!ReadCount(r, 1, &len)) return LoadResult::kError;
  if (len == 0) return LoadResult::kEmpty;
  auto set = std::make_unique<types::SetValue>(seed);
  std::string scratch;
  for (uint64_t i = 0; i < len; ++i) {
    const size_t at = r.offset();
    std::string_view member;
    if (!r.String(&member, &scratch)) return LoadResult::kError;
    if (!set->Add(member, cfg.set_max_intset_entries)) {
      return Fail(r, at, "duplicate set members detected");
    }
  }
  out->type = types::ValueType::kSet;
  out->object = std::move(set);
  return LoadResult::kOk;
}

LoadResult LoadIntsetSet(RdbReader& r, const commands::EngineConfig& cfg, uint64_t seed,
                         LoadedValue* out) {
  std::string scratch;
  std::string_view blob;
  size_t at;
  if (!ReadBlob(r, &blob, &scratch, &at)) return LoadResult::kError;
  std::optional<types::Intset> is = types::Intset::FromBytes(blob);
  if (!is) return Fail(r, at, "Intset integrity check failed");
  auto set = std::make_unique<types::SetValue>(seed, std::move(*is));
  const int64_t max = std::min(cfg.set_max_intset_entries, types::kSetIntsetEntriesCap);
  if (static_cast<int64_t>(set->size()) > max) set->ConvertToHashtable();
  out->type = types::ValueType::kSet;
  out->object = std::move(set);
  return LoadResult::kOk;
}

// Redis 7.2's listpack sets: members become an intset or a table here.
LoadResult LoadListpackSet(RdbReader& r, const commands::EngineConfig& cfg, uint64_t seed,
                           LoadedValue* out) {
  std::string scratch;
  std::string_view blob;
  size_t at;
  if (!ReadBlob(r, &blob, &scratch, &at)) return LoadResult::kError;
  Listpack lp;
  if (!LoadTupleListpack(r, at, blob, 1, "Set listpack", &lp)) return LoadResult::kError;
  if (lp.Empty()) return LoadResult::kEmpty;
  auto set = std::make_unique<types::SetValue>(seed);
  char buf[types::kListpackIntBufSize];
  for (Listpack::Entry p = lp.First(); p != nullptr; p = Listpack::Next(p)) {
    set->Add(Listpack::Get(p).ToString(buf), cfg.set_max_intset_entries);
  }
  out->type = types::ValueType::kSet;
  out->object = std::move(set);
  return LoadResult::kOk;
}

// ------------------------------------------------------------------ sorted sets

types::ZSetLimits ZLimits(const commands::EngineConfig& cfg) {
  types::ZSetLimits l;
  l.max_listpack_entries = static_cast<size_t>(std::max<int64_t>(cfg.zset_max_listpack_entries, 0));
  l.max_listpack_value = static_cast<size_t>(std::max<int64_t>(cfg.zset_max_listpack_value, 0));
  return l;
}

// True when the items hold a member twice.
bool HasDuplicateMembers(const std::vector<types::ZSetValue::Item>& items) {
  std::vector<std::string_view> members;
  members.reserve(items.size());
  for (const auto& item : items) members.push_back(item.member);
  std::sort(members.begin(), members.end());
  return std::adjacent_find(members.begin(), members.end()) != members.end();
}

LoadResult LoadPlainZSet(RdbReader& r, bool binary_scores, const commands::EngineConfig& cfg,
                         LoadedValue* out) {
  uint64_t len;
  if (!ReadCount(r, 2, &len)) return LoadResult::kError;
  if (len == 0) return LoadResult::kEmpty;
  const size_t start = r.offset();
  std::vector<types::ZSetValue::Item> items;
  items.reserve(static_cast<size_t>(len));
  for (uint64_t i = 0; i < len; ++i) {
    types::ZSetValue::Item item;
    if (!ReadString(r, &item.member)) return LoadResult::kError;
    const size_t score_at = r.offset();
    if (!(binary_scores ? r.BinaryDouble(&item.score) : r.TextDouble(&item.score))) {
      return LoadResult::kError;
    }
    if (std::isnan(item.score)) return Fail(r, score_at, "zset with NaN score");
    items.push_back(std::move(item));
  }
  if (HasDuplicateMembers(items)) {
    return Fail(r, start, "duplicate zset members detected");
  }
  out->type = types::ValueType::kZSet;
  out->object = types::ZSetValue::FromItems(std::move(items), ZLimits(cfg));
  return LoadResult::kOk;
}

// A sorted set from a listpack of member, score pairs (unique members,
// checked): kept as it is when in order and within the entry limit, else
// rebuilt in order with the encoding its size calls for.
LoadResult ZSetFromListpack(RdbReader& r, size_t at, Listpack lp,
                            const commands::EngineConfig& cfg, LoadedValue* out) {
  if (lp.Empty()) return LoadResult::kEmpty;
  std::vector<types::ZSetValue::Item> items;
  bool ordered = true;
  char buf[types::kListpackIntBufSize];
  for (Listpack::Entry p = lp.First(); p != nullptr;) {
    types::ZSetValue::Item item;
    item.member.assign(Listpack::Get(p).ToString(buf));
    p = Listpack::Next(p);
    item.score = types::ListpackScore(Listpack::Get(p));
    p = Listpack::Next(p);
    if (std::isnan(item.score)) return Fail(r, at, "zset with NaN score");
    if (!items.empty() && !types::ZKeyLess(items.back().score, items.back().member, item.score,
                                           item.member)) {
      ordered = false;
    }
    items.push_back(std::move(item));
  }
  out->type = types::ValueType::kZSet;
  const types::ZSetLimits limits = ZLimits(cfg);
  if (ordered && items.size() <= limits.max_listpack_entries) {
    out->object = types::ZSetValue::FromListpack(std::move(lp));
  } else {
    out->object = types::ZSetValue::FromItems(std::move(items), limits);
  }
  return LoadResult::kOk;
}

LoadResult LoadCompactZSet(RdbReader& r, bool ziplist, const commands::EngineConfig& cfg,
                           LoadedValue* out) {
  std::string scratch;
  std::string_view blob;
  size_t at;
  if (!ReadBlob(r, &blob, &scratch, &at)) return LoadResult::kError;
  Listpack lp;
  if (ziplist) {
    Listpack converted;
    if (!ZiplistToListpack(blob, &converted)) {
      return Fail(r, at, "Zset ziplist integrity check failed");
    }
    blob = converted.bytes();
    if (!LoadTupleListpack(r, at, blob, 2, "Zset ziplist", &lp)) return LoadResult::kError;
  } else if (!LoadTupleListpack(r, at, blob, 2, "Zset listpack", &lp)) {
    return LoadResult::kError;
  }
  return ZSetFromListpack(r, at, std::move(lp), cfg, out);
}

// ------------------------------------------------------------------ hashes

types::HashLimits HLimits(const commands::EngineConfig& cfg) {
  types::HashLimits l;
  l.max_listpack_entries = static_cast<size_t>(std::max<int64_t>(cfg.hash_max_listpack_entries, 0));
  l.max_listpack_value = static_cast<size_t>(std::max<int64_t>(cfg.hash_max_listpack_value, 0));
  return l;
}

void ConvertIfLarge(HashValue* h, const commands::EngineConfig& cfg) {
  if (h->encoding() != HashValue::Encoding::kTable &&
      h->Size() > HLimits(cfg).max_listpack_entries) {
    h->ConvertToTable();
  }
}

// Field and value pairs, as read one by one (types 4, 9, 22, 24): with
// times (from_ttl) when the type has them.
LoadResult LoadPlainHash(RdbReader& r, RdbType type, const commands::EngineConfig& cfg,
                         LoadedValue* out) {
  const bool with_ttl = type == RdbType::kHashMetadata || type == RdbType::kHashMetadataPreGa;
  int64_t min_expire = 0;
  if (type == RdbType::kHashMetadata) {
    const size_t at = r.offset();
    if (!r.Millis(&min_expire)) return LoadResult::kError;
    if (static_cast<uint64_t>(min_expire) > kMaxFieldExpireMs + 1) {
      return Fail(r, at, "hash with an invalid minimum field expire time");
    }
  }
  uint64_t len;
  if (!ReadCount(r, with_ttl ? 3 : 2, &len)) return LoadResult::kError;
  if (len == 0) return LoadResult::kEmpty;
  auto h = std::make_unique<HashValue>();
  if (with_ttl) h->EnableFieldExpiry();
  const types::HashLimits limits = HLimits(cfg);
  std::string field;
  std::string value;
  for (uint64_t i = 0; i < len; ++i) {
    const size_t at = r.offset();
    uint64_t expire = 0;
    if (with_ttl) {
      uint64_t ttl;
      if (!r.Len(&ttl)) return LoadResult::kError;
      expire = type == RdbType::kHashMetadata && ttl != 0
                   ? ttl + static_cast<uint64_t>(min_expire) - 1
                   : ttl;
      if (expire > kMaxFieldExpireMs) {
        return Fail(r, at, "invalid hash field expire time");
      }
    }
    if (!ReadString(r, &field) || !ReadString(r, &value)) return LoadResult::kError;
    if (!h->Set(field, value, limits)) {
      return Fail(r, at, "duplicate hash fields detected");
    }
    if (expire != 0) h->SetFieldExpire(field, static_cast<int64_t>(expire));
  }
  ConvertIfLarge(h.get(), cfg);
  out->type = types::ValueType::kHash;
  out->object = std::move(h);
  return LoadResult::kOk;
}

LoadResult LoadZipmapHash(RdbReader& r, const commands::EngineConfig& cfg, LoadedValue* out) {
  std::string scratch;
  std::string_view blob;
  size_t at;
  if (!ReadBlob(r, &blob, &scratch, &at)) return LoadResult::kError;
  auto h = std::make_unique<HashValue>();
  const types::HashLimits limits = HLimits(cfg);
  bool duplicate = false;
  const bool ok = ForEachZipmapPair(blob, [&](std::string_view field, std::string_view value) {
    duplicate = !h->Set(field, value, limits);
    return !duplicate;
  });
  if (!ok) {
    return Fail(r, at,
                duplicate ? "Hash zipmap with duplicate fields" : "Zipmap integrity check failed");
  }
  // Redis's zipmap check refuses an empty one outright.
  if (h->Size() == 0) return Fail(r, at, "Zipmap integrity check failed");
  out->type = types::ValueType::kHash;
  out->object = std::move(h);
  return LoadResult::kOk;
}

// Checks a listpackex's triples: each time an integer in range (0: none),
// those with a time first in time order. Rebuilds the hash in that order
// when only the order is off.
LoadResult HashFromListpackEx(RdbReader& r, size_t at, Listpack lp,
                              const commands::EngineConfig& cfg, LoadedValue* out) {
  bool ordered = true;
  int64_t last = 0;  // 0: no time seen yet; -1: a field without one seen
  size_t i = 0;
  for (Listpack::Entry p = lp.First(); p != nullptr; p = Listpack::Next(p), ++i) {
    if (i % 3 != 2) continue;
    const ListpackValue v = Listpack::Get(p);
    if (!v.is_int || v.i < 0 || static_cast<uint64_t>(v.i) > kMaxFieldExpireMs) {
      return Fail(r, at, "hash listpack with an invalid field expire time");
    }
    if (v.i == 0) {
      last = -1;
    } else if (last == -1 || v.i < last) {
      ordered = false;
    } else {
      last = v.i;
    }
  }
  out->type = types::ValueType::kHash;
  if (ordered) {
    auto h = HashValue::FromListpack(std::move(lp), /*field_ttls=*/true);
    ConvertIfLarge(h.get(), cfg);
    out->object = std::move(h);
    return LoadResult::kOk;
  }
  auto h = std::make_unique<HashValue>();
  h->EnableFieldExpiry();
  const types::HashLimits limits = HLimits(cfg);
  char fbuf[types::kListpackIntBufSize];
  char vbuf[types::kListpackIntBufSize];
  for (Listpack::Entry p = lp.First(); p != nullptr;) {
    const std::string field(Listpack::Get(p).ToString(fbuf));
    p = Listpack::Next(p);
    h->Set(field, Listpack::Get(p).ToString(vbuf), limits);
    p = Listpack::Next(p);
    const int64_t t = Listpack::Get(p).i;
    if (t != 0) h->SetFieldExpire(field, t);
    p = Listpack::Next(p);
  }
  ConvertIfLarge(h.get(), cfg);
  out->object = std::move(h);
  return LoadResult::kOk;
}

LoadResult LoadCompactHash(RdbReader& r, RdbType type, const commands::EngineConfig& cfg,
                           LoadedValue* out) {
  if (type == RdbType::kHashListpackEx) {
    int64_t min_expire;  // a hint for Redis's own future use; not needed here
    if (!r.Millis(&min_expire)) return LoadResult::kError;
  }
  std::string scratch;
  std::string_view blob;
  size_t at;
  if (!ReadBlob(r, &blob, &scratch, &at)) return LoadResult::kError;
  const bool ex = type == RdbType::kHashListpackEx || type == RdbType::kHashListpackExPreGa;
  Listpack lp;
  if (type == RdbType::kHashZiplist) {
    Listpack converted;
    if (!ZiplistToListpack(blob, &converted)) {
      return Fail(r, at, "Hash ziplist integrity check failed");
    }
    if (!LoadTupleListpack(r, at, converted.bytes(), 2, "Hash ziplist", &lp)) {
      return LoadResult::kError;
    }
  } else if (!LoadTupleListpack(r, at, blob, ex ? 3 : 2, "Hash listpack", &lp)) {
    return LoadResult::kError;
  }
  if (lp.Empty()) return LoadResult::kEmpty;
  if (ex) return HashFromListpackEx(r, at, std::move(lp), cfg, out);
  auto h = HashValue::FromListpack(std::move(lp), /*field_ttls=*/false);
  ConvertIfLarge(h.get(), cfg);
  out->type = types::ValueType::kHash;
  out->object = std::move(h);
  return LoadResult::kOk;
}

}  // namespace

LoadResult LoadValue(RdbReader& r, uint8_t type_byte, const commands::EngineConfig& cfg,
                     uint64_t seed, LoadedValue* out) {
  const size_t at = r.offset();
  const auto type = static_cast<RdbType>(type_byte);
  switch (type) {
    case RdbType::kString:
      out->type = types::ValueType::kString;
      return ReadString(r, &out->string) ? LoadResult::kOk : LoadResult::kError;
    case RdbType::kList:
      return LoadPlainList(r, cfg, out);
    case RdbType::kListZiplist:
      return LoadZiplistList(r, cfg, out);
    case RdbType::kListQuicklist:
    case RdbType::kListQuicklist2:
      return LoadQuicklist(r, type == RdbType::kListQuicklist2, cfg, out);
    case RdbType::kSet:
      return LoadPlainSet(r, cfg, seed, out);
    case RdbType::kSetIntset:
      return LoadIntsetSet(r, cfg, seed, out);
    case RdbType::kSetListpack:
      return LoadListpackSet(r, cfg, seed, out);
    case RdbType::kZSet:
    case RdbType::kZSet2:
      return LoadPlainZSet(r, type == RdbType::kZSet2, cfg, out);
    case RdbType::kZSetZiplist:
    case RdbType::kZSetListpack:
      return LoadCompactZSet(r, type == RdbType::kZSetZiplist, cfg, out);
    case RdbType::kHash:
    case RdbType::kHashMetadata:
    case RdbType::kHashMetadataPreGa:
      return LoadPlainHash(r, type, cfg, out);
    case RdbType::kHashZipmap:
      return LoadZipmapHash(r, cfg, out);
    case RdbType::kHashZiplist:
    case RdbType::kHashListpack:
    case RdbType::kHashListpackEx:
    case RdbType::kHashListpackExPreGa:
      return LoadCompactHash(r, type, cfg, out);
    case RdbType::kModule:
    case RdbType::kModule2:
      r.FailAt(at, std::string("module values are not supported (type ") +
                       RdbTypeName(type_byte) + ")");
      return LoadResult::kUnsupported;
    case RdbType::kStreamListpacks:
    case RdbType::kStreamListpacks2:
    case RdbType::kStreamListpacks3:
      return LoadStream(r, type, out);
  }
  return Fail(r, at, "unknown value type " + std::to_string(type_byte));
}

bool VerifyDumpPayload(std::string_view payload, bool skip_checksum) {
  if (payload.size() < kDumpTrailerSize) return false;
  const auto* footer =
      reinterpret_cast<const uint8_t*>(payload.data() + payload.size() - kDumpTrailerSize);
  const int version = footer[0] | (footer[1] << 8);
  if (version > kRdbMaxVersion) return false;
  if (skip_checksum) return true;
  uint64_t stored = 0;
  for (int i = 0; i < 8; ++i) stored |= static_cast<uint64_t>(footer[2 + i]) << (8 * i);
  return base::Crc64(0, payload.data(), payload.size() - 8) == stored;
}

}  // namespace osprey::persistence
