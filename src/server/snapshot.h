// RDB snapshots of the whole data set, as the server takes and restores
// them: SAVE (synchronous, to `dir`/`dbfilename`), the load at start-up,
// and DEBUG RELOAD. The format itself lives in src/persistence/.
#pragma once

#include <cstdint>

#include "base/status.h"

namespace osprey::server {

class Server;

// Writes the data set to the configured file (atomically, through a
// temporary file) and, on success, resets the changes-since-last-save count
// and the last save time, as Redis's rdbSave. Logs the outcome.
base::Status SaveSnapshot(Server& server);

// Loads the configured file into the databases. With `replace_existing`, a
// key already present is replaced (DEBUG RELOAD MERGE). kNotFound when there
// is no file. Logs what Redis logs while loading.
base::Status LoadSnapshot(Server& server, bool replace_existing);

// The start-up load: a missing file is no error; any other failure is, and
// the caller should exit.
base::Status LoadSnapshotAtStartup(Server& server);

// The final save of a shutdown with `flags` (ShutdownFlag bits of SHUTDOWN
// or shutdown-on-sigterm/-sigint): saves when SAVE is set, or when save
// points are configured and NOSAVE is not. Returns false, having logged
// why, when the save failed and FORCE is not set: the server must not exit.
bool SaveBeforeExit(Server& server, uint32_t flags);

}  // namespace osprey::server
