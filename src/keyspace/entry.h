// The keyspace's names for the packed-table entry types: a key of the key
// table is an entry of types::PackedTable (see types/packed_entry.h).
#pragma once

#include "types/packed_entry.h"

namespace osprey::keyspace {

using types::Entry;
using types::StringEncodingName;
using types::ValueKind;
using types::ValueSpec;
namespace entry_internal = types::entry_internal;

}  // namespace osprey::keyspace
