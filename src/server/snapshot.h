// RDB snapshots of the whole data set, as the server takes and restores
// them: SAVE (synchronous, to `dir`/`dbfilename`), the load at start-up,
// and DEBUG RELOAD. The format itself lives in src/persistence/.
#pragma once

#include <cstdint>

#include <string>

#include "base/status.h"
#include "persistence/rdb_writer.h"

namespace osprey::server {

class Server;

// How this server's RDB images are written: rdbcompression, rdbchecksum,
// access information per the eviction policy, Redis 7.0's AUX fields
// (aof-base 1 for the base of an AOF).
persistence::RdbSaveOptions SnapshotSaveOptions(Server& server, bool aof_base);

// Writes the data set to the configured file (atomically, through a
// temporary file) and, on success, resets the changes-since-last-save count
// and the last save time, as Redis's rdbSave. Logs the outcome. Each key
// waits rdb-key-save-delay, and signals are handled during the save.
base::Status SaveSnapshot(Server& server);
// The temporary file SaveSnapshot writes (in `dir`): temp-<pid>.rdb.
std::string SaveTempPath();

// Sleeps as Redis's key-save and key-load delays do (test knobs slowing a
// save or a load per key): `delay` microseconds, or -delay nanoseconds
// when negative; nothing when 0.
void DelayPerKey(int delay);

// BGSAVE: starts a background save of the data set as it is now (see
// background_save.h). Fails when a background job runs or the temporary
// file cannot be created; INFO persistence and the logs follow Redis's.
base::Status StartBackgroundSave(Server& server);
// FLUSHALL, SHUTDOWN: abandons a running BGSAVE (its file is removed, the
// last save status stays as it was), as Redis kills its child.
void AbortBackgroundSave(Server& server);
// Whether writes are refused because persistence is failing (Redis's
// MISCONF): the last BGSAVE failed while save points are set and
// stop-writes-on-bgsave-error is on, or the last AOF write failed. *error
// gets the reply.
bool WritesDeniedByDiskError(Server& server, std::string* error);

// The cron's part: a scheduled BGSAVE, or one a save point calls for.
void SavePointsCron(Server& server);

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
