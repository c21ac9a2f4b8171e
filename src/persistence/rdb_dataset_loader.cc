// LoadDataset: the file level of the RDB format (header, opcodes between
// keys, trailer) around LoadValue.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

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

base::Status Corrupt(const RdbReader& r, std::string_view key, int64_t db) {
  std::string msg = "RDB corrupt at offset " + std::to_string(r.error_offset()) + ": " + r.error();
  if (!key.empty() || db >= 0) {
    msg += " (key '" + Printable(key) + "' in db " + std::to_string(db) + ")";
  }
  return base::Status::Corruption(std::move(msg));
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
    if (!st.ok() && opts_.observer != nullptr && r_.failed()) {
      opts_.observer->OnReadError(r_.error_offset(), r_.error());
    }
    return st;
  }

 private:
  base::Status ReadAll(int version) {
    while (true) {
      const size_t at = r_.offset();
      uint8_t type;
      if (!r_.Byte(&type)) return Corrupt(r_, {}, -1);
      if (opts_.observer != nullptr) opts_.observer->OnType(at, type);
      if (type == static_cast<uint8_t>(RdbOpcode::kEof)) break;
      bool handled = false;
      base::Status st = Opcode(static_cast<RdbOpcode>(type), at, &handled);
      if (!st.ok()) return st;
      if (handled) continue;
      OSPREY_RETURN_IF_ERROR(Key(type, at));
      attrs_ = KeyAttributes{};
    }
    return version >= kFirstChecksumVersion ? Trailer() : base::Status::Ok();
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

  // A key of value type `type` (its byte at `at`) and its value.
  base::Status Key(uint8_t type, size_t at) {
    std::string scratch;
    std::string_view k;
    if (!r_.String(&k, &scratch)) return Corrupt(r_, {}, db_index_);
    const std::string key(k);
    if (opts_.observer != nullptr) opts_.observer->OnKey(key);
    LoadedValue value;
    const LoadResult loaded = LoadValue(r_, type, cfg_, ks_.rng()(), &value);
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
      ++stats_->keys_loaded;  // read and checked; dropped with `value`
      return base::Status::Ok();
    }
    if (opts_.drop_expired && attrs_.expire_ms != -1 && attrs_.expire_ms < opts_.now_ms) {
      ++stats_->keys_expired;  // the value is freed with `value`
      return base::Status::Ok();
    }
    if (keyspace::Entry old = db_->table().Find(key)) {
      if (!opts_.replace_existing) {
        r_.FailAt(at, "duplicate key");
        return Corrupt(r_, key, db_index_);
      }
      db_->Erase(old);
    }
    keyspace::Entry e = db_->Add(key, value.TakeSpec(), attrs_.expire_ms);
    e.set_clock(LoadedClock(e.clock(), attrs_.idle, attrs_.freq, opts_));
    ++stats_->keys_loaded;
    return base::Status::Ok();
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
