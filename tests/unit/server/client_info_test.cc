// CLIENT subcommands and the CLIENT LIST line, through the real dispatcher
// with in-process clients (fd -1) and a fake clock.
#include "server/client_info.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "commands/command_table.h"
#include "server/client.h"
#include "server/pubsub.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using server::Client;

class ClientCommandsTest : public ::testing::Test {
 protected:
  std::string Run(std::vector<std::string_view> args, size_t client = 0) {
    return h_.RunOn(client, std::move(args)).ToString();
  }
  // The value of `field` in a CLIENT LIST line.
  static std::string Field(const std::string& line, const std::string& field) {
    for (const std::string& token : Tokens(line)) {
      if (token.size() > field.size() && token.compare(0, field.size(), field) == 0 &&
          token[field.size()] == '=') {
        return token.substr(field.size() + 1);
      }
    }
    return "<missing>";
  }
  // The space-separated `name=value` tokens of a CLIENT LIST line, without
  // its newline. (Hand-split: std::regex trips GCC's uninitialized-use
  // warning in the sanitizer build.)
  static std::vector<std::string> Tokens(const std::string& line) {
    std::vector<std::string> out;
    std::string_view rest(line);
    if (!rest.empty() && rest.back() == '\n') rest.remove_suffix(1);
    while (true) {
      size_t space = rest.find(' ');
      out.emplace_back(rest.substr(0, space));
      if (space == std::string_view::npos) break;
      rest.remove_prefix(space + 1);
    }
    return out;
  }
  std::string Info(size_t client = 0) { return Run({"client", "info"}, client); }
  // Subscribes directly (the pub/sub commands live elsewhere).
  void Subscribe(size_t client, server::PubSub::Kind kind, std::string_view name) {
    h_.server().pubsub().Subscribe(&h_.client(client), kind, name);
    h_.client(client).set(server::kClientPubSub);
  }

  CommandHarness h_;
};

// ---------------------------------------------------------------- ID INFO LIST

TEST_F(ClientCommandsTest, IdIsTheConnectionId) {
  size_t other = h_.NewClient();
  EXPECT_EQ(Run({"client", "id"}), std::to_string(h_.client(0).id()));
  EXPECT_EQ(Run({"client", "id"}, other), std::to_string(h_.client(other).id()));
  EXPECT_NE(h_.client(0).id(), h_.client(other).id());
}

TEST_F(ClientCommandsTest, InfoLineHasRedisFieldsInRedisOrder) {
  const std::string line = Info();
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  static const char* kFields[] = {
      "id",        "addr", "laddr", "fd",   "name",     "age",    "idle",      "flags",
      "db",        "sub",  "psub",  "ssub", "multi",    "qbuf",   "qbuf-free", "argv-mem",
      "multi-mem", "rbs",  "rbp",   "obl",  "oll",      "omem",   "tot-mem",   "events",
      "cmd",       "user", "redir", "resp", "lib-name", "lib-ver"};
  const std::vector<std::string> tokens = Tokens(line);
  ASSERT_EQ(tokens.size(), std::size(kFields)) << line;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string prefix = std::string(kFields[i]) + "=";
    EXPECT_EQ(tokens[i].compare(0, prefix.size(), prefix), 0) << tokens[i] << " in " << line;
  }
  EXPECT_EQ(Field(line, "id"), std::to_string(h_.client(0).id()));
  EXPECT_EQ(Field(line, "addr"), "127.0.0.1:40000");
  EXPECT_EQ(Field(line, "flags"), "N");
  EXPECT_EQ(Field(line, "multi"), "-1");
  EXPECT_EQ(Field(line, "cmd"), "client|info");
  EXPECT_EQ(Field(line, "user"), "default");
  EXPECT_EQ(Field(line, "redir"), "-1");
  EXPECT_EQ(Field(line, "resp"), "2");
  EXPECT_EQ(Field(line, "rbs"), "16384");
}

TEST_F(ClientCommandsTest, InfoShowsDbAgeIdleAndSubscriptions) {
  size_t other = h_.NewClient();
  Run({"select", "5"}, other);
  Subscribe(other, server::PubSub::Kind::kChannel, "a");
  Subscribe(other, server::PubSub::Kind::kChannel, "b");
  Subscribe(other, server::PubSub::Kind::kPattern, "p*");
  h_.AdvanceMillis(3000);
  const std::string line = Run({"client", "list", "id", std::to_string(h_.client(other).id())});
  EXPECT_EQ(Field(line, "db"), "5");
  EXPECT_EQ(Field(line, "sub"), "2");
  EXPECT_EQ(Field(line, "psub"), "1");
  EXPECT_EQ(Field(line, "ssub"), "0");
  EXPECT_EQ(Field(line, "flags"), "P");
  EXPECT_EQ(Field(line, "age"), "3");
  EXPECT_EQ(Field(line, "cmd"), "select");
}

TEST_F(ClientCommandsTest, InfoReportsMultiStateOfAnotherClient) {
  size_t other = h_.NewClient();
  Run({"multi"}, other);
  Run({"set", "key", "value"}, other);
  const std::string line = Run({"client", "list", "id", std::to_string(h_.client(other).id())});
  EXPECT_EQ(Field(line, "flags"), "x");
  EXPECT_EQ(Field(line, "multi"), "1");
  // "set" "key" "value" plus a pointer per argument, as Redis counts.
  EXPECT_EQ(Field(line, "multi-mem"), std::to_string(11 + 3 * sizeof(void*)));
}

TEST_F(ClientCommandsTest, FlagLettersFollowRedisOrder) {
  Client& c = h_.client(0);
  c.set(server::kClientMulti);
  c.set(server::kClientDirtyCas);
  c.set(server::kClientNoEvict);
  c.set(server::kClientNoTouch);
  c.set(server::kClientPubSub);
  EXPECT_EQ(server::ClientFlagLetters(c), "PxdeT");
  c.set(server::kClientMonitor);
  c.set(server::kClientCloseAfterReply);
  EXPECT_EQ(server::ClientFlagLetters(c), "OPxdceT");
}

TEST_F(ClientCommandsTest, InfoIsVerbatimInResp3) {
  Run({"hello", "3"});
  Reply r = h_.Run({"client", "info"});
  EXPECT_EQ(r.type, Reply::Type::kVerbatim);
  EXPECT_NE(r.str.find("resp=3"), std::string::npos) << r.str;
}

TEST_F(ClientCommandsTest, ListShowsEveryClientInIdOrder) {
  size_t a = h_.NewClient();
  size_t b = h_.NewClient();
  const std::string list = Run({"client", "list"});
  const std::string id0 = "id=" + std::to_string(h_.client(0).id()) + " ";
  const std::string ida = "id=" + std::to_string(h_.client(a).id()) + " ";
  const std::string idb = "id=" + std::to_string(h_.client(b).id()) + " ";
  ASSERT_NE(list.find(id0), std::string::npos);
  EXPECT_LT(list.find(id0), list.find(ida));
  EXPECT_LT(list.find(ida), list.find(idb));
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 3);
}

TEST_F(ClientCommandsTest, ListFiltersByTypeAndId) {
  size_t sub = h_.NewClient();
  Subscribe(sub, server::PubSub::Kind::kChannel, "ch");
  const std::string pubsub = Run({"client", "list", "type", "PUBSUB"});
  EXPECT_EQ(std::count(pubsub.begin(), pubsub.end(), '\n'), 1);
  EXPECT_EQ(Field(pubsub, "id"), std::to_string(h_.client(sub).id()));
  const std::string normal = Run({"client", "list", "type", "normal"});
  EXPECT_EQ(Field(normal, "id"), std::to_string(h_.client(0).id()));
  EXPECT_EQ(Run({"client", "list", "type", "replica"}), "");
  EXPECT_EQ(Run({"client", "list", "type", "master"}), "");
  // Unknown ids are left out; ids come in the order asked.
  const std::string by_id = Run({"client", "list", "id", std::to_string(h_.client(sub).id()), "999",
                                 std::to_string(h_.client(0).id())});
  EXPECT_EQ(std::count(by_id.begin(), by_id.end(), '\n'), 2);
  EXPECT_EQ(Field(by_id, "id"), std::to_string(h_.client(sub).id()));
}

TEST_F(ClientCommandsTest, ListRejectsBadArguments) {
  EXPECT_EQ(Run({"client", "list", "type", "foo"}), "ERR Unknown client type 'foo'");
  EXPECT_EQ(Run({"client", "list", "id", "abc"}), "ERR Invalid client ID");
  EXPECT_EQ(Run({"client", "list", "id"}), "ERR syntax error");
  EXPECT_EQ(Run({"client", "list", "foo"}), "ERR syntax error");
  EXPECT_EQ(Run({"client", "list", "type", "normal", "x"}), "ERR syntax error");
}

// ---------------------------------------------------------------- names

TEST_F(ClientCommandsTest, SetNameAndGetName) {
  EXPECT_EQ(Run({"client", "getname"}), "(nil)");
  EXPECT_EQ(Run({"client", "setname", "worker-1"}), "OK");
  EXPECT_EQ(Run({"client", "getname"}), "worker-1");
  EXPECT_EQ(Field(Info(), "name"), "worker-1");
  EXPECT_EQ(Run({"client", "setname", ""}), "OK");
  EXPECT_EQ(Run({"client", "getname"}), "(nil)");
}

TEST_F(ClientCommandsTest, SetNameRefusesSpacesAndSpecialCharacters) {
  const std::string err = "ERR Client names cannot contain spaces, newlines or special characters.";
  EXPECT_EQ(Run({"client", "setname", "a b"}), err);
  EXPECT_EQ(Run({"client", "setname", "a\nb"}), err);
  EXPECT_EQ(Run({"client", "setname", "caf\xc3\xa9"}), err);
  EXPECT_EQ(Run({"client", "getname"}), "(nil)");
  EXPECT_EQ(Run({"client", "setname"}),
            "ERR wrong number of arguments for 'client|setname' command");
}

TEST_F(ClientCommandsTest, SetInfoRecordsLibraryNameAndVersion) {
  EXPECT_EQ(Run({"client", "setinfo", "lib-name", "redis-py"}), "OK");
  EXPECT_EQ(Run({"client", "setinfo", "LIB-VER", "4.3.4"}), "OK");
  std::string line = Info();
  EXPECT_EQ(Field(line, "lib-name"), "redis-py");
  EXPECT_EQ(Field(line, "lib-ver"), "4.3.4");
  EXPECT_NE(line.find(" resp=2 lib-name=redis-py lib-ver=4.3.4\n"), std::string::npos);
  // RESET keeps them; an empty value clears.
  Run({"reset"});
  EXPECT_EQ(Field(Info(), "lib-name"), "redis-py");
  EXPECT_EQ(Run({"client", "setinfo", "lib-name", ""}), "OK");
  EXPECT_EQ(Field(Info(), "lib-name"), "");
}

TEST_F(ClientCommandsTest, SetInfoRejectsBadAttributesAndValues) {
  EXPECT_EQ(Run({"client", "setinfo", "badger", "x"}), "ERR Unrecognized option 'badger'");
  EXPECT_EQ(Run({"client", "setinfo", "Lib-Name", "a b"}),
            "ERR Lib-Name cannot contain spaces, newlines or special characters.");
  EXPECT_EQ(Run({"client", "setinfo", "lib-name"}),
            "ERR wrong number of arguments for 'client|setinfo' command");
  EXPECT_EQ(Field(Info(), "lib-name"), "");
}

// ---------------------------------------------------------------- KILL

TEST_F(ClientCommandsTest, KillByAddressOldForm) {
  size_t other = h_.NewClient();
  EXPECT_EQ(Run({"client", "kill", "127.0.0.1:40001"}), "OK");
  EXPECT_TRUE(h_.client(other).has(server::kClientCloseAsap));
  EXPECT_EQ(Run({"client", "kill", "127.0.0.1:40001"}), "ERR No such client");
  EXPECT_EQ(Run({"client", "kill", "1.2.3.4:5"}), "ERR No such client");
}

TEST_F(ClientCommandsTest, KillOldFormMayKillTheCallerAfterReplying) {
  EXPECT_EQ(Run({"client", "kill", "127.0.0.1:40000"}), "OK");
  EXPECT_TRUE(h_.client(0).has(server::kClientCloseAfterReply));
  EXPECT_FALSE(h_.client(0).has(server::kClientCloseAsap));
}

TEST_F(ClientCommandsTest, KillFiltersCombineAndSkipTheCallerByDefault) {
  size_t a = h_.NewClient();
  size_t b = h_.NewClient();
  Subscribe(b, server::PubSub::Kind::kChannel, "x");
  EXPECT_EQ(Run({"client", "kill", "type", "pubsub", "id", std::to_string(h_.client(a).id())}),
            "0");
  EXPECT_EQ(Run({"client", "kill", "type", "normal"}), "1");  // a, not the caller
  EXPECT_TRUE(h_.client(a).has(server::kClientCloseAsap));
  EXPECT_FALSE(h_.client(0).has(server::kClientCloseAfterReply));
  EXPECT_EQ(Run({"client", "kill", "user", "default", "skipme", "no"}), "2");  // b and me
  EXPECT_TRUE(h_.client(b).has(server::kClientCloseAsap));
  EXPECT_TRUE(h_.client(0).has(server::kClientCloseAfterReply));
}

TEST_F(ClientCommandsTest, KillByIdLaddrAndMaxAge) {
  size_t a = h_.NewClient();
  h_.AdvanceMillis(10'000);
  Run({"ping"});  // the server's notion of now moves on with a command
  size_t b = h_.NewClient();
  EXPECT_EQ(Run({"client", "kill", "maxage", "5", "skipme", "yes"}), "1");  // only a is old
  EXPECT_TRUE(h_.client(a).has(server::kClientCloseAsap));
  EXPECT_FALSE(h_.client(b).has(server::kClientCloseAsap));
  EXPECT_EQ(Run({"client", "kill", "laddr", "1.1.1.1:1"}), "0");
  EXPECT_EQ(Run({"client", "kill", "id", std::to_string(h_.client(b).id())}), "1");
  EXPECT_EQ(Run({"client", "kill", "id", "12345"}), "0");
}

TEST_F(ClientCommandsTest, KillRejectsBadFilters) {
  EXPECT_EQ(Run({"client", "kill"}), "ERR wrong number of arguments for 'client|kill' command");
  EXPECT_EQ(Run({"client", "kill", "id", "10", "wrong_arg"}), "ERR syntax error");
  EXPECT_EQ(Run({"client", "kill", "id", "str"}), "ERR client-id should be greater than 0");
  EXPECT_EQ(Run({"client", "kill", "id", "-1"}), "ERR client-id should be greater than 0");
  EXPECT_EQ(Run({"client", "kill", "id", "0"}), "ERR client-id should be greater than 0");
  EXPECT_EQ(Run({"client", "kill", "type", "wrong_type"}), "ERR Unknown client type 'wrong_type'");
  EXPECT_EQ(Run({"client", "kill", "user", "wrong_user"}), "ERR No such user 'wrong_user'");
  EXPECT_EQ(Run({"client", "kill", "skipme", "yes_or_no"}), "ERR syntax error");
  EXPECT_EQ(Run({"client", "kill", "maxage", "soon"}),
            "ERR maxage is not an integer or out of range");
  EXPECT_EQ(Run({"client", "kill", "bogus", "1"}), "ERR syntax error");
}

// ---------------------------------------------------------------- REPLY

TEST_F(ClientCommandsTest, ReplyOffSilencesUntilOn) {
  EXPECT_EQ(h_.RunRaw({"client", "reply", "off"}), "");
  EXPECT_EQ(h_.RunRaw({"ping"}), "");
  EXPECT_EQ(h_.RunRaw({"get"}), "");  // errors too
  EXPECT_EQ(h_.RunRaw({"client", "reply", "on"}), "+OK\r\n");
  EXPECT_EQ(h_.RunRaw({"ping"}), "+PONG\r\n");
}

TEST_F(ClientCommandsTest, ReplySkipSilencesOnlyTheNextCommand) {
  EXPECT_EQ(h_.RunRaw({"client", "reply", "skip"}), "");
  EXPECT_EQ(h_.RunRaw({"ping", "a"}), "");
  EXPECT_EQ(h_.RunRaw({"ping", "b"}), "$1\r\nb\r\n");
}

TEST_F(ClientCommandsTest, ReplyOnCancelsAPendingSkip) {
  EXPECT_EQ(h_.RunRaw({"client", "reply", "skip"}), "");
  EXPECT_EQ(h_.RunRaw({"client", "reply", "on"}), "+OK\r\n");
  EXPECT_EQ(h_.RunRaw({"ping"}), "+PONG\r\n");
}

TEST_F(ClientCommandsTest, ReplyRejectsOtherModes) {
  EXPECT_EQ(Run({"client", "reply", "maybe"}), "ERR syntax error");
  EXPECT_EQ(Run({"client", "reply"}), "ERR wrong number of arguments for 'client|reply' command");
}

// ---------------------------------------------------------------- NO-EVICT NO-TOUCH

TEST_F(ClientCommandsTest, NoEvictAndNoTouchSetTheirFlags) {
  EXPECT_EQ(Run({"client", "no-evict", "on"}), "OK");
  EXPECT_EQ(Run({"client", "no-touch", "ON"}), "OK");
  EXPECT_EQ(Field(Info(), "flags"), "eT");
  EXPECT_EQ(Run({"client", "no-evict", "off"}), "OK");
  EXPECT_EQ(Run({"client", "no-touch", "off"}), "OK");
  EXPECT_EQ(Field(Info(), "flags"), "N");
  EXPECT_EQ(Run({"client", "no-evict", "maybe"}), "ERR syntax error");
  EXPECT_EQ(Run({"client", "no-touch", "maybe"}), "ERR syntax error");
}

TEST_F(ClientCommandsTest, NoTouchClientLeavesTheAccessClockAloneExceptForTouch) {
  Run({"set", "k", "v"});
  auto clock = [&] { return h_.server().keyspace().db(0).table().Find("k").clock(); };
  const uint32_t written = clock();
  size_t quiet = h_.NewClient();
  Run({"client", "no-touch", "on"}, quiet);
  h_.AdvanceMillis(5000);
  EXPECT_EQ(Run({"get", "k"}, quiet), "v");
  EXPECT_EQ(clock(), written);
  // Inside a transaction too.
  Run({"multi"}, quiet);
  Run({"get", "k"}, quiet);
  Run({"exec"}, quiet);
  EXPECT_EQ(clock(), written);
  EXPECT_EQ(Run({"touch", "k"}, quiet), "1");
  EXPECT_NE(clock(), written);
  // Other clients still touch keys.
  const uint32_t touched = clock();
  h_.AdvanceMillis(5000);
  Run({"get", "k"});
  EXPECT_NE(clock(), touched);
  EXPECT_TRUE(h_.server().keyspace().touch_enabled());
}

// ---------------------------------------------------------------- PAUSE

TEST_F(ClientCommandsTest, PauseWriteHoldsWritesButNotReads) {
  size_t other = h_.NewClient();
  EXPECT_EQ(Run({"client", "pause", "1000", "write"}), "OK");
  EXPECT_EQ(Run({"get", "k"}, other), "(nil)");
  EXPECT_EQ(h_.RunRaw({"set", "k", "v"}, other), "");  // held: no reply yet
  Client& c = h_.client(other);
  EXPECT_TRUE(c.has(server::kClientPostponed));
  EXPECT_TRUE(c.has(server::kClientBlocked));
  EXPECT_EQ(Field(Run({"client", "list", "id", std::to_string(c.id())}), "flags"), "b");
  EXPECT_EQ(Run({"client", "unpause"}), "OK");
  EXPECT_FALSE(c.has(server::kClientPostponed));
  EXPECT_FALSE(c.has(server::kClientBlocked));
  EXPECT_FALSE(h_.server().client_pause().paused());
}

TEST_F(ClientCommandsTest, PauseWriteAlsoHoldsMayReplicateCommandsAndWriteTransactions) {
  size_t other = h_.NewClient();
  Run({"multi"}, other);
  Run({"set", "k", "v"}, other);
  EXPECT_EQ(Run({"client", "pause", "1000", "WRITE"}), "OK");
  EXPECT_EQ(h_.RunRaw({"exec"}, other), "");
  EXPECT_TRUE(h_.client(other).has(server::kClientPostponed));
}

TEST_F(ClientCommandsTest, PauseCoversCommandsByTheirFlags) {
  const commands::CommandTable& table = h_.server().command_table();
  const commands::CommandDef* get = table.Find("get");
  const commands::CommandDef* set = table.Find("set");
  commands::CommandDef may_replicate;  // as PUBLISH or PFCOUNT
  may_replicate.name = may_replicate.fullname = "publish";
  may_replicate.flags = commands::kCmdMayReplicate;
  const commands::CommandDef* publish = &may_replicate;
  const commands::CommandDef* exec = table.Find("exec");
  Run({"client", "pause", "1000", "write"});
  const server::ClientPause& p = h_.server().client_pause();
  EXPECT_FALSE(p.Covers(get, 0));
  EXPECT_TRUE(p.Covers(set, 0));
  EXPECT_TRUE(p.Covers(publish, 0));
  EXPECT_FALSE(p.Covers(exec, commands::kCmdReadonly));
  EXPECT_TRUE(p.Covers(exec, commands::kCmdWrite));
  Run({"client", "pause", "1000", "all"});
  EXPECT_TRUE(p.Covers(get, 0));
}

TEST_F(ClientCommandsTest, PauseAllHoldsEveryCommandButNotErrors) {
  size_t other = h_.NewClient();
  EXPECT_EQ(Run({"client", "pause", "1000"}), "OK");
  // Rejected requests are answered at once.
  EXPECT_EQ(Run({"get"}, other), "ERR wrong number of arguments for 'get' command");
  EXPECT_EQ(h_.RunRaw({"ping"}, other), "");
  EXPECT_TRUE(h_.client(other).has(server::kClientPostponed));
}

TEST_F(ClientCommandsTest, PauseEndsWhenItsTimeIsUp) {
  size_t other = h_.NewClient();
  EXPECT_EQ(Run({"client", "pause", "100", "write"}), "OK");
  h_.AdvanceMillis(100);
  EXPECT_TRUE(h_.server().CheckPauseTimeout());  // lasts through its end millisecond
  h_.AdvanceMillis(1);
  EXPECT_EQ(Run({"set", "k", "v"}, other), "OK");
  EXPECT_FALSE(h_.server().client_pause().paused());
}

TEST_F(ClientCommandsTest, PauseKeepsExpiredKeysUntilItEnds) {
  Run({"set", "k", "v", "px", "100"});
  EXPECT_EQ(Run({"client", "pause", "10000", "write"}), "OK");
  h_.AdvanceMillis(200);
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_TRUE(h_.server().keyspace().db(0).table().Find("k"));
  h_.Cron();  // no active expiry either
  EXPECT_TRUE(h_.server().keyspace().db(0).table().Find("k"));
  EXPECT_EQ(Run({"client", "unpause"}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_FALSE(h_.server().keyspace().db(0).table().Find("k"));
}

TEST_F(ClientCommandsTest, PauseKeepsTheStricterTypeAndTheLaterEnd) {
  const int64_t start = h_.server().now_ms();
  EXPECT_EQ(Run({"client", "pause", "5000", "write"}), "OK");
  EXPECT_EQ(Run({"client", "pause", "100", "all"}), "OK");
  const server::ClientPause& p = h_.server().client_pause();
  EXPECT_EQ(p.type(), server::ClientPause::Type::kAll);
  EXPECT_EQ(p.end_ms(), start + 5000);              // one purpose: the later end, the stricter type
  EXPECT_EQ(h_.RunRaw({"client", "unpause"}), "");  // held: even UNPAUSE waits under ALL
  h_.AdvanceMillis(5001);
  EXPECT_FALSE(h_.server().CheckPauseTimeout());
  EXPECT_FALSE(h_.client(0).has(server::kClientPostponed));
}

TEST_F(ClientCommandsTest, PauseZeroEndsAtOnce) {
  EXPECT_EQ(Run({"client", "pause", "0"}), "OK");
  h_.AdvanceMillis(1);
  EXPECT_EQ(Run({"set", "k", "v"}), "OK");
}

TEST_F(ClientCommandsTest, PauseRejectsBadArguments) {
  EXPECT_EQ(Run({"client", "pause", "abc"}), "ERR timeout is not an integer or out of range");
  EXPECT_EQ(Run({"client", "pause", "-1"}), "ERR timeout is negative");
  EXPECT_EQ(Run({"client", "pause", "10", "foo"}), "ERR CLIENT PAUSE mode must be WRITE or ALL");
  EXPECT_EQ(Run({"client", "pause", "abc", "foo"}), "ERR CLIENT PAUSE mode must be WRITE or ALL");
  EXPECT_EQ(Run({"client", "PAUSE", "10", "write", "x"}),
            "ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.");
  EXPECT_EQ(Run({"client", "pause"}), "ERR wrong number of arguments for 'client|pause' command");
  EXPECT_FALSE(h_.server().client_pause().paused());
}

// ---------------------------------------------------------------- HELP, unknown

TEST_F(ClientCommandsTest, HelpAndUnknownSubcommand) {
  Reply help = h_.Run({"client", "help"});
  ASSERT_EQ(help.type, Reply::Type::kArray);
  EXPECT_EQ(help.elements.front().str,
            "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(help.elements.back().str, "    Prints this help.");
  EXPECT_EQ(Run({"client", "nosuch"}), "ERR unknown subcommand 'nosuch'. Try CLIENT HELP.");
}

}  // namespace
}  // namespace osprey::testing
