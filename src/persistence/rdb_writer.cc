#include "persistence/rdb_writer.h"

#include <cstdio>
#include <cstring>

#include "base/check.h"
#include "base/crc64.h"
#include "base/numbers.h"
#include "keyspace/keyspace.h"
#include "keyspace/string_value.h"
#include "persistence/rdb_stream.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/listpack.h"
#include "types/set.h"
#include "types/stream.h"
#include "types/zset.h"

namespace osprey::persistence {

using keyspace::Entry;
using types::HashValue;
using types::ValueType;

namespace {

const HashValue& HashOf(Entry e) { return static_cast<const HashValue&>(*e.object()); }

bool HashHasFieldTtls(const HashValue& h) {
  return h.NextExpireBound() != types::kNoFieldExpire;
}

void WriteScalar(RdbEncoder& enc, const types::ListpackValue& v) {
  if (v.is_int) {
    enc.Int64String(v.i);
  } else {
    enc.String(v.s);
  }
}

void WriteList(RdbEncoder& enc, const types::ListValue& list) {
  enc.Len(list.node_count());
  list.ForEachNode([&](const types::ListValue::StoredNode& n) {
    enc.Len(n.plain ? kQuicklistNodePlain : kQuicklistNodePacked);
    if (n.compressed) {
      enc.LzfBlob(n.data, n.raw_size);
    } else {
      enc.String(n.data);
    }
  });
}

void WriteSet(RdbEncoder& enc, const types::SetValue& set) {
  if (set.is_intset()) {
    enc.String(set.intset().bytes());
    return;
  }
  enc.Len(set.size());
  set.ForEach([&](std::string_view member) { enc.String(member); });
}

void WriteZSet(RdbEncoder& enc, const types::ZSetValue& z) {
  if (z.encoding() == types::ZSetValue::Encoding::kListpack) {
    enc.String(z.ListpackBytes());
    return;
  }
  // Highest first, as Redis writes them: a loader inserting in that order
  // always adds at the head of its skiplist.
  enc.Len(z.size());
  for (auto it = z.Last(); it.Valid(); it.Prev()) {
    enc.String(it.member());
    enc.BinaryDouble(it.score());
  }
}

// The earliest field expire time (REQUIRES: some field has one).
int64_t MinFieldExpire(const HashValue& h) {
  int64_t min = INT64_MAX;
  h.ForEach([&](const HashValue::FieldView& f) {
    if (f.expire_ms != types::kNoFieldExpire && f.expire_ms < min) min = f.expire_ms;
  });
  return min;
}

void WriteHash(RdbEncoder& enc, const HashValue& h) {
  const bool ttls = HashHasFieldTtls(h);
  if (h.encoding() == HashValue::Encoding::kListpack) {
    enc.String(h.ListpackBytes());
    return;
  }
  if (h.encoding() == HashValue::Encoding::kListpackEx) {
    if (ttls) {
      // Redis 7.4 keeps the earliest time in front; its listpack is ours.
      enc.Millis(h.NextExpireBound());
      enc.String(h.ListpackBytes());
      return;
    }
    // No field has a time: plain pairs, which Redis 7.0 reads.
    types::Listpack pairs;
    h.ForEach([&](const HashValue::FieldView& f) {
      f.field.is_int ? pairs.AppendInt(f.field.i) : pairs.Append(f.field.s);
      f.value.is_int ? pairs.AppendInt(f.value.i) : pairs.Append(f.value.s);
    });
    enc.String(pairs.bytes());
    return;
  }
  // A table: field, value pairs; with times, each pair is preceded by its
  // time relative to the earliest (plus one; 0 means "none").
  const int64_t min = ttls ? MinFieldExpire(h) : 0;
  if (ttls) enc.Millis(min);
  enc.Len(h.Size());
  h.ForEach([&](const HashValue::FieldView& f) {
    if (ttls) {
      enc.Len(f.expire_ms == types::kNoFieldExpire
                  ? 0
                  : static_cast<uint64_t>(f.expire_ms - min) + 1);
    }
    WriteScalar(enc, f.field);
    WriteScalar(enc, f.value);
  });
}

}  // namespace

RdbType ValueRdbType(Entry e, int version) {
  switch (e.type()) {
    case ValueType::kString:
      return RdbType::kString;
    case ValueType::kList:
      return RdbType::kListQuicklist2;
    case ValueType::kSet:
      return static_cast<const types::SetValue&>(*e.object()).is_intset() ? RdbType::kSetIntset
                                                                           : RdbType::kSet;
    case ValueType::kZSet:
      return static_cast<const types::ZSetValue&>(*e.object()).encoding() ==
                     types::ZSetValue::Encoding::kListpack
                 ? RdbType::kZSetListpack
                 : RdbType::kZSet2;
    case ValueType::kHash: {
      const HashValue& h = HashOf(e);
      const bool ttls = HashHasFieldTtls(h);
      if (h.encoding() == HashValue::Encoding::kTable) {
        return ttls ? RdbType::kHashMetadata : RdbType::kHash;
      }
      return ttls ? RdbType::kHashListpackEx : RdbType::kHashListpack;
    }
    case ValueType::kStream:
      return version >= kRdbVersionFieldTtl ? RdbType::kStreamListpacks3
                                            : RdbType::kStreamListpacks2;
    case ValueType::kModule:
      break;
  }
  OSPREY_CHECK(false && "no RDB form for this value type yet");
  return RdbType::kString;
}

int ValueRdbVersion(Entry e) {
  if (e.type() == ValueType::kHash && HashHasFieldTtls(HashOf(e))) return kRdbVersionFieldTtl;
  return kRdbVersion;
}

void WriteValue(RdbEncoder& enc, Entry e, int version) {
  switch (e.type()) {
    case ValueType::kString: {
      if (e.kind() == keyspace::ValueKind::kInt) {
        enc.Int64String(e.int_value());
      } else {
        enc.String(e.string_bytes());
      }
      return;
    }
    default:
      WriteObject(enc, *e.object(), version);
      return;
  }
}

void WriteObject(RdbEncoder& enc, const types::Object& object, int version) {
  switch (object.type()) {
    case ValueType::kList:
      WriteList(enc, static_cast<const types::ListValue&>(object));
      return;
    case ValueType::kSet:
      WriteSet(enc, static_cast<const types::SetValue&>(object));
      return;
    case ValueType::kZSet:
      WriteZSet(enc, static_cast<const types::ZSetValue&>(object));
      return;
    case ValueType::kHash:
      WriteHash(enc, static_cast<const HashValue&>(object));
      return;
    case ValueType::kStream:
      // Type 21 (ValueRdbType) in the files that have field TTLs.
      WriteStream(enc, static_cast<const types::StreamValue&>(object),
                  version >= kRdbVersionFieldTtl);
      return;
    case ValueType::kString:
    case ValueType::kModule:
      break;
  }
  OSPREY_CHECK(false && "no RDB form for this value type yet");
}

std::string CreateDumpPayload(Entry e, bool compress) {
  std::string out;
  StringSink sink(&out);
  RdbEncoder enc(&sink, compress);
  enc.Byte(static_cast<uint8_t>(ValueRdbType(e)));
  WriteValue(enc, e);
  const int version = ValueRdbVersion(e);
  out.push_back(static_cast<char>(version & 0xff));
  out.push_back(static_cast<char>((version >> 8) & 0xff));
  const uint64_t crc = base::Crc64(0, out);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(crc >> (8 * i)));
  return out;
}

// ------------------------------------------------------------------ data sets

namespace {

void WriteAccessInfo(RdbEncoder& enc, Entry e, const RdbSaveOptions& opts) {
  switch (opts.access_info) {
    case RdbSaveOptions::AccessInfo::kNone:
      return;
    case RdbSaveOptions::AccessInfo::kLru:
      enc.Byte(static_cast<uint8_t>(RdbOpcode::kIdle));
      enc.Len(static_cast<uint64_t>(keyspace::LruIdleMillis(e.clock(), opts.now_ms) / 1000));
      return;
    case RdbSaveOptions::AccessInfo::kLfu:
      enc.Byte(static_cast<uint8_t>(RdbOpcode::kFreq));
      enc.Byte(static_cast<uint8_t>(
          keyspace::LfuDecayedCounter(e.clock(), opts.now_ms, opts.lfu_params)));
      return;
  }
}

}  // namespace

int DatasetRdbVersion(const keyspace::Keyspace& ks) {
  for (int i = 0; i < ks.db_count(); ++i) {
    const keyspace::Db& db = ks.db(i);
    // Every hash that has a field time is in the field-expiry index, so a
    // database with an empty index needs no look.
    if (db.field_expiry().size() == 0) continue;
    bool found = false;
    db.table().ForEach([&](Entry e) {
      if (!found && e.type() == ValueType::kHash && HashHasFieldTtls(HashOf(e))) found = true;
    });
    if (found) return kRdbVersionFieldTtl;
  }
  return kRdbVersion;
}

void Crc64Sink::Append(const void* data, size_t len) {
  if (enabled_) crc_ = base::Crc64(crc_, data, len);
  inner_->Append(data, len);
}

RdbStreamWriter::RdbStreamWriter(RdbSink* out, const RdbSaveOptions& opts)
    : out_(out), sink_(out, opts.checksum), enc_(&sink_, opts.compress), opts_(opts) {}

void RdbStreamWriter::Begin(int version) {
  char magic[16];
  std::snprintf(magic, sizeof(magic), "REDIS%04d", version);
  version_ = version;
  enc_.Raw(magic, 9);
  for (const auto& [name, value] : opts_.aux) {
    enc_.Byte(static_cast<uint8_t>(RdbOpcode::kAux));
    enc_.String(name);
    enc_.String(value);
  }
}

void RdbStreamWriter::SelectDb(int db) {
  if (db == db_) return;
  db_ = db;
  enc_.Byte(static_cast<uint8_t>(RdbOpcode::kSelectDb));
  enc_.Len(static_cast<uint64_t>(db));
}

void RdbStreamWriter::BeginDatabase(int db, size_t keys, size_t expires) {
  db_ = -1;  // a SELECTDB always goes before the size hint
  SelectDb(db);
  enc_.Byte(static_cast<uint8_t>(RdbOpcode::kResizeDb));
  enc_.Len(keys);
  enc_.Len(expires);
}

void RdbStreamWriter::Key(int db, Entry e) {
  KeyHeader(db, e);
  WriteValue(enc_, e, version_);
}

void RdbStreamWriter::KeyHeader(int db, Entry e) {
  SelectDb(db);
  if (e.has_expire()) {
    enc_.Byte(static_cast<uint8_t>(RdbOpcode::kExpireTimeMs));
    enc_.Millis(e.expire_ms());
  }
  WriteAccessInfo(enc_, e, opts_);
  enc_.Byte(static_cast<uint8_t>(ValueRdbType(e, version_)));
  enc_.String(e.key());
}

void RdbStreamWriter::End() {
  enc_.Byte(static_cast<uint8_t>(RdbOpcode::kEof));
  const uint64_t crc = opts_.checksum ? sink_.crc() : 0;
  uint8_t trailer[8];
  for (int i = 0; i < 8; ++i) trailer[i] = static_cast<uint8_t>(crc >> (8 * i));
  out_->Append(trailer, 8);
}

void WriteDataset(RdbSink& out, const keyspace::Keyspace& ks, const RdbSaveOptions& opts) {
  RdbStreamWriter writer(&out, opts);
  writer.Begin(DatasetRdbVersion(ks));
  for (int i = 0; i < ks.db_count(); ++i) {
    const keyspace::Db& db = ks.db(i);
    if (db.size() == 0) continue;
    writer.BeginDatabase(i, db.size(), db.expires_count());
    db.table().ForEach([&](Entry e) {
      if (opts.before_key) opts.before_key();
      writer.Key(i, e);
    });
  }
  writer.End();
}

}  // namespace osprey::persistence
