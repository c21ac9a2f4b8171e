// Process and allocator memory figures for INFO memory and MEMORY STATS.
// When the process runs on jemalloc (osprey-server links it when available)
// the figures come from its statistics through mallctl, looked up at run time
// so that binaries without jemalloc (unit tests, sanitizer builds) fall back
// to glibc's mallinfo2 instead of failing to link.
#pragma once

#include <cstdint>
#include <string>

namespace osprey::base {

// What the allocator reports, in bytes.
struct AllocatorStats {
  uint64_t allocated = 0;  // live allocations (INFO used_memory)
  uint64_t active = 0;     // pages holding live allocations
  uint64_t resident = 0;   // physically resident pages the allocator maps
};

// True when jemalloc's mallctl is present in the process.
bool HaveJemalloc();

// INFO's mem_allocator value: "jemalloc-5.3.0" (the release, without the git
// suffix jemalloc appends) or "libc".
std::string AllocatorName();

// Current allocator statistics. Under jemalloc this refreshes its statistics
// epoch first (a few microseconds); under glibc it sums mallinfo2's arenas.
AllocatorStats ReadAllocatorStats();

// Bytes allocated and not yet freed (the allocated field alone).
inline uint64_t UsedMemory() { return ReadAllocatorStats().allocated; }

// Resident set size of this process from /proc/self/statm (0 if unreadable).
uint64_t ProcessRss();

// Physical memory of the machine (0 if unknown).
uint64_t TotalSystemMemory();

// Redis's human form of a byte count: "943B", "1.50K", "12.00M", "3.25G"...
// (two decimals, powers of 1024, up to P).
std::string BytesToHuman(uint64_t bytes);

}  // namespace osprey::base
