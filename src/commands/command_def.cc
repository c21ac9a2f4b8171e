#include "commands/command_def.h"

namespace osprey::commands {

const char* const kAclCategoryNames[kAclCategoryCount] = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting",
};

std::string_view CommandGroupName(CommandGroup group) {
  switch (group) {
    case CommandGroup::kGeneric:
      return "generic";
    case CommandGroup::kString:
      return "string";
    case CommandGroup::kList:
      return "list";
    case CommandGroup::kSet:
      return "set";
    case CommandGroup::kSortedSet:
      return "sorted-set";
    case CommandGroup::kHash:
      return "hash";
    case CommandGroup::kPubsub:
      return "pubsub";
    case CommandGroup::kTransactions:
      return "transactions";
    case CommandGroup::kConnection:
      return "connection";
    case CommandGroup::kServer:
      return "server";
    case CommandGroup::kScripting:
      return "scripting";
    case CommandGroup::kHyperLogLog:
      return "hyperloglog";
    case CommandGroup::kCluster:
      return "cluster";
    case CommandGroup::kSentinel:
      return "sentinel";
    case CommandGroup::kGeo:
      return "geo";
    case CommandGroup::kStream:
      return "stream";
    case CommandGroup::kBitmap:
      return "bitmap";
    case CommandGroup::kModule:
      return "module";
  }
  return "generic";
}

}  // namespace osprey::commands
