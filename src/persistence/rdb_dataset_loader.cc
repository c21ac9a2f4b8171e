// LoadDataset: the file level of the RDB format (header, opcodes between
// keys, trailer) around LoadValue.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "base/crc64.h"
#include "keyspace/access_clock.h"
#include "keyspace/keyspace.h"
#include "keyspace/string_value.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_loader.h"

namespace osprey::persistence {

namespace {

constexpr size_t kHeaderSize = 9;  // "REDIS" and four version digits
// Before version 5 files had no checksum trailer.
constexpr int kFirstChecksumVersion = 5;
// Skipped empty keys named in RdbLoadStats (Redis logs the first ten).
constexpr size_t kEmptyKeysLogged = 10;

std::string Printable(std::string_view s) {
  constexpr size_t kMax = 64;
  std::string out;
  for (char c : s.substr(0, kMax)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\'' && c != '\\') {
      out.push_back(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", u);
      out += buf;
    }
  }
  if (s.size() > kMax) out += "...";
  return out;
}

base::Status CorruptAt(size_t offset, std::string_view what, std::string_view key, int64_t db) {
  std::string msg = "RDB corrupt at offset " + std::to_string(offset) + ": " + std::string(what);
  if (!key.empty() || db >= 0) {
    msg += " (key '" + Printable(key) + "' in db " + std::to_string(db) + ")";
  }
  return base::Status::Corruption(std::move(msg));
}

base::Status Corrupt(const RdbReader& r, std::string_view key, int64_t db) {
  return CorruptAt(r.error_offset(), r.error(), key, db);
}

// Frees what a value spec owns (a value that was not stored).
void FreeSpec(const keyspace::ValueSpec& v) {
  if (v.kind == types::ValueKind::kRawHeap) {
    types::HeapString::Destroy(static_cast<types::HeapString*>(v.pointer));
  } else if (v.kind == types::ValueKind::kObject) {
    delete static_cast<types::Object*>(v.pointer);
  }
}

// The access clock a loaded key gets from its IDLE / FREQ opcodes, as Redis
// applies them: idle seconds under LRU, the counter under LFU.
uint32_t LoadedClock(uint32_t clock, int64_t idle, int freq, const RdbLoadOptions& opts) {
  if (opts.lfu) {
    if (freq < 0) return clock;
    return (keyspace::LfuMinutesAt(opts.now_ms) << 8) | static_cast<uint32_t>(freq);
  }
  if (idle < 0) return clock;
  int64_t abs = static_cast<int64_t>(keyspace::LruClockAt(opts.now_ms)) - idle;
  if (abs < 0) abs += keyspace::kLruClockMax;
  return static_cast<uint32_t>(abs) & keyspace::kLruClockMax;
}

// Parses the header; returns the version or -1.
int ParseHeader(std::string_view data) {
  if (data.size() < kHeaderSize || data.substr(0, 5) != "REDIS") return -1;
  int version = 0;
  for (size_t i = 5; i < kHeaderSize; ++i) {
    if (data[i] < '0' || data[i] > '9') return -1;
    version = version * 10 + (data[i] - '0');
  }
  return version;
}

// The per-key state that opcodes before a key set.
struct KeyAttributes {
  int64_t expire_ms = -1;
  int64_t idle = -1;
  int freq = -1;
};

// A key read whole and not stored yet (see DatasetLoader::Key).
struct PendingKey {
  std::string key;
  LoadedValue value;
  // A string value's bytes (viewing the file, or value.string when they
  // had to be decoded); other types are in `value`.
  bool plain_string = false;
  std::string_view string;
  KeyAttributes attrs;
  size_t at = 0;  // offset of its type byte
  uint64_t hash = 0;
  keyspace::Db* db = nullptr;
  int64_t db_index = 0;
};

// Keys are stored this many reads after they were read, so the memory
// their buckets live in is asked for early: a lookup in a large table
// otherwise waits on two or three cache misses in a row, which made the
// duplicate check most of a big load's time. Prefetch steps 0, 1 and 2
// run kPrefetchDistance keys apart, the store one distance after step 2.
constexpr size_t kPrefetchDistance = 4;
constexpr size_t kQueueDepth = 3 * kPrefetchDistance;
constexpr size_t kQueueSlots = 16;  // a power of two above kQueueDepth
static_assert(kQueueSlots > kQueueDepth && (kQueueSlots & (kQueueSlots - 1)) == 0);

// One load: the reader, the database being filled and the attributes the
// opcodes before the next key have set.
class DatasetLoader {
 public:
  DatasetLoader(std::string_view data, keyspace::Keyspace& ks, const commands::EngineConfig& cfg,
                const RdbLoadOptions& opts, RdbLoadStats* stats)
      : data_(data), r_(data.substr(kHeaderSize), kHeaderSize), ks_(ks), db_(&ks.db(0)),
        cfg_(cfg), opts_(opts), stats_(stats) {}

  // Everything after the header, up to and including the checksum.
  base::Status Run(int version) {
    base::Status st = ReadAll(version);
    if (!st.ok() && opts_.observer != nullptr) {
      if (failure_) {
        opts_.observer->OnReadError(failure_->first, failure_->second);
      } else if (r_.failed()) {
        opts_.observer->OnReadError(r_.error_offset(), r_.error());
      }
    }
    return st;
  }

 private:
  base::Status ReadAll(int version) {
    base::Status st = ReadKeys();
    // Keys read before a failure are stored first: a duplicate among them
    // is the first thing wrong with the file.
    base::Status stored = StoreAll();
    if (!stored.ok()) return stored;
    if (!st.ok()) return st;
    return version >= kFirstChecksumVersion ? Trailer() : base::Status::Ok();
  }

  // Everything up to the EOF opcode.
  base::Status ReadKeys() {
    while (true) {
      const size_t at = r_.offset();
      uint8_t type;
      if (!r_.Byte(&type)) return Corrupt(r_, {}, -1);
      if (opts_.observer != nullptr) opts_.observer->OnType(at, type);
      if (type == static_cast<uint8_t>(RdbOpcode::kEof)) return base::Status::Ok();
      const auto op = static_cast<RdbOpcode>(type);
      // The opcodes that set the next key's attributes leave queued keys be;
      // anything else (a database switch, its size hint) finds them stored.
      if (op != RdbOpcode::kExpireTime && op != RdbOpcode::kExpireTimeMs &&
          op != RdbOpcode::kFreq && op != RdbOpcode::kIdle && IsOpcode(type)) {
        OSPREY_RETURN_IF_ERROR(StoreAll());
      }
      bool handled = false;
      base::Status st = Opcode(op, at, &handled);
      if (!st.ok()) return st;
      if (handled) continue;
      OSPREY_RETURN_IF_ERROR(Key(type, at));
      attrs_ = KeyAttributes{};
    }
  }

  static bool IsOpcode(uint8_t type) {
    return type >= static_cast<uint8_t>(RdbOpcode::kFunction2);
  }

  // Handles the opcodes between keys; *handled stays false for a value type.
  base::Status Opcode(RdbOpcode op, size_t at, bool* handled) {
    *handled = true;
    switch (op) {
      case RdbOpcode::kExpireTime: {
        int32_t seconds;
        if (!r_.Seconds(&seconds)) return Corrupt(r_, {}, -1);
        attrs_.expire_ms = static_cast<int64_t>(seconds) * 1000;
        return base::Status::Ok();
      }
      case RdbOpcode::kExpireTimeMs:
        return r_.Millis(&attrs_.expire_ms) ? base::Status::Ok() : Corrupt(r_, {}, -1);
      case RdbOpcode::kFreq: {
        uint8_t freq;
        if (!r_.Byte(&freq)) return Corrupt(r_, {}, -1);
        attrs_.freq = freq;
        return base::Status::Ok();
      }
      case RdbOpcode::kIdle: {
        uint64_t idle;
        if (!r_.Len(&idle)) return Corrupt(r_, {}, -1);
        attrs_.idle = static_cast<int64_t>(idle & INT64_MAX);
        return base::Status::Ok();
      }
      case RdbOpcode::kSelectDb:
        return SelectDb();
      case RdbOpcode::kResizeDb: {
        uint64_t keys;
        uint64_t expires;
        if (!r_.Len(&keys) || !r_.Len(&expires)) return Corrupt(r_, {}, -1);
        // The size hint makes an empty table big enough at once (growing a
        // bucket at a time costs a tenth of a large load). A key takes at
        // least two bytes of the file: a damaged hint cannot ask for more.
        if (!opts_.check_only && db_ != nullptr) {
          db_->table().Presize(static_cast<size_t>(std::min<uint64_t>(keys, r_.remaining() / 2)));
        }
        return base::Status::Ok();
      }
      case RdbOpcode::kAux:
        return Aux();
      case RdbOpcode::kModuleAux:
        return base::Status::Unsupported("RDB holds module data (offset " + std::to_string(at) +
                                         "): modules are not supported");
      case RdbOpcode::kFunction:
      case RdbOpcode::kFunction2:
        return base::Status::Unsupported("RDB holds a function library (offset " +
                                         std::to_string(at) + "): functions are not supported yet");
      default:
        *handled = false;
        return base::Status::Ok();
    }
  }

  base::Status SelectDb() {
    uint64_t index;
    if (!r_.Len(&index)) return Corrupt(r_, {}, -1);
    if (opts_.observer != nullptr) opts_.observer->OnSelectDb(r_.offset(), index);
    db_index_ = static_cast<int64_t>(index & INT64_MAX);
    if (opts_.check_only) return base::Status::Ok();
    if (index >= static_cast<uint64_t>(ks_.db_count())) {
      return base::Status::Unsupported("RDB selects database " + std::to_string(index) +
                                       " but the server has " + std::to_string(ks_.db_count()) +
                                       " databases (see 'databases')");
    }
    db_ = &ks_.db(static_cast<int>(index));
    return base::Status::Ok();
  }

  base::Status Aux() {
    std::string scratch;
    std::string_view v;
    if (!r_.String(&v, &scratch)) return Corrupt(r_, {}, -1);
    std::string name(v);
    if (!r_.String(&v, &scratch)) return Corrupt(r_, {}, -1);
    if (opts_.observer != nullptr) opts_.observer->OnAux(r_.offset(), name, v);
    stats_->aux.emplace_back(std::move(name), std::string(v));
    return base::Status::Ok();
  }

  // A key of value type `type` (its byte at `at`) and its value, read into
  // the queue; it is stored kQueueDepth keys later.
  base::Status Key(uint8_t type, size_t at) {
    PendingKey& p = queue_[(queued_end_) % kQueueSlots];
    std::string scratch;
    std::string_view k;
    if (!r_.String(&k, &scratch)) return Corrupt(r_, {}, db_index_);
    p.key.assign(k);
    const std::string& key = p.key;
    if (opts_.observer != nullptr) opts_.observer->OnKey(key);
    // The slot's string keeps its capacity from earlier keys: most string
    // values are read without an allocation.
    p.value.type = types::ValueType::kString;
    p.value.object.reset();
    // Strings, nine keys in ten, are copied once, from the file into the
    // table; the slot's string only receives decoded ones (LZF, integers).
    p.plain_string = type == static_cast<uint8_t>(RdbType::kString);
    const uint64_t seed = ks_.rng()();
    const LoadResult loaded = p.plain_string
                                  ? (r_.String(&p.string, &p.value.string) ? LoadResult::kOk
                                                                           : LoadResult::kError)
                                  : LoadValue(r_, type, cfg_, seed, &p.value);
    if (opts_.observer != nullptr && (loaded == LoadResult::kOk || loaded == LoadResult::kEmpty)) {
      opts_.observer->OnValue(attrs_.expire_ms);
    }
    switch (loaded) {
      case LoadResult::kError:
        return Corrupt(r_, key, db_index_);
      case LoadResult::kUnsupported:
        return base::Status::Unsupported(
            "RDB holds a value this server cannot load at offset " +
            std::to_string(r_.error_offset()) + ": " + r_.error() + " (key '" + Printable(key) +
            "' in db " + std::to_string(db_index_) + ")");
      case LoadResult::kEmpty:
        if (stats_->empty_keys.size() < kEmptyKeysLogged) stats_->empty_keys.push_back(key);
        ++stats_->empty_keys_skipped;
        return base::Status::Ok();
      case LoadResult::kOk:
        break;
    }
    if (opts_.check_only) {
      ++stats_->keys_loaded;  // read and checked; dropped with the slot's next use
      p.value.object.reset();
      return base::Status::Ok();
    }
    if (opts_.drop_expired && attrs_.expire_ms != -1 && attrs_.expire_ms < opts_.now_ms) {
      ++stats_->keys_expired;
      p.value.object.reset();
      return base::Status::Ok();
    }
    p.attrs = attrs_;
    p.at = at;
    p.db = db_;
    p.db_index = db_index_;
    p.hash = db_->table().Hash(key);
    const keyspace::KeyTable& table = db_->table();
    table.Prefetch(p.hash, 0);
    const size_t n = queued_end_ - queued_begin_;
    if (n >= kPrefetchDistance) {
      const PendingKey& q = queue_[(queued_end_ - kPrefetchDistance) % kQueueSlots];
      q.db->table().Prefetch(q.hash, 1);
    }
    if (n >= 2 * kPrefetchDistance) {
      const PendingKey& q = queue_[(queued_end_ - 2 * kPrefetchDistance) % kQueueSlots];
      q.db->table().Prefetch(q.hash, 2);
    }
    ++queued_end_;
    if (queued_end_ - queued_begin_ > kQueueDepth) return StoreOne();
    return base::Status::Ok();
  }

  // Stores the oldest queued key.
  base::Status StoreOne() {
    PendingKey& p = queue_[queued_begin_ % kQueueSlots];
    ++queued_begin_;
    keyspace::Db* db = p.db;
    const uint32_t clock = LoadedClock(db->NewClock(), p.attrs.idle, p.attrs.freq, opts_);
    keyspace::ValueSpec spec =
        p.plain_string ? keyspace::EncodeStringValue(p.string) : p.value.TakeSpec();
    bool added;
    keyspace::Entry old = db->AddIfAbsent(p.key, p.hash, spec, p.attrs.expire_ms, clock, &added);
    if (!added) {
      if (!opts_.replace_existing) {
        FreeSpec(spec);  // the spec still owns the value's heap parts
        queued_begin_ = queued_end_;  // the load ends here: later keys stay out
        return Duplicate(p);
      }
      db->Erase(old);
      db->AddIfAbsent(p.key, p.hash, spec, p.attrs.expire_ms, clock, &added);
    }
    ++stats_->keys_loaded;
    return base::Status::Ok();
  }

  base::Status StoreAll() {
    while (queued_begin_ != queued_end_) OSPREY_RETURN_IF_ERROR(StoreOne());
    return base::Status::Ok();
  }

  // The error for the queued key `p`, already in its database.
  base::Status Duplicate(const PendingKey& p) {
    if (!r_.failed()) {
      r_.FailAt(p.at, "duplicate key");
      return Corrupt(r_, p.key, p.db_index);
    }
    // A later key failed to read meanwhile; the duplicate came first in the
    // file, so it is the error reported.
    failure_ = {p.at, "duplicate key"};
    return CorruptAt(p.at, failure_->second, p.key, p.db_index);
  }

  // The CRC-64 of everything before it (0: not computed by the writer).
  base::Status Trailer() {
    const size_t end = r_.offset();
    std::string_view trailer;
    if (!r_.Raw(8, &trailer)) return Corrupt(r_, {}, -1);
    uint64_t stored = 0;
    for (int i = 0; i < 8; ++i) {
      stored |= static_cast<uint64_t>(static_cast<uint8_t>(trailer[i])) << (8 * i);
    }
    const bool check = opts_.verify_checksum && stored != 0;
    const uint64_t computed = check ? base::Crc64(0, data_.data(), end) : stored;
    if (opts_.observer != nullptr) {
      opts_.observer->OnChecksum(r_.offset(), stored, stored == computed);
    }
    if (stored == computed) return base::Status::Ok();
    char msg[128];
    std::snprintf(msg, sizeof(msg),
                  "RDB CRC error: wrong checksum at offset %zu (computed %016llx, stored %016llx)",
                  end, static_cast<unsigned long long>(computed),
                  static_cast<unsigned long long>(stored));
    return base::Status::Corruption(msg);
  }

  std::string_view data_;
  RdbReader r_;
  keyspace::Keyspace& ks_;
  keyspace::Db* db_;
  const commands::EngineConfig& cfg_;
  const RdbLoadOptions& opts_;
  RdbLoadStats* stats_;
  KeyAttributes attrs_;
  int64_t db_index_ = 0;  // the database SELECTDB named last (in messages)
  // Keys read and not stored yet: [queued_begin_, queued_end_), modulo
  // kQueueSlots.
  std::array<PendingKey, kQueueSlots> queue_;
  // A failure reported instead of the reader's (see Duplicate).
  std::optional<std::pair<size_t, std::string>> failure_;
  size_t queued_begin_ = 0;
  size_t queued_end_ = 0;
};

}  // namespace

base::Status LoadDataset(std::string_view data, keyspace::Keyspace& ks,
                         const commands::EngineConfig& cfg, const RdbLoadOptions& opts,
                         RdbLoadStats* stats) {
  const int version = ParseHeader(data);
  if (version < 0) return base::Status::Corruption("wrong signature: not an RDB file");
  if (version < 1 || version > kRdbMaxVersion) {
    return base::Status::Unsupported("can't handle RDB format version " + std::to_string(version));
  }
  stats->version = version;
  return DatasetLoader(data, ks, cfg, opts, stats).Run(version);
}

}  // namespace osprey::persistence
