// Streams in the RDB format (the loader and the writer reach them here).
// Three types carry them: 15 (Redis 5 and 6: no first ID, deleted-ID
// maximum, entries-added count or group read counters; they are worked
// out on load as Redis 7 works them out), 19 (Redis 7.0) and 21 (Redis
// 7.2: consumers also carry their active time). docs/formats/rdb.md lays
// out the bytes.
#pragma once

#include "persistence/rdb_format.h"
#include "persistence/rdb_io.h"
#include "persistence/rdb_loader.h"

namespace osprey::types {
class StreamValue;
}

namespace osprey::persistence {

// Reads a stream of RDB type `type` (15, 19 or 21), checked in full as
// types/stream_node_check.h describes: anything inconsistent is refused,
// with the reason and the offset where the part that failed began. A
// stream without entries is a value like any other (kOk, never kEmpty).
LoadResult LoadStream(RdbReader& r, RdbType type, LoadedValue* out);

// Writes `s` as type 19, or as type 21 when `active_times` (a file of
// version kRdbVersionFieldTtl, which only Redis 7.4 reads anyway).
void WriteStream(RdbEncoder& enc, const types::StreamValue& s, bool active_times);

}  // namespace osprey::persistence
