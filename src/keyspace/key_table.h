// The key table: one database's keys and values, a types::PackedTable (see
// types/packed_table.h and docs/key_table.md).
#pragma once

#include "keyspace/entry.h"
#include "types/packed_table.h"

namespace osprey::keyspace {

using KeyTable = types::PackedTable;
using types::FreeEntryParts;

}  // namespace osprey::keyspace
