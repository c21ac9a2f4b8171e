// CRC-64 with the "Jones" polynomial (0xad93d23594c935a9, bits reflected,
// initial value 0, no final xor): the checksum at the end of RDB files and
// DUMP payloads. Crc64(0, "123456789", 9) is 0xe9c6d914c4b8d9ca.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace osprey::base {

// Extends `crc` (0 to start) over `len` bytes at `data`. Feeding a buffer in
// pieces gives the same result as feeding it whole.
uint64_t Crc64(uint64_t crc, const void* data, size_t len);
inline uint64_t Crc64(uint64_t crc, std::string_view s) { return Crc64(crc, s.data(), s.size()); }
// The same function computed with tables only (Crc64 folds large buffers
// with carry-less multiplication where the CPU has it); for tests.
uint64_t Crc64Portable(uint64_t crc, const void* data, size_t len);

}  // namespace osprey::base
