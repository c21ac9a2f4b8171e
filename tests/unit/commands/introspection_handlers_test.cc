#include "commands/introspection_handlers.h"

#include <gtest/gtest.h>

#include <string>

#include "commands/command_table.h"
#include "handler_runner.h"

namespace osprey::commands {
namespace {

using testing::RunHandler;

// Replies captured from redis-server 7.0.15 (no prose in them).
constexpr char kGetInfoResp2[] =
    "*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n"
    "+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n"
    "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n"
    ":1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\n"
    "lastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n";
constexpr char kGetInfoResp3[] =
    "*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n"
    "+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n"
    "$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n"
    ":1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\n"
    "lastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n";
constexpr char kMsetInfoResp2[] =
    "*10\r\n$4\r\nmset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:-1\r\n:2\r\n*3\r\n"
    "+@write\r\n+@string\r\n+@slow\r\n*2\r\n$26\r\nrequest_policy:multi_shard\r\n$29\r\n"
    "response_policy:all_succeeded\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n"
    "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n"
    ":1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\n"
    "lastkey\r\n:-1\r\n$7\r\nkeystep\r\n:2\r\n$5\r\nlimit\r\n:0\r\n*0\r\n";

TEST(IntrospectionHandlersTest, InfoMatchesRedisByteForByte) {
  EXPECT_EQ(RunHandler(CommandInfoCommand, {"command", "info", "get"}),
            std::string("*1\r\n") + kGetInfoResp2);
  EXPECT_EQ(RunHandler(CommandInfoCommand, {"command", "info", "GET"}, 3),
            std::string("*1\r\n") + kGetInfoResp3);
  EXPECT_EQ(RunHandler(CommandInfoCommand, {"command", "info", "mset", "nosuch"}),
            std::string("*2\r\n") + kMsetInfoResp2 + "$-1\r\n");
  EXPECT_EQ(RunHandler(CommandInfoCommand, {"command", "info", "nosuch"}, 3), "*1\r\n_\r\n");
}

TEST(IntrospectionHandlersTest, InfoOfAContainerListsItsSubcommands) {
  std::string reply = RunHandler(CommandInfoCommand, {"command", "info", "function"});
  EXPECT_EQ(reply.rfind("*1\r\n*10\r\n$8\r\nfunction\r\n:-2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n"
                        "+@slow\r\n*0\r\n*0\r\n*1\r\n*10\r\n$14\r\nfunction|flush\r\n:-2\r\n",
                        0),
            0u);
}

TEST(IntrospectionHandlersTest, CommandAndCountCoverTheTopLevel) {
  CommandTable table;
  std::string count = RunHandler(CommandCountCommand, {"command", "count"}, 2, &table);
  EXPECT_EQ(count, ":" + std::to_string(table.top_level().size()) + "\r\n");
  std::string all = RunHandler(CommandCommand, {"command"}, 2, &table);
  EXPECT_EQ(all.rfind("*" + std::to_string(table.top_level().size()) + "\r\n*10\r\n", 0), 0u);
  EXPECT_EQ(RunHandler(CommandInfoCommand, {"command", "info"}, 2, &table), all);
  table.Rename("get", "");
  EXPECT_EQ(RunHandler(CommandCountCommand, {"command", "count"}, 2, &table),
            ":" + std::to_string(table.top_level().size()) + "\r\n");
  EXPECT_EQ(RunHandler(CommandInfoCommand, {"command", "info", "get"}, 2, &table), "*1\r\n$-1\r\n");
}

TEST(IntrospectionHandlersTest, DocsOmitUnknownNames) {
  CommandTable table;
  const CommandDef* get = table.Find("get");
  std::string expected = std::string("%1\r\n$3\r\nget\r\n%5\r\n$7\r\nsummary\r\n") + "$" +
                         std::to_string(std::string(get->summary).size()) + "\r\n" + get->summary +
                         "\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n"
                         "$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n"
                         "$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n"
                         "$14\r\nkey_spec_index\r\n:0\r\n";
  EXPECT_EQ(RunHandler(CommandDocsCommand, {"command", "docs", "get", "nosuch"}, 3), expected);
  EXPECT_EQ(RunHandler(CommandDocsCommand, {"command", "docs", "nosuch"}, 3), "%0\r\n");
  EXPECT_EQ(RunHandler(CommandDocsCommand, {"command", "docs", "nosuch"}, 2), "*0\r\n");
}

TEST(IntrospectionHandlersTest, DocsShowDeprecation) {
  std::string reply = RunHandler(CommandDocsCommand, {"command", "docs", "substr"}, 3);
  EXPECT_NE(reply.find("$9\r\ndoc_flags\r\n~1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n"
                       "$5\r\n2.0.0\r\n$11\r\nreplaced_by\r\n$10\r\n`GETRANGE`\r\n"),
            std::string::npos);
}

TEST(IntrospectionHandlersTest, ListFilters) {
  EXPECT_EQ(RunHandler(CommandListCommand, {"command", "list", "filterby", "pattern", "o*|e*"}),
            "*1\r\n$15\r\nobject|encoding\r\n");
  EXPECT_EQ(
      RunHandler(CommandListCommand, {"command", "list", "FILTERBY", "ACLCAT", "Transaction"}),
      "*5\r\n$7\r\ndiscard\r\n$4\r\nexec\r\n$5\r\nmulti\r\n$7\r\nunwatch\r\n$5\r\nwatch\r\n");
  EXPECT_EQ(RunHandler(CommandListCommand, {"command", "list", "filterby", "aclcat", "nosuch"}),
            "*0\r\n");
  EXPECT_EQ(RunHandler(CommandListCommand, {"command", "list", "filterby", "module", "m"}),
            "*0\r\n");
  EXPECT_EQ(RunHandler(CommandListCommand, {"command", "list", "filterby", "aclcat"}),
            "-ERR syntax error\r\n");
  EXPECT_EQ(RunHandler(CommandListCommand, {"command", "list", "filterby", "foo", "x"}),
            "-ERR syntax error\r\n");
  EXPECT_EQ(RunHandler(CommandListCommand, {"command", "list", "x"}), "-ERR syntax error\r\n");
  std::string all = RunHandler(CommandListCommand, {"command", "list"});
  EXPECT_EQ(all.rfind("*" + std::to_string(CommandTable::all().size()) + "\r\n", 0), 0u);
}

TEST(IntrospectionHandlersTest, GetKeys) {
  EXPECT_EQ(RunHandler(CommandGetKeysCommand, {"command", "getkeys", "mset", "a", "b", "c"}),
            "*2\r\n$1\r\na\r\n$1\r\nc\r\n");
  EXPECT_EQ(RunHandler(CommandGetKeysAndFlagsCommand,
                       {"command", "getkeysandflags", "copy", "a", "b"}, 3),
            "*2\r\n*2\r\n$1\r\na\r\n~2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n~2\r\n+OW\r\n"
            "+update\r\n");
  EXPECT_EQ(RunHandler(CommandGetKeysAndFlagsCommand,
                       {"command", "getkeysandflags", "set", "a", "b", "get"}),
            "*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+update\r\n");
  EXPECT_EQ(RunHandler(CommandGetKeysCommand, {"command", "getkeys", "OBJECT", "encoding", "k"}),
            "*1\r\n$1\r\nk\r\n");
}

TEST(IntrospectionHandlersTest, GetKeysErrors) {
  EXPECT_EQ(RunHandler(CommandGetKeysCommand, {"command", "getkeys", "nosuch", "a"}),
            "-ERR Invalid command specified\r\n");
  EXPECT_EQ(RunHandler(CommandGetKeysCommand, {"command", "getkeys", "config", "foo"}),
            "-ERR Invalid command specified\r\n");
  EXPECT_EQ(RunHandler(CommandGetKeysCommand, {"command", "getkeys", "config", "get", "x"}),
            "-ERR The command has no key arguments\r\n");
  EXPECT_EQ(RunHandler(CommandGetKeysCommand, {"command", "getkeys", "get", "a", "b"}),
            "-ERR Invalid number of arguments specified for command\r\n");
  EXPECT_EQ(RunHandler(CommandGetKeysCommand, {"command", "getkeys", "mset", "a"}),
            "-ERR Invalid number of arguments specified for command\r\n");
  EXPECT_EQ(RunHandler(CommandGetKeysCommand,
                       {"command", "getkeys", "copy", "a", "b", "c", "d", "e", "f"}),
            "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
}

TEST(IntrospectionHandlersTest, HelpKeepsRedisFrame) {
  std::string help = RunHandler(CommandHelpCommand, {"command", "help"});
  EXPECT_EQ(
      help.rfind("*18\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n", 0),
      0u);
  EXPECT_NE(help.find("+HELP\r\n+    Prints this help.\r\n"), std::string::npos);
}

}  // namespace
}  // namespace osprey::commands
