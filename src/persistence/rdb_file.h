// RDB files on disk: saving a data set atomically (a temporary file in the
// same directory, flushed to disk, then renamed over the target) and
// loading one (mapped into memory, then parsed by LoadDataset).
#pragma once

#include <string>

#include "base/status.h"
#include "commands/engine_config.h"
#include "persistence/rdb_loader.h"
#include "persistence/rdb_writer.h"

namespace osprey::keyspace {
class Keyspace;
}

namespace osprey::persistence {

// Writes `ks` to `path`: first to `temp_path` (which must be in the same
// file system), then fsync, rename and a sync of the directory, so `path`
// always holds either the old file or the whole new one. On failure the
// temporary file is removed and the status names the step that failed.
base::Status SaveRdbFile(const std::string& path, const std::string& temp_path,
                         const keyspace::Keyspace& ks, const RdbSaveOptions& opts);

// Loads the file at `path` into `ks`. kNotFound when there is no file;
// other errors carry the file name.
base::Status LoadRdbFile(const std::string& path, keyspace::Keyspace& ks,
                         const commands::EngineConfig& cfg, const RdbLoadOptions& opts,
                         RdbLoadStats* stats);

}  // namespace osprey::persistence
