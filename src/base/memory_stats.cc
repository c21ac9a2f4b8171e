#include "base/memory_stats.h"

#include <dlfcn.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#if defined(OSPREY_SANITIZED)
// The sanitizer runtime's allocator statistics (declared here: g++ ships
// the runtime but not its interface headers).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
extern "C" size_t __sanitizer_get_heap_size();
#endif

namespace osprey::base {

namespace {

using MallctlFn = int (*)(const char*, void*, size_t*, void*, size_t);

// jemalloc's mallctl when the process has it. Looked up once: the set of
// loaded libraries that could provide it does not change after start-up.
MallctlFn Mallctl() {
  static const MallctlFn fn = reinterpret_cast<MallctlFn>(dlsym(RTLD_DEFAULT, "mallctl"));
  return fn;
}

uint64_t ReadJemallocSize(MallctlFn mallctl, const char* name) {
  size_t value = 0;
  size_t len = sizeof(value);
  if (mallctl(name, &value, &len, nullptr, 0) != 0) return 0;
  return value;
}

}  // namespace

bool HaveJemalloc() { return Mallctl() != nullptr; }

std::string AllocatorName() {
  MallctlFn mallctl = Mallctl();
  if (mallctl == nullptr) return "libc";
  const char* version = nullptr;
  size_t len = sizeof(version);
  if (mallctl("version", &version, &len, nullptr, 0) != 0 || version == nullptr) {
    return "jemalloc";
  }
  // "5.3.0-0-g54eaed1d..." -> "5.3.0"
  std::string v(version);
  if (size_t dash = v.find('-'); dash != std::string::npos) v.resize(dash);
  return "jemalloc-" + v;
}

AllocatorStats ReadAllocatorStats() {
  AllocatorStats s;
  if (MallctlFn mallctl = Mallctl()) {
    // Statistics are snapshots taken when the epoch advances.
    uint64_t epoch = 1;
    size_t len = sizeof(epoch);
    mallctl("epoch", &epoch, &len, &epoch, len);
    s.allocated = ReadJemallocSize(mallctl, "stats.allocated");
    s.active = ReadJemallocSize(mallctl, "stats.active");
    s.resident = ReadJemallocSize(mallctl, "stats.resident");
    return s;
  }
#if defined(OSPREY_SANITIZED)
  // AddressSanitizer replaces malloc, so glibc's counters stay at zero; its
  // own allocator reports what is live and what it mapped.
  s.allocated = __sanitizer_get_current_allocated_bytes();
  s.active = __sanitizer_get_heap_size();
  s.resident = s.active;
  return s;
#endif
  struct mallinfo2 mi = mallinfo2();
  s.allocated = mi.uordblks + mi.hblkhd;
  // glibc has no notion of active pages: count what it took from the system.
  s.active = mi.arena + mi.hblkhd;
  s.resident = s.active;
  return s;
}

uint64_t ProcessRss() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  const int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return static_cast<uint64_t>(resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t TotalSystemMemory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
}

std::string BytesToHuman(uint64_t bytes) {
  static constexpr char kUnits[] = "KMGTP";
  char buf[64];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof(buf), "%lluB", static_cast<unsigned long long>(bytes));
    return buf;
  }
  int shift = 10;  // the unit is 1 << shift bytes
  for (const char* unit = kUnits; *unit != '\0'; ++unit, shift += 10) {
    if (bytes < (1ull << (shift + 10))) {
      std::snprintf(buf, sizeof(buf), "%.2f%c",
                    static_cast<double>(bytes) / static_cast<double>(1ull << shift), *unit);
      return buf;
    }
  }
  // Beyond petabytes: plain bytes, as Redis does.
  std::snprintf(buf, sizeof(buf), "%lluB", static_cast<unsigned long long>(bytes));
  return buf;
}

}  // namespace osprey::base
