// Fuzzes the RDB loader, which reads files and RESTORE payloads from
// outside: arbitrary bytes must never be read out of bounds or crash, and
// whatever it accepts must be a value that works — it is written back out
// and that output must load again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "commands/engine_config.h"
#include "keyspace/keyspace.h"
#include "persistence/rdb_io.h"
#include "persistence/rdb_loader.h"
#include "persistence/rdb_writer.h"

using namespace osprey;

namespace {

// The first byte picks small thresholds sometimes, so conversions happen.
commands::EngineConfig ConfigFor(uint8_t selector) {
  commands::EngineConfig cfg;
  if (selector & 1) {
    cfg.hash_max_listpack_entries = 2;
    cfg.zset_max_listpack_entries = 2;
    cfg.set_max_intset_entries = 2;
    cfg.list_max_listpack_size = 2;
    cfg.list_compress_depth = 1;
  }
  return cfg;
}

// Loads one value (a DUMP payload's body); what loads must dump and reload.
void FuzzValue(std::string_view body, const commands::EngineConfig& cfg) {
  if (body.empty()) return;
  persistence::RdbReader r(body.substr(1));
  persistence::LoadedValue value;
  if (persistence::LoadValue(r, static_cast<uint8_t>(body[0]), cfg, 42, &value) !=
      persistence::LoadResult::kOk) {
    return;
  }
  keyspace::Keyspace ks(1, 7);
  keyspace::Entry e = ks.db(0).Add("k", value.TakeSpec());
  const std::string payload = persistence::CreateDumpPayload(e, /*compress=*/true);
  OSPREY_CHECK(persistence::VerifyDumpPayload(payload, false));
  persistence::RdbReader again(
      std::string_view(payload).substr(1, payload.size() - 1 - persistence::kDumpTrailerSize));
  persistence::LoadedValue copy;
  OSPREY_CHECK(persistence::LoadValue(again, static_cast<uint8_t>(payload[0]), cfg, 43, &copy) ==
               persistence::LoadResult::kOk);
}

// Loads a whole file image.
void FuzzFile(std::string_view data, const commands::EngineConfig& cfg) {
  keyspace::Keyspace ks(4, 7);
  persistence::RdbLoadOptions opts;
  opts.verify_checksum = false;
  persistence::RdbLoadStats stats;
  if (!persistence::LoadDataset(data, ks, cfg, opts, &stats).ok()) return;
  std::string out;
  persistence::StringSink sink(&out);
  persistence::WriteDataset(sink, ks, persistence::RdbSaveOptions{});
  keyspace::Keyspace again(4, 8);
  OSPREY_CHECK(persistence::LoadDataset(out, again, cfg, persistence::RdbLoadOptions{}, &stats).ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const commands::EngineConfig cfg = ConfigFor(data[0]);
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 2) {
    // Give the file form a valid header more often than chance would.
    FuzzFile(std::string("REDIS0010").append(input), cfg);
  } else {
    FuzzValue(input, cfg);
  }
  return 0;
}
