#include "commands/command_table.h"

#include <algorithm>

#include "base/ascii.h"
#include "commands/generated.h"

namespace osprey::commands {

namespace {
// Command names are short; longer input cannot be a command.
constexpr size_t kMaxNameLength = 64;
}  // namespace

CommandTable::CommandTable() {
  for (size_t i = 0; i < generated::kTopLevelCount; ++i) {
    const CommandDef* def = generated::kTopLevel[i];
    names_.emplace_back(def->name, def);
  }
  Rebuild();
}

uint64_t CommandTable::HashName(std::string_view lower) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a: names are short, this is enough
  for (char c : lower) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

void CommandTable::Insert(std::string_view lower, const CommandDef* def) {
  size_t mask = slots_.size() - 1;
  size_t i = HashName(lower) & mask;
  while (slots_[i].def != nullptr) i = (i + 1) & mask;
  slots_[i].name = std::string(lower);
  slots_[i].def = def;
}

void CommandTable::Rebuild() {
  size_t size = 16;
  while (size < names_.size() * 4) size *= 2;
  slots_.assign(size, Slot{});
  top_level_.clear();
  for (const auto& [name, def] : names_) {
    Insert(name, def);
    top_level_.push_back(def);
  }
}

const CommandDef* CommandTable::Find(std::string_view name) const {
  if (name.size() > kMaxNameLength || slots_.empty()) return nullptr;
  char buf[kMaxNameLength];
  for (size_t i = 0; i < name.size(); ++i) buf[i] = base::AsciiLower(name[i]);
  std::string_view lower(buf, name.size());
  size_t mask = slots_.size() - 1;
  for (size_t i = HashName(lower) & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.def == nullptr) return nullptr;
    if (s.name == lower) return s.def;
  }
}

const CommandDef* CommandTable::FindSubcommand(const CommandDef* container, std::string_view sub) {
  for (int i = 0; i < container->num_subcommands; ++i) {
    const CommandDef* s = container->subcommands[i];
    if (base::EqualsIgnoreCase(s->name, sub)) return s;
  }
  return nullptr;
}

const CommandDef* CommandTable::Lookup(std::span<const std::string_view> args) const {
  if (args.empty()) return nullptr;
  const CommandDef* def = Find(args[0]);
  if (def == nullptr || !def->is_container() || args.size() < 2) return def;
  return FindSubcommand(def, args[1]);
}

const CommandDef* CommandTable::FindByFullName(std::string_view fullname) const {
  size_t bar = fullname.find('|');
  if (bar == std::string_view::npos) return Find(fullname);
  const CommandDef* container = Find(fullname.substr(0, bar));
  if (container == nullptr || !container->is_container()) return nullptr;
  return FindSubcommand(container, fullname.substr(bar + 1));
}

bool CommandTable::Rename(std::string_view from, std::string_view to) {
  std::string lower_from = base::AsciiToLower(from);
  auto it = std::find_if(names_.begin(), names_.end(),
                         [&](const auto& n) { return n.first == lower_from; });
  if (it == names_.end()) return false;
  if (to.empty()) {
    names_.erase(it);
  } else {
    it->first = base::AsciiToLower(to);
  }
  Rebuild();
  return true;
}

std::span<const CommandDef* const> CommandTable::all() {
  return std::span<const CommandDef* const>(generated::kAll, generated::kAllCount);
}

}  // namespace osprey::commands
