#include "commands/command_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/ascii.h"
#include "commands/command_def.h"
#include "commands/generated.h"
#include "commands/introspection_handlers.h"
#include "commands/key_extraction.h"

namespace osprey::commands {
namespace {

TEST(CommandTableTest, FindIgnoresCase) {
  CommandTable table;
  const CommandDef* get = table.Find("get");
  ASSERT_NE(get, nullptr);
  EXPECT_STREQ(get->name, "get");
  EXPECT_EQ(table.Find("GET"), get);
  EXPECT_EQ(table.Find("gEt"), get);
  EXPECT_EQ(table.Find("nosuchcommand"), nullptr);
  EXPECT_EQ(table.Find(""), nullptr);
  EXPECT_EQ(table.Find(std::string(200, 'a')), nullptr);
}

TEST(CommandTableTest, FindsSubcommandsOfContainers) {
  CommandTable table;
  const CommandDef* config = table.Find("config");
  ASSERT_NE(config, nullptr);
  EXPECT_TRUE(config->is_container());
  const CommandDef* get = CommandTable::FindSubcommand(config, "GeT");
  ASSERT_NE(get, nullptr);
  EXPECT_STREQ(get->fullname, "config|get");
  EXPECT_EQ(get->parent, config);
  EXPECT_EQ(CommandTable::FindSubcommand(config, "nosuch"), nullptr);
}

TEST(CommandTableTest, LookupResolvesTheRequest) {
  CommandTable table;
  auto lookup = [&](std::initializer_list<std::string_view> a) {
    std::vector<std::string_view> args = a;
    return table.Lookup(args);
  };
  EXPECT_STREQ(lookup({"CONFIG", "get", "maxmemory"})->fullname, "config|get");
  EXPECT_STREQ(lookup({"config"})->fullname, "config");
  EXPECT_EQ(lookup({"config", "nosuch"}), nullptr);
  EXPECT_STREQ(lookup({"get", "config"})->fullname, "get");
  EXPECT_STREQ(lookup({"command"})->fullname, "command");
  EXPECT_STREQ(lookup({"command", "info"})->fullname, "command|info");
  EXPECT_EQ(lookup({}), nullptr);
}

TEST(CommandTableTest, FindByFullNameTakesOneLevelOfSubcommand) {
  CommandTable table;
  ASSERT_NE(table.FindByFullName("config|get"), nullptr);
  EXPECT_EQ(table.FindByFullName("CONFIG|GET"), table.FindByFullName("config|get"));
  EXPECT_STREQ(table.FindByFullName("Client|No-Evict")->fullname, "client|no-evict");
  EXPECT_STREQ(table.FindByFullName("config")->fullname, "config");
  EXPECT_EQ(table.FindByFullName("get|x"), nullptr);
  EXPECT_EQ(table.FindByFullName("config|get|x"), nullptr);
  EXPECT_EQ(table.FindByFullName("config|"), nullptr);
  EXPECT_EQ(table.FindByFullName("|get"), nullptr);
  EXPECT_EQ(table.FindByFullName(""), nullptr);
}

TEST(CommandTableTest, RenameKeepsTheCommandsOwnName) {
  CommandTable table;
  const CommandDef* get = table.Find("get");
  size_t count = table.top_level().size();
  ASSERT_TRUE(table.Rename("GET", "fetch"));
  EXPECT_EQ(table.Find("get"), nullptr);
  EXPECT_EQ(table.Find("FETCH"), get);
  EXPECT_STREQ(get->fullname, "get");  // COMMAND INFO still reports "get"
  EXPECT_EQ(table.top_level().size(), count);
  ASSERT_TRUE(table.Rename("flushall", ""));
  EXPECT_EQ(table.Find("flushall"), nullptr);
  EXPECT_EQ(table.top_level().size(), count - 1);
  EXPECT_FALSE(table.Rename("nosuchcommand", "x"));
}

TEST(CommandTableTest, IdsIndexTheFlatTable) {
  auto all = CommandTable::all();
  ASSERT_EQ(all.size(), generated::kAllCount);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i]->id, static_cast<int>(i));
}

TEST(CommandTableTest, IdsSortTopLevelByNameWithSubcommandsAfterTheirContainer) {
  auto all = CommandTable::all();
  std::string previous_top;
  for (size_t i = 0; i < all.size();) {
    const CommandDef* top = all[i];
    ASSERT_EQ(top->parent, nullptr) << top->fullname;
    EXPECT_LT(previous_top, std::string(top->name));
    previous_top = top->name;
    std::string previous_sub;
    for (int s = 0; s < top->num_subcommands; ++s) {
      const CommandDef* sub = all[i + 1 + s];
      EXPECT_EQ(top->subcommands[s], sub);
      EXPECT_EQ(sub->parent, top);
      EXPECT_EQ(std::string(sub->fullname), std::string(top->name) + "|" + sub->name);
      EXPECT_LT(previous_sub, std::string(sub->name));
      previous_sub = sub->name;
    }
    i += 1 + top->num_subcommands;
  }
  ASSERT_EQ(generated::kTopLevelCount,
            static_cast<size_t>(std::count_if(
                all.begin(), all.end(), [](const CommandDef* c) { return c->parent == nullptr; })));
  for (size_t i = 0; i < generated::kTopLevelCount; ++i) {
    EXPECT_EQ(generated::kTopLevel[i]->parent, nullptr);
  }
}

TEST(CommandTableTest, NamesAreLowerCaseAndUnique) {
  std::set<std::string> seen;
  for (const CommandDef* cmd : CommandTable::all()) {
    std::string name = cmd->fullname;
    EXPECT_TRUE(seen.insert(name).second) << name;
    EXPECT_EQ(name, base::AsciiToLower(name));
  }
}

// Spot checks of facts the generator derives; test_command_table.py compares
// every command with redis-server.
TEST(CommandTableTest, DerivesImplicitAclCategories) {
  CommandTable table;
  const CommandDef* get = table.Find("get");
  EXPECT_EQ(get->arity, 2);
  EXPECT_EQ(get->flags, uint64_t{kCmdReadonly | kCmdFast});
  EXPECT_EQ(get->acl_categories, uint64_t{kAclRead | kAclString | kAclFast});
  // admin implies @admin and @dangerous; not fast implies @slow.
  const CommandDef* config_get = table.FindByFullName("config|get");
  EXPECT_EQ(config_get->acl_categories, uint64_t{kAclAdmin | kAclSlow | kAclDangerous});
  EXPECT_TRUE(config_get->has(kCmdNoScript));
  // A container has only its own flags and categories.
  const CommandDef* client = table.Find("client");
  EXPECT_EQ(client->arity, -2);
  EXPECT_EQ(client->flags, uint64_t{kCmdSentinel});  // a flag COMMAND INFO hides
  EXPECT_EQ(client->acl_categories, uint64_t{kAclSlow});
  // Flags COMMAND INFO never shows are still in the table.
  EXPECT_TRUE(table.Find("debug")->has(kCmdProtected));
  EXPECT_TRUE(table.Find("ping")->has(kCmdSentinel));
}

TEST(CommandTableTest, DerivesTheLegacyKeyRange) {
  CommandTable table;
  auto legacy = [&](std::string_view name) {
    const CommandDef* c = table.FindByFullName(name);
    return std::vector<int>{c->legacy_first, c->legacy_last, c->legacy_step};
  };
  EXPECT_EQ(legacy("get"), (std::vector<int>{1, 1, 1}));
  EXPECT_EQ(legacy("mset"), (std::vector<int>{1, -1, 2}));
  EXPECT_EQ(legacy("del"), (std::vector<int>{1, -1, 1}));
  EXPECT_EQ(legacy("copy"), (std::vector<int>{1, 2, 1}));  // two specs glued together
  EXPECT_EQ(legacy("lcs"), (std::vector<int>{1, 2, 1}));
  EXPECT_EQ(legacy("object|encoding"), (std::vector<int>{2, 2, 1}));
  EXPECT_EQ(legacy("ping"), (std::vector<int>{0, 0, 0}));
  // Movable keys: a key count argument (SINTERCARD) or a key finder of
  // the command's own (SORT); never for fixed positions.
  for (std::string_view name : {"get", "mset", "del", "copy", "sinterstore"}) {
    EXPECT_FALSE(table.FindByFullName(name)->has(kCmdMovableKeys)) << name;
  }
  for (std::string_view name : {"sintercard", "sort", "sort_ro"}) {
    EXPECT_TRUE(table.FindByFullName(name)->has(kCmdMovableKeys)) << name;
  }
}

TEST(CommandTableTest, TipsAreLowerCase) {
  CommandTable table;
  const CommandDef* keys = table.Find("keys");
  ASSERT_EQ(keys->num_tips, 2);
  EXPECT_STREQ(keys->tips[0], "request_policy:all_shards");
  EXPECT_STREQ(keys->tips[1], "nondeterministic_output_order");
}

TEST(CommandTableTest, ArgumentsKeepTheirStructure) {
  CommandTable table;
  const CommandDef* set = table.Find("set");
  ASSERT_EQ(set->num_args, 5);
  EXPECT_STREQ(set->args[0].name, "key");
  EXPECT_EQ(set->args[0].type, ArgType::kKey);
  EXPECT_EQ(set->args[0].key_spec_index, 0);
  const CommandArg& expiration = set->args[4];
  EXPECT_EQ(expiration.type, ArgType::kOneOf);
  EXPECT_EQ(expiration.flags, uint32_t{kArgOptional});
  ASSERT_EQ(expiration.num_subargs, 5);
  EXPECT_STREQ(expiration.subargs[2].token, "EXAT");
  EXPECT_STREQ(expiration.subargs[2].since, "6.2.0");
  EXPECT_EQ(expiration.subargs[2].type, ArgType::kUnixTime);
  EXPECT_NE(set->get_keys, nullptr);
  const CommandDef* getset = table.Find("getset");
  EXPECT_EQ(getset->doc_flags, uint32_t{kDocDeprecated});
  EXPECT_STREQ(getset->deprecated_since, "6.2.0");
  EXPECT_STREQ(getset->replaced_by, "`SET` with the `!GET` argument");
}

TEST(CommandTableTest, GroupNamesMatchCommandDocs) {
  EXPECT_EQ(CommandGroupName(CommandGroup::kSortedSet), "sorted-set");
  EXPECT_EQ(CommandGroupName(CommandGroup::kTransactions), "transactions");
  EXPECT_EQ(CommandGroupName(CommandGroup::kHyperLogLog), "hyperloglog");
  EXPECT_STREQ(kAclCategoryNames[4], "sortedset");
  EXPECT_STREQ(kAclCategoryNames[kAclCategoryCount - 1], "scripting");
}

TEST(CommandTableTest, HandlerTableHasTheIntrospectionHandlers) {
  CommandTable table;
  EXPECT_EQ(generated::kHandlers[table.Find("command")->id], &CommandCommand);
  EXPECT_EQ(generated::kHandlers[table.FindByFullName("command|getkeys")->id],
            &CommandGetKeysCommand);
  EXPECT_EQ(generated::kHandlers[table.Find("config")->id], nullptr);  // a container
}

}  // namespace
}  // namespace osprey::commands
