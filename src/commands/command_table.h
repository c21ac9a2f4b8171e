// Finds commands by name. A CommandTable is built from the compiled-in
// definitions at start-up; it is an object (not a global) so that
// rename-command can give one server different names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_def.h"

namespace osprey::commands {

class CommandTable {
 public:
  // A table of every compiled-in command.
  CommandTable();

  // The top-level command named `name` (any case), or nullptr.
  const CommandDef* Find(std::string_view name) const;
  // The subcommand `sub` (any case) of `container`, or nullptr.
  static const CommandDef* FindSubcommand(const CommandDef* container, std::string_view sub);
  // The command the request `args` names: for a container with a second
  // argument, its subcommand (nullptr when unknown).
  const CommandDef* Lookup(std::span<const std::string_view> args) const;
  // Looks up "name" or "container|sub" (as COMMAND INFO and ACL rules name them).
  const CommandDef* FindByFullName(std::string_view fullname) const;

  // Renames a top-level command ("" removes it). Returns false if unknown.
  bool Rename(std::string_view from, std::string_view to);

  // Top-level commands currently reachable by some name.
  const std::vector<const CommandDef*>& top_level() const { return top_level_; }
  // Every command and subcommand, indexed by CommandDef::id.
  static std::span<const CommandDef* const> all();

 private:
  struct Slot {
    std::string name;  // lower case
    const CommandDef* def = nullptr;
  };
  static uint64_t HashName(std::string_view lower);
  void Insert(std::string_view lower, const CommandDef* def);
  void Rebuild();

  std::vector<Slot> slots_;  // open addressing, power-of-two size
  std::vector<std::pair<std::string, const CommandDef*>> names_;
  std::vector<const CommandDef*> top_level_;
};

}  // namespace osprey::commands
