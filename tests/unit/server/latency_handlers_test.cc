// LATENCY LATEST | HISTORY | RESET | GRAPH | DOCTOR | HELP through the real
// dispatcher, with samples put straight into the latency monitor.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/latency_histogram.h"
#include "commands/command_table.h"
#include "server/latency_monitor.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

constexpr int64_t kNow = 1'700'000'000;  // the fake clock's unix time

class LatencyHandlersTest : public ::testing::Test {
 protected:
  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }
  void Sample(const char* event, int64_t ms, int64_t ago_s) {
    h_.server().latency_monitor().AddSample(event, ms, kNow - ago_s);
  }

  CommandHarness h_;
};

TEST_F(LatencyHandlersTest, LatestListsEachEventsLastAndWorstSample) {
  EXPECT_EQ(Run({"latency", "latest"}), "[]");
  Sample("command", 300, 20);
  Sample("command", 120, 10);
  Sample("expire-cycle", 15, 5);
  EXPECT_EQ(Run({"latency", "latest"}),
            "[[command, 1699999990, 120, 300], [expire-cycle, 1699999995, 15, 15]]");
}

TEST_F(LatencyHandlersTest, HistoryListsSamplesOldestFirst) {
  Sample("command", 300, 20);
  Sample("command", 120, 10);
  EXPECT_EQ(Run({"latency", "history", "command"}), "[[1699999980, 300], [1699999990, 120]]");
  EXPECT_EQ(Run({"latency", "history", "nosuch"}), "[]");
}

TEST_F(LatencyHandlersTest, ResetForgetsNamedOrAllEvents) {
  Sample("command", 300, 20);
  Sample("fast-command", 3, 20);
  Sample("expire-cycle", 30, 20);
  EXPECT_EQ(Run({"latency", "reset", "nosuch"}), "0");
  EXPECT_EQ(Run({"latency", "reset", "command", "nosuch"}), "1");
  EXPECT_EQ(Run({"latency", "reset"}), "2");
  EXPECT_EQ(Run({"latency", "latest"}), "[]");
}

TEST_F(LatencyHandlersTest, GraphDrawsBarsAndAgeLabels) {
  Sample("command", 10, 30);
  Sample("command", 20, 20);
  Sample("command", 40, 5);
  const std::string expected = "command - high 40 ms, low 10 ms (all time high 40 ms)\n" +
                               std::string(80, '-') +
                               "\n"
                               "  #\n"
                               "  |\n"
                               " o|\n"
                               "_||\n"
                               "   \n"
                               "325\n"
                               "00s\n"
                               "ss \n";
  EXPECT_EQ(Run({"latency", "graph", "command"}), expected);
}

TEST_F(LatencyHandlersTest, GraphOfEqualSamplesAndLongAgoLabels) {
  Sample("fork", 7, 7200);
  Sample("fork", 7, 120);
  const std::string expected = "fork - high 7 ms, low 7 ms (all time high 7 ms)\n" +
                               std::string(80, '-') +
                               "\n"
                               "  \n"
                               "  \n"
                               "  \n"
                               "__\n"
                               "  \n"
                               "22\n"
                               "hm\n";
  EXPECT_EQ(Run({"latency", "graph", "fork"}), expected);
}

TEST_F(LatencyHandlersTest, GraphSplitsIntoBlocksOf80Columns) {
  for (int i = 0; i < 100; ++i) Sample("command", 1 + i, 100 - i);
  const std::string graph = Run({"latency", "graph", "command"});
  // Title, rule, then two blocks separated by an empty line; every row of
  // the first block is 80 wide, of the second 20.
  std::vector<std::string> lines;
  for (size_t pos = 0, end; (end = graph.find('\n', pos)) != std::string::npos; pos = end + 1) {
    lines.push_back(graph.substr(pos, end - pos));
  }
  ASSERT_GT(lines.size(), 12u);
  EXPECT_EQ(lines[1], std::string(80, '-'));
  size_t i = 2;
  for (; i < lines.size() && !lines[i].empty(); ++i) EXPECT_EQ(lines[i].size(), 80u) << i;
  ASSERT_LT(i + 1, lines.size());
  EXPECT_EQ(lines[i + 1], "___oooooooo#########");
  for (++i; i < lines.size(); ++i) EXPECT_EQ(lines[i].size(), 20u) << i;
}

TEST_F(LatencyHandlersTest, GraphOfUnknownEventFails) {
  EXPECT_EQ(Run({"latency", "graph", "nosuch"}),
            "ERR No samples available for event 'nosuch'");
}

TEST_F(LatencyHandlersTest, DoctorReportsDisabledMonitoringOrEvents) {
  const std::string off = Run({"latency", "doctor"});
  EXPECT_NE(off.find("latency-monitor-threshold"), std::string::npos);
  Sample("command", 300, 20);
  Sample("command", 100, 10);
  const std::string report = Run({"latency", "doctor"});
  EXPECT_NE(report.find("1. command: 2 spikes, average 200 ms, mean deviation 100 ms"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("SLOWLOG"), std::string::npos);
}

TEST_F(LatencyHandlersTest, DoctorIsVerbatimInResp3) {
  Run({"hello", "3"});
  Reply r = h_.Run({"latency", "doctor"});
  EXPECT_EQ(r.type, Reply::Type::kVerbatim);
}

TEST_F(LatencyHandlersTest, BadArityAndUnknownSubcommands) {
  EXPECT_EQ(Run({"latency", "help", "x"}),
            "ERR wrong number of arguments for 'latency|help' command");
  EXPECT_EQ(Run({"latency", "history"}),
            "ERR wrong number of arguments for 'latency|history' command");
  EXPECT_EQ(Run({"latency", "graph", "a", "b"}),
            "ERR wrong number of arguments for 'latency|graph' command");
  EXPECT_EQ(Run({"latency", "latest", "x"}),
            "ERR wrong number of arguments for 'latency|latest' command");
  EXPECT_EQ(Run({"latency", "bogus"}), "ERR unknown subcommand 'bogus'. Try LATENCY HELP.");
}

TEST_F(LatencyHandlersTest, HistogramSendsCumulativeCountsAtPowersOfTwo) {
  const auto* get = h_.server().command_table().Find("get");
  base::LatencyHistogram& hist = h_.server().command_latency()[get->id];
  for (uint64_t ns : {1500, 1500, 3000, 9'000'000}) hist.Record(ns);
  // 2063 ns, 4127 ns and 16908287 ns are the tops of the buckets of 2048,
  // 4096 and 16777216 ns; steps where the count does not grow are left out.
  EXPECT_EQ(Run({"latency", "histogram", "GET"}),
            "[get, [calls, 4, histogram_usec, [2, 2, 4, 3, 16908, 4]]]");
}

TEST_F(LatencyHandlersTest, HistogramCoversCommandsThatRan) {
  for (int i = 0; i < 5; ++i) Run({"set", "k", "v"});
  Run({"client", "id"});
  Reply all = h_.Run({"latency", "histogram"});
  std::vector<std::string> names;
  for (size_t i = 0; i < all.elements.size(); i += 2) names.push_back(all.elements[i].str);
  EXPECT_NE(std::find(names.begin(), names.end(), "set"), names.end());
  Reply set = h_.Run({"latency", "histogram", "set"});
  ASSERT_EQ(set.elements.size(), 2u);
  const Reply& body = set.elements[1];
  EXPECT_EQ(body.elements[1].integer, 5);
  const Reply& steps = body.elements[3];
  ASSERT_GE(steps.elements.size(), 2u);
  EXPECT_EQ(steps.elements.back().integer, 5);
  // A container names all of its subcommands that ran.
  EXPECT_EQ(h_.Run({"latency", "histogram", "client"}).elements[0].str, "client|id");
  EXPECT_EQ(h_.Run({"latency", "histogram", "client|id"}).elements[0].str, "client|id");
  // Unknown names and commands that never ran are left out.
  EXPECT_EQ(Run({"latency", "histogram", "nosuch", "hgetall"}), "[]");
  EXPECT_EQ(h_.Run({"latency", "histogram", "set", "nosuch", "set"}).elements.size(), 4u);
}

TEST_F(LatencyHandlersTest, HistogramIsAMapInResp3) {
  Run({"hello", "3"});
  Run({"set", "k", "v"});
  Reply r = h_.Run({"latency", "histogram", "set"});
  EXPECT_EQ(r.type, Reply::Type::kMap);
  EXPECT_EQ(r.elements[1].type, Reply::Type::kMap);
}

TEST_F(LatencyHandlersTest, HelpListsTheSubcommands) {
  Reply r = h_.Run({"latency", "help"});
  ASSERT_GT(r.elements.size(), 10u);
  EXPECT_EQ(r.elements[1].str, "DOCTOR");
}

}  // namespace
}  // namespace osprey::testing
