// Loading redis.conf text and the command line, and the fatal error report.
// Expected behaviour was checked by starting redis-server 7.0.15 with the
// same files and arguments.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "server/config_command_line.h"
#include "server/config_registry.h"
#include "server/config_test_util.h"

namespace osprey::server {
namespace {

std::string Get(const ConfigRegistry& r, std::string_view name) { return *r.GetValue(name); }

std::string LoadError(std::string_view text) {
  ConfigRegistry r;
  base::Status st = r.LoadFromString(text);
  return st.ok() ? "OK" : std::string(st.message());
}

std::string Fatal(int line, std::string_view text, std::string_view reason) {
  return "\n*** FATAL CONFIG FILE ERROR (Osprey) ***\nReading the configuration file, at line " +
         std::to_string(line) + "\n>>> '" + std::string(text) + "'\n" + std::string(reason) + "\n";
}

using testing::TempDir;

// Builds argv for ParseCommandLine.
base::Result<ParsedCommandLine> Parse(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data());
}

// ----------------------------------------------------------------- syntax

TEST(ConfigLoadTest, SkipsCommentsAndBlankLinesAndTrimsBlanks) {
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString("# comment\n\n   # indented\n\t\n  maxmemory 2mb   \r\nhz 20").ok());
  EXPECT_EQ(r.values().maxmemory, 2u << 20);
  EXPECT_EQ(r.values().hz, 20);
}

TEST(ConfigLoadTest, DirectiveNamesAreCaseInsensitive) {
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString("MaxMemory 1mb\nSLAVE-READ-ONLY no").ok());
  EXPECT_EQ(r.values().maxmemory, 1u << 20);
  EXPECT_FALSE(r.values().replica_read_only);
}

TEST(ConfigLoadTest, ArgumentsMayBeQuoted) {
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString("masteruser 'a b'\nmasterauth \"x\\x41y\"\nlogfile \"\"").ok());
  EXPECT_EQ(r.values().masteruser, "a b");
  EXPECT_EQ(r.values().masterauth, "xAy");
  EXPECT_EQ(r.values().logfile, "");
}

TEST(ConfigLoadTest, MultiArgumentDirectivesAcceptOneQuotedArgument) {
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString("save \"10 1 20 2\"\n"
                               "client-output-buffer-limit \"normal 1 2 3\"\n")
                  .ok());
  EXPECT_EQ(Get(r, "save"), "10 1 20 2");
  EXPECT_EQ(r.values().client_output_buffer_limit.normal, (ClientBufferLimit{1, 2, 3}));
}

TEST(ConfigLoadTest, FirstSaveLineReplacesTheDefaultsAndLaterOnesAppend) {
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString("save 900 1\nsave 300 10\n").ok());
  EXPECT_EQ(Get(r, "save"), "900 1 300 10");
  ConfigRegistry empty_first;
  ASSERT_TRUE(empty_first.LoadFromString("save \"\"\nsave 5 5\n").ok());
  EXPECT_EQ(Get(empty_first, "save"), "5 5");
}

TEST(ConfigLoadTest, DirectivesWithoutArgumentsWhereRedisAllowsThem) {
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString("bind\nlatency-tracking-info-percentiles\n"
                               "client-output-buffer-limit\n")
                  .ok());
  EXPECT_TRUE(r.values().bind.empty());
  EXPECT_TRUE(r.values().latency_tracking_info_percentiles.empty());
  EXPECT_EQ(LoadError("shutdown-on-sigint"),
            Fatal(1, "shutdown-on-sigint",
                  "argument(s) must be one of the following: default, save, nosave, now, force"));
  EXPECT_EQ(LoadError("oom-score-adj-values"),
            Fatal(1, "oom-score-adj-values", "wrong number of arguments"));
}

TEST(ConfigLoadTest, DeprecatedDirectivesAreIgnored) {
  EXPECT_EQ(LoadError("list-max-ziplist-entries 5\nlist-max-ziplist-value 3\n"
                      "lua-replicate-commands yes\n"),
            "OK");
  EXPECT_EQ(LoadError("list-max-ziplist-entries 5 6"),
            Fatal(1, "list-max-ziplist-entries 5 6", "Bad directive or wrong number of arguments"));
}

// ------------------------------------------------------------ fatal errors

TEST(ConfigLoadTest, FatalErrorsNameTheLineAndTheReason) {
  EXPECT_EQ(LoadError("# x\n\nfoo bar\n"),
            Fatal(3, "foo bar", "Bad directive or wrong number of arguments"));
  EXPECT_EQ(LoadError("port\n"), Fatal(1, "port", "wrong number of arguments"));
  EXPECT_EQ(LoadError("timeout 1 2\n"), Fatal(1, "timeout 1 2", "wrong number of arguments"));
  EXPECT_EQ(LoadError("  port abc  \n"),
            Fatal(1, "port abc", "argument couldn't be parsed into an integer"));
  EXPECT_EQ(LoadError("maxmemory \"1mb\n"),
            Fatal(1, "maxmemory \"1mb", "Unbalanced quotes in configuration line"));
  EXPECT_EQ(LoadError("loglevel loud"),
            Fatal(1, "loglevel loud",
                  "argument(s) must be one of the following: debug, verbose, notice, warning"));
  EXPECT_EQ(LoadError("unixsocketperm 800"),
            Fatal(1, "unixsocketperm 800", "argument couldn't be parsed as an octal number"));
  EXPECT_EQ(LoadError("unixsocketperm 1000"),
            Fatal(1, "unixsocketperm 1000", "argument must be between 0 and 777 inclusive"));
  EXPECT_EQ(LoadError("save 0 1"), Fatal(1, "save 0 1", "Invalid save parameters"));
  EXPECT_EQ(LoadError("dir /nonexistent-osprey-dir"),
            Fatal(1, "dir /nonexistent-osprey-dir", "No such file or directory"));
}

TEST(ConfigLoadTest, WholeConfigurationErrorsHaveNoLine) {
  EXPECT_EQ(LoadError("logfile /nonexistent-osprey-dir/x.log"),
            "\n*** FATAL CONFIG FILE ERROR (Osprey) ***\n"
            "Can't open the log file: No such file or directory\n");
  EXPECT_EQ(LoadError("cluster-enabled yes\nreplicaof 127.0.0.1 1"),
            "\n*** FATAL CONFIG FILE ERROR (Osprey) ***\n"
            "replicaof directive not allowed in cluster mode\n");
}

// ------------------------------------------------------ file-only directives

TEST(ConfigLoadTest, IncludeReadsOtherFilesAndGlobs) {
  TempDir dir;
  dir.Write("a.conf", "hz 30\n");
  dir.Write("b.conf", "maxmemory 1mb\n");
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString("include " + dir.path() + "/a.conf\n").ok());
  EXPECT_EQ(r.values().hz, 30);
  ConfigRegistry g;
  ASSERT_TRUE(g.LoadFromString("include " + dir.path() +
                               "/*.conf\n"
                               "include " +
                               dir.path() + "/none-*.conf\n")
                  .ok());
  EXPECT_EQ(g.values().hz, 30);
  EXPECT_EQ(g.values().maxmemory, 1u << 20);
}

TEST(ConfigLoadTest, IncludeErrorsComeFromTheIncludedFile) {
  TempDir dir;
  dir.Write("bad.conf", "\nhz x\n");
  EXPECT_EQ(LoadError("port 1\ninclude " + dir.path() + "/bad.conf\n"),
            Fatal(2, "hz x", "argument couldn't be parsed into an integer"));
  EXPECT_EQ(LoadError("include " + dir.path() + "/missing.conf"),
            "Fatal error, can't open config file '" + dir.path() +
                "/missing.conf': No such file or directory");
}

TEST(ConfigLoadTest, RenameCommandIsRecordedAndCheckedByTheHook) {
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString("rename-command FLUSHALL \"\"\nrename-command get fetch").ok());
  ASSERT_EQ(r.file_directives().rename_command.size(), 2u);
  EXPECT_EQ(r.file_directives().rename_command[0].from, "FLUSHALL");
  EXPECT_EQ(r.file_directives().rename_command[0].to, "");

  ConfigRegistry h;
  h.hooks().rename_command = [](std::string_view from, std::string_view) {
    if (from == "nosuch") return base::Status::NotFound("No such command in rename-command");
    return base::Status::Ok();
  };
  base::Status st = h.LoadFromString("rename-command nosuch x");
  EXPECT_EQ(st.message(), Fatal(1, "rename-command nosuch x", "No such command in rename-command"));
  EXPECT_EQ(LoadError("rename-command get"),
            Fatal(1, "rename-command get", "Bad directive or wrong number of arguments"));
}

TEST(ConfigLoadTest, UserAndLoadmoduleAreRecorded) {
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString("user alice on >pw ~* +@all\nloadmodule /m.so a b").ok());
  ASSERT_EQ(r.file_directives().user.size(), 1u);
  EXPECT_EQ(r.file_directives().user[0],
            (std::vector<std::string>{"alice", "on", ">pw", "~*", "+@all"}));
  EXPECT_EQ(r.file_directives().loadmodule[0], (std::vector<std::string>{"/m.so", "a", "b"}));
  EXPECT_EQ(LoadError("user"), Fatal(1, "user", "Bad directive or wrong number of arguments"));

  ConfigRegistry h;
  h.hooks().add_user = [](std::span<const std::string> args) {
    return base::Status::InvalidArgument("Error in user declaration '" + args[1] +
                                         "': Syntax error");
  };
  EXPECT_EQ(h.LoadFromString("user bob bad").message(),
            Fatal(1, "user bob bad", "Error in user declaration 'bad': Syntax error"));
}

TEST(ConfigLoadTest, ModuleConfigsAreKeptByNameLastWins) {
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString("mod.opt 1 2\nmod.other x\nmod.opt 3").ok());
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(r.file_directives().module_config, (Pairs{{"mod.opt", "3"}, {"mod.other", "x"}}));
  EXPECT_EQ(LoadError("mod.opt"), Fatal(1, "mod.opt", "Module config specified without value"));
}

TEST(ConfigLoadTest, SentinelLinesNeedSentinelMode) {
  EXPECT_EQ(LoadError("sentinel monitor m 127.0.0.1 6379 2"),
            Fatal(1, "sentinel monitor m 127.0.0.1 6379 2",
                  "sentinel directive while not in sentinel mode"));
  EXPECT_EQ(LoadError("sentinel"), "OK");
  ConfigRegistry r;
  r.set_sentinel_mode(true);
  ASSERT_TRUE(r.LoadFromString("sentinel monitor m 127.0.0.1 6379 2").ok());
  ASSERT_EQ(r.file_directives().sentinel.size(), 1u);
  EXPECT_EQ(r.file_directives().sentinel[0][0], "monitor");
}

// -------------------------------------------------------------- command line

TEST(ConfigCommandLineTest, FirstArgumentNamesTheConfigFile) {
  base::Result<ParsedCommandLine> cl = Parse({"osprey-server", "/etc/osprey.conf", "--port", "7"});
  ASSERT_TRUE(cl.ok());
  EXPECT_EQ(cl->config_file, "/etc/osprey.conf");
  EXPECT_EQ(cl->options, "port \"7\" ");
  EXPECT_FALSE(cl->config_from_stdin);
}

TEST(ConfigCommandLineTest, RelativeConfigFileIsMadeAbsolute) {
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  EXPECT_EQ(*AbsolutePath("a.conf"), std::string(cwd) + "/a.conf");
  EXPECT_EQ(*AbsolutePath("  /x/y.conf\n"), "/x/y.conf");
  ASSERT_EQ(chdir("/tmp"), 0);
  EXPECT_EQ(*AbsolutePath("../etc/r.conf"), "/etc/r.conf");
  EXPECT_EQ(*AbsolutePath("../../r.conf"), "/r.conf");
  ASSERT_EQ(chdir(cwd), 0);
}

TEST(ConfigCommandLineTest, OptionArgumentsRunToTheNextDoubleDash) {
  base::Result<ParsedCommandLine> cl =
      Parse({"osprey-server", "--save", "10", "1", "20", "2", "--masteruser", "a \"b", "--hz 9"});
  EXPECT_EQ(cl->options, "save \"10\" \"1\" \"20\" \"2\" \nmasteruser \"a \\\"b\" \nhz 9 ");
  ConfigRegistry r;
  ASSERT_TRUE(r.LoadFromString(cl->options).ok());
  EXPECT_EQ(Get(r, "save"), "10 1 20 2");
  EXPECT_EQ(r.values().masteruser, "a \"b");
  EXPECT_EQ(r.values().hz, 9);
}

TEST(ConfigCommandLineTest, BareSaveMeansNoSnapshots) {
  EXPECT_EQ(Parse({"s", "--save"})->options, "save \"\"");
  EXPECT_EQ(Parse({"s", "--save", "--hz", "20"})->options, "save \"\"\nhz \"20\" ");
  EXPECT_EQ(Parse({"s", "--save", ""})->options, "save \"\" ");
  // After an option name alone, even a "--" word is its value.
  EXPECT_EQ(Parse({"s", "--masteruser", "--x"})->options, "masteruser \"--x\" ");
}

TEST(ConfigCommandLineTest, DashReadsStdinWhenFirstOrLast) {
  EXPECT_TRUE(Parse({"s", "-"})->config_from_stdin);
  EXPECT_TRUE(Parse({"s", "/a.conf", "--hz", "1", "-"})->config_from_stdin);
  base::Result<ParsedCommandLine> middle = Parse({"s", "--masteruser", "-", "--hz", "1"});
  EXPECT_FALSE(middle->config_from_stdin);
  EXPECT_EQ(middle->options, "masteruser \"-\" \nhz \"1\" ");
}

TEST(ConfigCommandLineTest, VersionHelpAndSentinel) {
  EXPECT_TRUE(Parse({"s", "-v"})->show_version);
  EXPECT_TRUE(Parse({"s", "--version"})->show_version);
  EXPECT_TRUE(Parse({"s", "-h"})->show_help);
  EXPECT_TRUE(Parse({"s", "--help"})->show_help);
  EXPECT_FALSE(Parse({"s", "--port", "1", "--help"})->show_help);
  EXPECT_TRUE(Parse({"s", "/a.conf", "--sentinel"})->sentinel_mode);
  EXPECT_TRUE(Parse({"/usr/bin/osprey-sentinel"})->sentinel_mode);
  EXPECT_FALSE(Parse({"osprey-server"})->sentinel_mode);
  EXPECT_NE(UsageText("osprey-server").find("osprey-server --port 7777"), std::string::npos);
}

TEST(ConfigCommandLineTest, OptionsAreAppendedAfterFileAndStdin) {
  TempDir dir;
  const std::string file = dir.Write("r.conf", "hz 5\nmaxmemory 1mb\ntimeout 3\n");
  base::Result<ParsedCommandLine> cl = Parse({"s", file, "--maxmemory", "2mb", "-"});
  ASSERT_TRUE(cl->config_from_stdin);
  std::FILE* in = std::tmpfile();
  std::fputs("timeout 4\nhz 6\n", in);
  std::rewind(in);
  ConfigRegistry r;
  ASSERT_TRUE(r.Load(*cl, in).ok());
  std::fclose(in);
  EXPECT_EQ(r.config_file(), file);
  EXPECT_EQ(r.values().hz, 6);
  EXPECT_EQ(r.values().timeout, 4);
  EXPECT_EQ(r.values().maxmemory, 2u << 20);
}

TEST(ConfigCommandLineTest, OptionErrorsCountLinesAfterTheFile) {
  ConfigRegistry r;
  base::Status st = r.Load(*Parse({"s", "--port", "abc"}));
  EXPECT_EQ(st.message(), Fatal(2, "port \"abc\"", "argument couldn't be parsed into an integer"));
  ConfigRegistry missing;
  st = missing.Load(*Parse({"s", "/nonexistent-osprey.conf"}));
  EXPECT_EQ(st.message(),
            "Fatal error, can't open config file '/nonexistent-osprey.conf': "
            "No such file or directory");
}

}  // namespace
}  // namespace osprey::server
