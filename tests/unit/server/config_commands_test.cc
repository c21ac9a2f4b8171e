// The CONFIG subcommands' replies, byte for byte as redis-server 7.0.15
// sends them, run against a registry without a server.
#include "server/config_commands.h"

#include <gtest/gtest.h>
#include <sys/uio.h>

#include <string>
#include <vector>

#include "protocol/output_buffer.h"
#include "protocol/reply_writer.h"

namespace osprey::server {
namespace {

using Handler = void (*)(ConfigRegistry&, commands::CommandContext&);

std::string Reply(ConfigRegistry& registry, Handler handler, std::vector<std::string_view> args,
                  int resp = 2) {
  protocol::OutputBuffer out;
  protocol::ReplyWriter writer(&out, resp);
  commands::CommandContext ctx(args, &writer, nullptr, nullptr, nullptr, nullptr, nullptr);
  handler(registry, ctx);
  std::string bytes;
  std::vector<iovec> iov(out.ChunkCount() * 2 + 8);
  int n = out.Gather(iov.data(), static_cast<int>(iov.size()));
  for (int i = 0; i < n; ++i) {
    bytes.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
  }
  return bytes;
}

TEST(ConfigCommandsTest, GetRepliesWithAFlatArrayInResp2AndAMapInResp3) {
  ConfigRegistry r;
  EXPECT_EQ(Reply(r, ConfigGet, {"CONFIG", "GET", "port"}), "*2\r\n$4\r\nport\r\n$4\r\n6379\r\n");
  EXPECT_EQ(Reply(r, ConfigGet, {"CONFIG", "GET", "port"}, 3),
            "%1\r\n$4\r\nport\r\n$4\r\n6379\r\n");
  EXPECT_EQ(Reply(r, ConfigGet, {"CONFIG", "GET", "nosuch"}, 3), "%0\r\n");
  EXPECT_EQ(Reply(r, ConfigGet, {"CONFIG", "GET", "maxmemory", "port"}),
            "*4\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n$4\r\nport\r\n$4\r\n6379\r\n");
}

TEST(ConfigCommandsTest, SetRepliesOkOrTheError) {
  ConfigRegistry r;
  EXPECT_EQ(Reply(r, ConfigSet, {"CONFIG", "SET", "hz", "20"}), "+OK\r\n");
  EXPECT_EQ(r.values().hz, 20);
  EXPECT_EQ(Reply(r, ConfigSet, {"CONFIG", "SET", "hz", "20", "maxmemory"}),
            "-ERR syntax error\r\n");
  EXPECT_EQ(Reply(r, ConfigSet, {"CONFIG", "SET", "nosuch", "1"}),
            "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n");
  EXPECT_EQ(Reply(r, ConfigSet, {"CONFIG", "SET", "dir", "/"}),
            "-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected "
            "config\r\n");
}

TEST(ConfigCommandsTest, ProtectedDirectivesFollowEnableProtectedConfigs) {
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString("enable-protected-configs local").ok());
  const std::string refused =
      "-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set "
      "protected config\r\n";
  EXPECT_EQ(Reply(r, ConfigSet, {"CONFIG", "SET", "dbfilename", "a.rdb"}), refused);
  bool local = false;
  r.hooks().is_local_client = [&](commands::CommandContext&) { return local; };
  EXPECT_EQ(Reply(r, ConfigSet, {"CONFIG", "SET", "dbfilename", "a.rdb"}), refused);
  local = true;
  EXPECT_EQ(Reply(r, ConfigSet, {"CONFIG", "SET", "dbfilename", "a.rdb"}), "+OK\r\n");

  ConfigRegistry yes;
  ASSERT_TRUE(yes.LoadFromString("enable-protected-configs yes").ok());
  EXPECT_EQ(Reply(yes, ConfigSet, {"CONFIG", "SET", "dbfilename", "b.rdb"}), "+OK\r\n");
}

TEST(ConfigCommandsTest, SensitiveValuesAreRedactedEvenOnError) {
  ConfigRegistry r;
  std::vector<size_t> redacted;
  r.hooks().redact_argument = [&](commands::CommandContext&, size_t i) { redacted.push_back(i); };
  EXPECT_EQ(
      Reply(r, ConfigSet,
            {"CONFIG", "SET", "hz", "x", "requirepass", "pw", "masterauth", "m", "nosuch", "1"}),
      "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n");
  EXPECT_EQ(redacted, (std::vector<size_t>{5, 7}));
  EXPECT_EQ(r.values().requirepass, "");
}

TEST(ConfigCommandsTest, SetWhileLoadingRefusesDenyLoadingDirectives) {
  ConfigRegistry r;
  r.hooks().is_loading = [] { return true; };
  EXPECT_EQ(Reply(r, ConfigSet, {"CONFIG", "SET", "appendonly", "yes"}),
            "-LOADING Redis is loading the dataset in memory\r\n");
}

TEST(ConfigCommandsTest, ResetStatRunsTheHook) {
  ConfigRegistry r;
  EXPECT_EQ(Reply(r, ConfigResetStat, {"CONFIG", "RESETSTAT"}), "+OK\r\n");
  int resets = 0;
  r.hooks().reset_stats = [&] { ++resets; };
  EXPECT_EQ(Reply(r, ConfigResetStat, {"CONFIG", "RESETSTAT"}), "+OK\r\n");
  EXPECT_EQ(resets, 1);
}

TEST(ConfigCommandsTest, RewriteWithoutAFileFails) {
  ConfigRegistry r;
  EXPECT_EQ(Reply(r, ConfigRewrite, {"CONFIG", "REWRITE"}),
            "-ERR The server is running without a config file\r\n");
}

TEST(ConfigCommandsTest, HelpListsTheSubcommands) {
  ConfigRegistry r;
  const std::string reply =
      Reply(r, [](ConfigRegistry&, commands::CommandContext& ctx) { ConfigHelp(ctx); },
            {"CONFIG", "HELP"});
  EXPECT_EQ(reply,
            "*11\r\n"
            "+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
            "+GET <pattern>\r\n"
            "+    Return parameters matching the glob-like <pattern> and their values.\r\n"
            "+SET <directive> <value>\r\n"
            "+    Set the configuration <directive> to <value>.\r\n"
            "+RESETSTAT\r\n"
            "+    Reset statistics reported by the INFO command.\r\n"
            "+REWRITE\r\n"
            "+    Rewrite the configuration file.\r\n"
            "+HELP\r\n"
            "+    Prints this help.\r\n");
}

}  // namespace
}  // namespace osprey::server
