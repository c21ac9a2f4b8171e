// Invariant checks. OSPREY_CHECK stays on in release builds and is meant for
// cheap invariants; OSPREY_DCHECK compiles away outside debug builds. Neither
// is for conditions a client can trigger: those get an error reply.
#pragma once

namespace osprey::base {
// Prints the failed condition with its location and aborts.
[[noreturn]] void CheckFailed(const char* expr, const char* file, int line);
}  // namespace osprey::base

#define OSPREY_CHECK(cond)                                                    \
  do {                                                                        \
    if (__builtin_expect(!(cond), 0))                                         \
      ::osprey::base::CheckFailed(#cond, __FILE__, __LINE__);                 \
  } while (0)

#ifdef NDEBUG
#define OSPREY_DCHECK(cond) \
  do {                      \
  } while (false && (cond))
#else
#define OSPREY_DCHECK(cond) OSPREY_CHECK(cond)
#endif
