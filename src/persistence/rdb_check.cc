// The RDB check: LoadDataset in check-only mode with an observer that
// writes the report as the loader goes.
#include "persistence/rdb_check.h"

#include "commands/engine_config.h"
#include "keyspace/keyspace.h"
#include "persistence/file_image.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_loader.h"

namespace osprey::persistence {

namespace {

// What the check was doing when the file failed it, named as
// redis-check-rdb names it.
enum class Doing : uint8_t {
  kStart,
  kReadType,
  kReadExpire,
  kReadKey,
  kReadValue,
  kCheckSum,
  kReadLen,
  kReadAux,
  kReadModuleAux,
  kReadFunctions,
};

const char* DoingName(Doing d) {
  switch (d) {
    case Doing::kStart:
      return "start";
    case Doing::kReadType:
      return "read-type";
    case Doing::kReadExpire:
      return "read-expire";
    case Doing::kReadKey:
      return "read-key";
    case Doing::kReadValue:
      return "read-object-value";
    case Doing::kCheckSum:
      return "check-sum";
    case Doing::kReadLen:
      return "read-len";
    case Doing::kReadAux:
      return "read-aux";
    case Doing::kReadModuleAux:
      return "read-module-aux";
    case Doing::kReadFunctions:
      return "read-functions";
  }
  return "unknown";
}

// The step an opcode byte starts; value types start reading a key.
Doing DoingAfter(uint8_t type) {
  switch (static_cast<RdbOpcode>(type)) {
    case RdbOpcode::kExpireTime:
    case RdbOpcode::kExpireTimeMs:
      return Doing::kReadExpire;
    case RdbOpcode::kSelectDb:
    case RdbOpcode::kResizeDb:
      return Doing::kReadLen;
    case RdbOpcode::kAux:
      return Doing::kReadAux;
    case RdbOpcode::kModuleAux:
      return Doing::kReadModuleAux;
    case RdbOpcode::kFunction:
    case RdbOpcode::kFunction2:
      return Doing::kReadFunctions;
    case RdbOpcode::kEof:
      return Doing::kCheckSum;
    case RdbOpcode::kIdle:
    case RdbOpcode::kFreq:
      return Doing::kReadType;
  }
  return Doing::kReadKey;
}

bool IsOpcode(uint8_t type) { return type >= static_cast<uint8_t>(RdbOpcode::kFunction2); }

std::string OffsetLine(size_t offset, std::string_view text) {
  std::string line = "[offset " + std::to_string(offset) + "] ";
  line.append(text);
  line += '\n';
  return line;
}

class CheckObserver final : public RdbLoadObserver {
 public:
  CheckObserver(int64_t now_ms, const CheckOutput& out, RdbCheckResult* result)
      : now_ms_(now_ms), out_(out), result_(result) {}

  void OnType(size_t offset, uint8_t type) override {
    offset_ = offset + 1;
    doing_ = DoingAfter(type);
    if (!IsOpcode(type)) key_type_ = type;
  }

  void OnAux(size_t end, std::string_view name, std::string_view value) override {
    offset_ = end;
    std::string text = "AUX FIELD ";
    text.append(name);
    text += " = '";
    text.append(value);
    text += '\'';
    out_(OffsetLine(end, text));
    result_->aux.emplace_back(name, value);
    doing_ = Doing::kReadType;
  }

  void OnSelectDb(size_t end, uint64_t db) override {
    offset_ = end;
    out_(OffsetLine(end, "Selecting DB ID " + std::to_string(db)));
    db_ = db;
    doing_ = Doing::kReadType;
  }

  void OnKey(std::string_view key) override {
    key_.assign(key);
    has_key_ = true;
    ++result_->keys;
    doing_ = Doing::kReadValue;
  }

  void OnValue(int64_t expire_ms) override {
    RdbDbCounts& counts = result_->dbs[db_];
    ++counts.keys;
    if (expire_ms != -1) {
      ++counts.expires;
      ++result_->expires;
      if (expire_ms < now_ms_) ++result_->already_expired;
    }
    has_key_ = false;
    key_type_ = -1;
    doing_ = Doing::kReadType;
  }

  void OnChecksum(size_t end, uint64_t stored, bool matches) override {
    offset_ = end;
    doing_ = Doing::kCheckSum;
    if (stored == 0) {
      result_->checksum = RdbChecksumState::kDisabled;
      out_(OffsetLine(end, "RDB file was saved with checksum disabled: no check performed."));
    } else if (matches) {
      result_->checksum = RdbChecksumState::kOk;
      out_(OffsetLine(end, "Checksum OK"));
    } else {
      result_->checksum = RdbChecksumState::kMismatch;
    }
  }

  void OnReadError(size_t offset, std::string_view what) override {
    error_offset_ = offset;
    error_.assign(what);
    has_error_ = true;
  }

  // Where the data set ended (after the EOF opcode, and the checksum when
  // there is one).
  size_t offset() const { return offset_; }
  Doing doing() const { return doing_; }
  bool has_key() const { return has_key_; }
  const std::string& key() const { return key_; }
  int key_type() const { return key_type_; }
  bool has_error() const { return has_error_; }
  size_t error_offset() const { return error_offset_; }
  const std::string& error() const { return error_; }

 private:
  int64_t now_ms_;
  const CheckOutput& out_;
  RdbCheckResult* result_;
  size_t offset_ = 0;
  Doing doing_ = Doing::kStart;
  uint64_t db_ = 0;
  std::string key_;
  bool has_key_ = false;
  int key_type_ = -1;
  bool has_error_ = false;
  size_t error_offset_ = 0;
  std::string error_;
};

void ReportCounts(const RdbCheckResult& r, const CheckOutput& out) {
  out("[info] " + std::to_string(r.keys) + " keys read\n");
  out("[info] " + std::to_string(r.expires) + " expires\n");
  out("[info] " + std::to_string(r.already_expired) + " already expired\n");
  if (r.version > 0) out("[info] RDB format version " + std::to_string(r.version) + "\n");
  for (const auto& [db, counts] : r.dbs) {
    out("[info] db " + std::to_string(db) + ": " + std::to_string(counts.keys) + " keys, " +
        std::to_string(counts.expires) + " expires\n");
  }
  if (r.empty_keys > 0) {
    out("[info] " + std::to_string(r.empty_keys) +
        " empty keys skipped (loading drops aggregates without elements)\n");
  }
}

void ReportError(const CheckObserver& obs, const RdbCheckResult& r, const CheckOutput& out) {
  out("--- RDB ERROR DETECTED ---\n");
  out(OffsetLine(r.error_offset, r.error));
  if (r.unsupported) {
    out("[additional info] Osprey cannot load this content yet: the rest of the file was not "
        "checked\n");
  }
  out(std::string("[additional info] While doing: ") + DoingName(obs.doing()) + "\n");
  if (obs.has_key()) out("[additional info] Reading key '" + obs.key() + "'\n");
  if (obs.key_type() != -1) {
    out("[additional info] Reading type " + std::to_string(obs.key_type()) + " (" +
        RdbTypeName(static_cast<uint8_t>(obs.key_type())) + ")\n");
  }
  ReportCounts(r, out);
}

}  // namespace

RdbCheckResult CheckRdbImage(std::string_view data, std::string_view name, int64_t now_ms,
                             const CheckOutput& out) {
  RdbCheckResult result;
  out(OffsetLine(0, "Checking RDB file " + std::string(name)));
  CheckObserver obs(now_ms, out, &result);
  RdbLoadOptions opts;
  opts.check_only = true;
  opts.drop_expired = false;
  opts.now_ms = now_ms;
  opts.observer = &obs;
  // Nothing is stored: one database and the default encodings do.
  keyspace::Keyspace ks(1, static_cast<uint64_t>(now_ms));
  const commands::EngineConfig cfg;
  RdbLoadStats stats;
  const base::Status st = LoadDataset(data, ks, cfg, opts, &stats);
  result.version = stats.version;
  result.empty_keys = stats.empty_keys_skipped;
  if (st.ok()) {
    result.ok = true;
    result.end = obs.offset();
    out(OffsetLine(result.end, "\\o/ RDB looks OK! \\o/"));
    ReportCounts(result, out);
    return result;
  }
  result.unsupported = st.code() == base::StatusCode::kUnsupported;
  if (obs.has_error()) {
    // A read that failed: the reader says where and why.
    result.error_offset = obs.error_offset();
    result.error = obs.error();
  } else {
    // A failure of the file as a whole (header, checksum, content refused
    // by kind): the loader's message, at the last place the check reached.
    result.error_offset = obs.offset();
    result.error.assign(st.message());
  }
  if (obs.has_key()) result.error_key = obs.key();
  ReportError(obs, result, out);
  return result;
}

int RunRdbCheck(const std::string& path, int64_t now_ms, const CheckOutput& out) {
  base::Result<FileImage> file = FileImage::Open(path);
  if (!file.ok()) {
    out(OffsetLine(0, "Checking RDB file " + path));
    out("--- RDB ERROR DETECTED ---\n");
    out("[offset 0] Cannot open " + path + ": " + std::string(file.status().message()) + "\n");
    return 1;
  }
  return CheckRdbImage(file->data(), path, now_ms, out).ok ? 0 : 1;
}

}  // namespace osprey::persistence
