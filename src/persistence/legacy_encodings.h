// Readers for the compact encodings older Redis versions wrote to RDB files
// and that no value holds any more: the ziplist (Redis 2.6 to 6.2: small
// lists, hashes, sorted sets and quicklist nodes) and the zipmap (Redis 2.4
// hashes). Loading converts them to listpacks or full values; these readers
// check every byte against the buffer's bounds, so any input is safe.
// docs/formats/rdb.md describes both layouts.
#pragma once

#include <functional>
#include <string_view>

#include "types/listpack.h"

namespace osprey::persistence {

// Walks a ziplist, calling fn for each element in order (a string element
// views `zl`). Returns false when the bytes are not a well-formed ziplist
// (the header's byte count, tail offset and, below 65535, element count must
// agree with the entries; every entry's back-length must be its
// predecessor's size; the terminator must end the buffer) or when fn
// returns false. fn may have been called for some elements before a failure.
bool ForEachZiplistEntry(std::string_view zl,
                         const std::function<bool(const types::ListpackValue&)>& fn);

// Walks a zipmap, calling fn(field, value) for each pair in order. Returns
// false when the bytes are not a well-formed zipmap or fn returns false.
bool ForEachZipmapPair(std::string_view zm,
                       const std::function<bool(std::string_view, std::string_view)>& fn);

}  // namespace osprey::persistence
