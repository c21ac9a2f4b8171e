// Keyspace notification classes, as the letters of notify-keyspace-events
// select them (K E g $ l s h z x e t m d n). Commands report what they did
// with one of these and an event name; the server decides what to publish.
#pragma once

#include <cstdint>

namespace osprey::keyspace {

enum NotifyClass : uint32_t {
  kNotifyKeyspace = 1u << 0,   // K
  kNotifyKeyevent = 1u << 1,   // E
  kNotifyGeneric = 1u << 2,    // g
  kNotifyString = 1u << 3,     // $
  kNotifyList = 1u << 4,       // l
  kNotifySet = 1u << 5,        // s
  kNotifyHash = 1u << 6,       // h
  kNotifyZSet = 1u << 7,       // z
  kNotifyExpired = 1u << 8,    // x
  kNotifyEvicted = 1u << 9,    // e
  kNotifyStream = 1u << 10,    // t
  kNotifyKeyMiss = 1u << 11,   // m
  kNotifyModule = 1u << 12,    // d
  kNotifyNew = 1u << 13,       // n
  // "A": every class except m and n.
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZSet | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

}  // namespace osprey::keyspace
