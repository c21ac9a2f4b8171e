#include "types/set.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace osprey::types {
namespace {

std::set<std::string> Members(const SetValue& s) {
  std::set<std::string> out;
  s.ForEach([&](std::string_view m) { EXPECT_TRUE(out.emplace(m).second) << m; });
  return out;
}

TEST(SetValueTest, StartsAsEmptyIntset) {
  SetValue s(1);
  EXPECT_TRUE(s.is_intset());
  EXPECT_EQ(s.EncodingName(), "intset");
  EXPECT_EQ(s.type(), ValueType::kSet);
  EXPECT_TRUE(s.empty());
}

TEST(SetValueTest, IntegersStayInIntset) {
  SetValue s(1);
  EXPECT_TRUE(s.Add("5", 512));
  EXPECT_TRUE(s.Add("-9223372036854775808", 512));
  EXPECT_FALSE(s.Add("5", 512));
  EXPECT_TRUE(s.is_intset());
  EXPECT_EQ(s.size(), 2u);
  EXPECT_TRUE(s.Contains("5"));
  EXPECT_FALSE(s.Contains("05"));
  EXPECT_FALSE(s.Contains("x"));
  std::vector<std::string> order;
  s.ForEach([&](std::string_view m) { order.emplace_back(m); });
  EXPECT_EQ(order, (std::vector<std::string>{"-9223372036854775808", "5"}));
}

TEST(SetValueTest, NonCanonicalIntegerConvertsToHashtable) {
  for (const char* m : {"05", "+5", " 5", "-0", "9223372036854775808", "1.0", ""}) {
    SetValue s(1);
    s.Add("1", 512);
    EXPECT_TRUE(s.Add(m, 512)) << m;
    EXPECT_FALSE(s.is_intset()) << m;
    EXPECT_EQ(s.EncodingName(), "hashtable");
    EXPECT_EQ(Members(s), (std::set<std::string>{"1", m}));
  }
}

TEST(SetValueTest, ConvertsWhenCountPassesThreshold) {
  SetValue s(1);
  for (int i = 0; i < 4; ++i) s.Add(std::to_string(i), 4);
  EXPECT_TRUE(s.is_intset());
  EXPECT_FALSE(s.Add("3", 4));  // a duplicate does not count
  EXPECT_TRUE(s.is_intset());
  s.Add("4", 4);
  EXPECT_FALSE(s.is_intset());
  EXPECT_EQ(s.size(), 5u);
  EXPECT_EQ(Members(s), (std::set<std::string>{"0", "1", "2", "3", "4"}));
}

TEST(SetValueTest, ZeroThresholdMeansNoIntset) {
  SetValue s(1);
  s.Add("1", 0);
  EXPECT_FALSE(s.is_intset());
}

TEST(SetValueTest, NeverConvertsBack) {
  SetValue s(1);
  s.Add("a", 512);
  s.Add("1", 512);
  s.Remove("a");
  EXPECT_FALSE(s.is_intset());
  EXPECT_EQ(Members(s), (std::set<std::string>{"1"}));
}

TEST(SetValueTest, RemoveFromIntset) {
  SetValue s(1);
  s.Add("1", 512);
  s.Add("2", 512);
  EXPECT_FALSE(s.Remove("x"));
  EXPECT_FALSE(s.Remove("3"));
  EXPECT_TRUE(s.Remove("1"));
  EXPECT_EQ(s.size(), 1u);
}

TEST(SetValueTest, CloneKeepsEncodingAndMembers) {
  SetValue a(1);
  for (int i = 0; i < 10; ++i) a.Add(std::to_string(i), 512);
  auto ca = a.Clone();
  EXPECT_EQ(ca->EncodingName(), "intset");
  EXPECT_EQ(Members(static_cast<SetValue&>(*ca)), Members(a));
  a.Add("x", 512);
  auto cb = a.Clone();
  EXPECT_EQ(cb->EncodingName(), "hashtable");
  EXPECT_EQ(Members(static_cast<SetValue&>(*cb)), Members(a));
  a.Remove("x");
  EXPECT_TRUE(static_cast<SetValue&>(*cb).Contains("x"));
}

TEST(SetValueTest, LongMembersAreKeptAndCounted) {
  SetValue s(1);
  std::string big(5000, 'z');
  s.Add(big, 512);
  const size_t with = s.MemoryUsage();
  EXPECT_GT(with, big.size());
  EXPECT_TRUE(s.Contains(big));
  s.Remove(big);
  EXPECT_LT(s.MemoryUsage(), with - big.size() + 100);
}

TEST(SetValueTest, ScanStepVisitsEveryMember) {
  SetValue s(1);
  std::set<std::string> ref;
  for (int i = 0; i < 1000; ++i) {
    ref.insert("m" + std::to_string(i));
    s.Add("m" + std::to_string(i), 512);
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = s.ScanStep(cursor, [&](std::string_view m) { seen.emplace(m); });
  } while (cursor != 0);
  EXPECT_EQ(seen, ref);
}

TEST(SetValueTest, ForEachWhileVisitsEachMemberOnceAndStops) {
  for (bool ints : {true, false}) {
    SetValue s(3);
    for (int i = 0; i < 300; ++i) s.Add(ints ? std::to_string(i) : "w" + std::to_string(i), 512);
    std::set<std::string> seen;
    s.ForEachWhile([&](std::string_view m) {
      EXPECT_TRUE(seen.emplace(m).second);
      return true;
    });
    EXPECT_EQ(seen, Members(s));
    int calls = 0;
    s.ForEachWhile([&](std::string_view) { return ++calls < 7; });
    EXPECT_EQ(calls, 7);
  }
}

// Pearson's chi-square over how often each member came up.
double ChiSquare(const std::map<std::string, int>& counts, size_t members, int draws) {
  const double expected = static_cast<double>(draws) / members;
  double x2 = (members - counts.size()) * expected;
  for (const auto& [m, n] : counts) x2 += (n - expected) * (n - expected) / expected;
  return x2;
}

std::unique_ptr<SetValue> MakeSet(const std::vector<std::string>& members) {
  auto s = std::make_unique<SetValue>(7);
  for (const auto& m : members) s->Add(m, 512);
  return s;
}

const std::vector<std::string> kTen = {"1", "5", "10", "50", "125", "MARY", "PATRICIA",
                                        "LINDA", "BARBARA", "ELIZABETH"};

TEST(SetValueTest, RandomMemberIsUniform) {
  for (bool ints : {false, true}) {
    std::vector<std::string> members = kTen;
    if (ints) members = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    auto s = MakeSet(members);
    std::mt19937_64 rng(3);
    std::map<std::string, int> counts;
    char buf[kSetMemberBufSize];
    for (int i = 0; i < 10000; ++i) ++counts[std::string(s->RandomMember(rng, buf))];
    EXPECT_LT(ChiSquare(counts, 10, 10000), 40.0);  // df 9, p = 1e-5
  }
}

TEST(SetValueTest, RandomDistinctGivesDistinctUniformMembers) {
  for (bool ints : {false, true}) {
    std::vector<std::string> members = kTen;
    if (ints) members = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    auto s = MakeSet(members);
    std::mt19937_64 rng(4);
    for (size_t count : {8u, 2u}) {  // both strategies
      std::map<std::string, int> counts;
      int draws = 0;
      for (int round = 0; round < 2000; ++round) {
        std::set<std::string> got;
        s->RandomDistinct(count, rng, [&](std::string_view m) { got.emplace(m); });
        ASSERT_EQ(got.size(), count);
        for (const auto& m : got) ++counts[m];
        draws += static_cast<int>(count);
      }
      EXPECT_LT(ChiSquare(counts, 10, draws), 40.0);
    }
    std::set<std::string> all;
    s->RandomDistinct(100, rng, [&](std::string_view m) { all.emplace(m); });
    EXPECT_EQ(all.size(), 10u);
  }
}

TEST(SetValueTest, PopRandomBothStrategies) {
  std::mt19937_64 rng(5);
  for (size_t count : {3u, 95u}) {
    for (bool ints : {false, true}) {
      SetValue s(9);
      std::set<std::string> ref;
      for (int i = 0; i < 100; ++i) {
        std::string m = ints ? std::to_string(i) : "p" + std::to_string(i);
        s.Add(m, 512);
        ref.insert(m);
      }
      std::set<std::string> popped;
      s.PopRandom(count, 512, rng, [&](std::string_view m) {
        EXPECT_TRUE(popped.emplace(m).second);
      });
      EXPECT_EQ(popped.size(), count);
      EXPECT_EQ(s.size(), 100 - count);
      std::set<std::string> left = Members(s);
      for (const auto& m : popped) EXPECT_FALSE(left.count(m));
      for (const auto& m : left) EXPECT_TRUE(ref.count(m));
      EXPECT_EQ(s.is_intset(), ints);
    }
  }
}

TEST(SetValueTest, PopRandomRebuildMayTurnIntoIntset) {
  // A hash table of strings and integers whose survivors are all integers
  // comes back as an intset, as Redis's rebuilt set does.
  std::mt19937_64 rng(6);
  SetValue s(9);
  s.Add("a", 512);
  for (int i = 0; i < 20; ++i) s.Add(std::to_string(i), 512);
  s.Remove("a");
  ASSERT_FALSE(s.is_intset());
  s.PopRandom(18, 512, rng, [](std::string_view) {});
  EXPECT_EQ(s.size(), 2u);
  EXPECT_TRUE(s.is_intset());
}

// Random operations against std::set, crossing the intset threshold both
// ways of member kind.
TEST(SetValueTest, RandomizedAgainstReferenceModel) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 20; ++round) {
    const int64_t max_intset = round % 2 ? 16 : 512;
    SetValue s(round);
    std::set<std::string> ref;
    bool was_table = false;
    for (int op = 0; op < 3000; ++op) {
      std::string m;
      switch (rng() % 3) {
        case 0: m = std::to_string(static_cast<int64_t>(rng() % 200) - 100); break;
        case 1: m = std::to_string(static_cast<int64_t>(rng())); break;
        default: m = (round % 4 == 0) ? std::to_string(rng() % 50) : "s" + std::to_string(rng() % 300);
      }
      switch (rng() % 4) {
        case 0:
        case 1: EXPECT_EQ(s.Add(m, max_intset), ref.insert(m).second); break;
        case 2: EXPECT_EQ(s.Remove(m), ref.erase(m) == 1); break;
        default: EXPECT_EQ(s.Contains(m), ref.count(m) == 1); break;
      }
      ASSERT_EQ(s.size(), ref.size());
      if (was_table) {
        ASSERT_FALSE(s.is_intset());
      }
      was_table = !s.is_intset();
      if (s.is_intset()) {
        ASSERT_LE(s.size(), static_cast<size_t>(max_intset));
      }
    }
    EXPECT_EQ(Members(s), ref);
    auto copy = s.Clone();
    EXPECT_EQ(Members(static_cast<SetValue&>(*copy)), ref);
  }
}

}  // namespace
}  // namespace osprey::types
