// How string values are stored, following the encodings Redis reports:
// "int" for canonical 64-bit integers, "embstr" for short strings written
// whole (SET), "raw" for the rest and for strings changed in place (APPEND,
// SETRANGE). Short raw strings still live inline in the key table; long
// ones are HeapStrings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "keyspace/entry.h"

namespace osprey::keyspace {

// Longest string Redis stores as "embstr".
inline constexpr size_t kEmbstrMaxLength = 44;
// Longest string kept inline in the key table (longer ones go to the heap).
inline constexpr size_t kInlineStringMaxLength = 128;
// Longest digit string that may be an "int" encoding (as Redis checks).
inline constexpr size_t kIntEncodingMaxLength = 20;

// The value SET would store for `s`: int when `s` is a canonical integer,
// embstr when short, raw otherwise. May allocate a HeapString, which the
// table owns once the spec is written into it.
ValueSpec EncodeStringValue(std::string_view s);
// `s` stored with the "raw" encoding (the result of APPEND, SETRANGE...).
ValueSpec EncodeRawStringValue(std::string_view s);
// An integer value ("int" encoding).
inline ValueSpec EncodeIntValue(int64_t v) { return ValueSpec::Int(v); }
// A string value as embstr/raw by length, never int (INCRBYFLOAT results).
ValueSpec EncodeStringNoInt(std::string_view s);

// Reads a string entry's value: the bytes, formatting an int into `buf`
// (at least 21 bytes).
std::string_view StringOf(Entry e, char* buf);

// Releases the heap part of a spec that was built but never stored.
void DiscardValueSpec(const ValueSpec& v);

}  // namespace osprey::keyspace
