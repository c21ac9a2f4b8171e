// The configuration values command handlers read, kept as plain fields so
// reading them costs nothing. The server's config registry owns the
// directives and writes these on start-up and on CONFIG SET.
#pragma once

#include <cstdint>

namespace osprey::commands {

struct EngineConfig {
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  bool lazyfree_lazy_user_del = false;
  bool lazyfree_lazy_user_flush = false;
  bool lazyfree_lazy_server_del = false;
  bool lazyfree_lazy_expire = false;
  // Whether values 0..9999 are Redis's shared integer objects (OBJECT
  // REFCOUNT reports them as such): false when maxmemory is set with an LRU
  // or LFU policy, which needs a clock per value.
  bool shared_integers = true;
  // Encodings of small aggregates (the *-max-listpack-* / intset directives).
  int64_t hash_max_listpack_entries = 512;
  int64_t hash_max_listpack_value = 64;
  int list_max_listpack_size = -2;
  int list_compress_depth = 0;
  // Elements of at least this many bytes get a list node of their own
  // (DEBUG QUICKLIST-PACKED-THRESHOLD; Redis's default is 1 GB).
  uint64_t list_packed_threshold = uint64_t{1} << 30;
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  // stream-node-max-bytes / stream-node-max-entries: when XADD starts a new
  // stream node (0: no limit on entries; bytes 0 means 1 GB).
  int64_t stream_node_max_bytes = 4096;
  int64_t stream_node_max_entries = 100;
  // Set when this server is a replica (some commands behave differently).
  bool is_replica = false;
  // rdbcompression: LZF for long strings in RDB files and DUMP payloads.
  bool rdb_compression = true;
  // DEBUG SET-SKIP-CHECKSUM-VALIDATION: RESTORE and loading skip the CRC.
  bool skip_checksum_validation = false;
};

}  // namespace osprey::commands
