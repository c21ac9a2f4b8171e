// LoadDataset: the file level of the RDB format (header, opcodes between
// keys, trailer) around LoadValue.
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

base::Status Corrupt(const RdbReader& r, std::string_view key, int db) {
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
  RdbReader r(data.substr(kHeaderSize), kHeaderSize);
  keyspace::Db* db = &ks.db(0);
  KeyAttributes attrs;
  std::string key;
  while (true) {
    const size_t at = r.offset();
    uint8_t type;
    if (!r.Byte(&type)) return Corrupt(r, {}, -1);
    switch (static_cast<RdbOpcode>(type)) {
      case RdbOpcode::kExpireTime: {
        int32_t seconds;
        if (!r.Seconds(&seconds)) return Corrupt(r, {}, -1);
        attrs.expire_ms = static_cast<int64_t>(seconds) * 1000;
        continue;
      }
      case RdbOpcode::kExpireTimeMs:
        if (!r.Millis(&attrs.expire_ms)) return Corrupt(r, {}, -1);
        continue;
      case RdbOpcode::kFreq: {
        uint8_t freq;
        if (!r.Byte(&freq)) return Corrupt(r, {}, -1);
        attrs.freq = freq;
        continue;
      }
      case RdbOpcode::kIdle: {
        uint64_t idle;
        if (!r.Len(&idle)) return Corrupt(r, {}, -1);
        attrs.idle = static_cast<int64_t>(idle & INT64_MAX);
        continue;
      }
      case RdbOpcode::kSelectDb: {
        uint64_t index;
        if (!r.Len(&index)) return Corrupt(r, {}, -1);
        if (index >= static_cast<uint64_t>(ks.db_count())) {
          return base::Status::Unsupported(
              "RDB selects database " + std::to_string(index) + " but the server has " +
              std::to_string(ks.db_count()) + " databases (see 'databases')");
        }
        db = &ks.db(static_cast<int>(index));
        continue;
      }
      case RdbOpcode::kResizeDb: {
        uint64_t keys;
        uint64_t expires;
        if (!r.Len(&keys) || !r.Len(&expires)) return Corrupt(r, {}, -1);
        continue;
      }
      case RdbOpcode::kAux: {
        std::string name;
        std::string value;
        std::string_view v;
        std::string scratch;
        if (!r.String(&v, &scratch)) return Corrupt(r, {}, -1);
        name.assign(v);
        if (!r.String(&v, &scratch)) return Corrupt(r, {}, -1);
        value.assign(v);
        stats->aux.emplace_back(std::move(name), std::move(value));
        continue;
      }
      case RdbOpcode::kModuleAux:
        return base::Status::Unsupported("RDB holds module data (offset " + std::to_string(at) +
                                         "): modules are not supported");
      case RdbOpcode::kFunction:
      case RdbOpcode::kFunction2:
        return base::Status::Unsupported("RDB holds a function library (offset " +
                                         std::to_string(at) + "): functions are not supported yet");
      case RdbOpcode::kEof:
        break;
      default: {
        std::string_view k;
        std::string scratch;
        if (!r.String(&k, &scratch)) return Corrupt(r, {}, db->index());
        key.assign(k);
        LoadedValue value;
        switch (LoadValue(r, type, cfg, ks.rng()(), &value)) {
          case LoadResult::kError:
            return Corrupt(r, key, db->index());
          case LoadResult::kUnsupported:
            return base::Status::Unsupported(
                "RDB holds a value this server cannot load at offset " +
                std::to_string(r.error_offset()) + ": " + r.error() + " (key '" + Printable(key) +
                "' in db " + std::to_string(db->index()) + ")");
          case LoadResult::kEmpty:
            if (stats->empty_keys.size() < kEmptyKeysLogged) stats->empty_keys.push_back(key);
            ++stats->empty_keys_skipped;
            attrs = KeyAttributes{};
            continue;
          case LoadResult::kOk:
            break;
        }
        if (opts.drop_expired && attrs.expire_ms != -1 && attrs.expire_ms < opts.now_ms) {
          ++stats->keys_expired;  // the value is freed with `value`
          attrs = KeyAttributes{};
          continue;
        }
        if (keyspace::Entry old = db->table().Find(key)) {
          if (!opts.replace_existing) {
            r.FailAt(at, "duplicate key");
            return Corrupt(r, key, db->index());
          }
          db->Erase(old);
        }
        keyspace::Entry e = db->Add(key, value.TakeSpec(), attrs.expire_ms);
        e.set_clock(LoadedClock(e.clock(), attrs.idle, attrs.freq, opts));
        ++stats->keys_loaded;
        attrs = KeyAttributes{};
        continue;
      }
    }
    break;  // EOF
  }
  if (version >= kFirstChecksumVersion) {
    const size_t end = r.offset();
    std::string_view trailer;
    if (!r.Raw(8, &trailer)) return Corrupt(r, {}, -1);
    uint64_t stored = 0;
    for (int i = 0; i < 8; ++i) {
      stored |= static_cast<uint64_t>(static_cast<uint8_t>(trailer[i])) << (8 * i);
    }
    const uint64_t computed = opts.verify_checksum ? base::Crc64(0, data.data(), end) : 0;
    if (opts.verify_checksum && stored != 0 && stored != computed) {
      char msg[128];
      std::snprintf(msg, sizeof(msg),
                    "RDB CRC error: wrong checksum at offset %zu (computed %016llx, stored %016llx)",
                    end, static_cast<unsigned long long>(computed),
                    static_cast<unsigned long long>(stored));
      return base::Status::Corruption(msg);
    }
  }
  return base::Status::Ok();
}

}  // namespace osprey::persistence
