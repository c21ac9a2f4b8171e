// ZSetValue and its tree: encodings and conversion at the thresholds, score
// storage rules, range parsing, and randomized operations checked against a
// std::set<pair<double, string>> reference model in both encodings.
#include "types/zset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace osprey::types {
namespace {

using Model = std::set<std::pair<double, std::string>>;
using Encoding = ZSetValue::Encoding;

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<std::pair<std::string, double>> Elements(const ZSetValue& z) {
  std::vector<std::pair<std::string, double>> out;
  for (auto it = z.First(); it.Valid(); it.Next()) out.emplace_back(it.member(), it.score());
  return out;
}

std::vector<std::pair<std::string, double>> Elements(const Model& m) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [s, name] : m) out.emplace_back(name, s);
  return out;
}

void ExpectValid(const ZSetValue& z) {
  std::string why;
  ASSERT_TRUE(z.CheckInvariants(&why)) << why;
}

// ------------------------------------------------------------ the tree

TEST(ZSetTreeTest, RandomInsertEraseKeepsOrderAndRanks) {
  std::mt19937_64 rng(7);
  ZSetTree tree;
  Model model;
  for (int step = 0; step < 20000; ++step) {
    const double score = static_cast<double>(rng() % 200);
    std::string member = "m" + std::to_string(rng() % 3000);
    if (rng() % 50 == 0) member.append(700, 'x');  // big enough to split a leaf alone
    const auto key = std::make_pair(score, member);
    if (rng() % 3 != 0) {
      if (model.count(key) == 0) {
        tree.Insert(score, member);
        model.insert(key);
      }
    } else {
      EXPECT_EQ(tree.Erase(score, member), model.erase(key) == 1);
    }
  }
  std::string why;
  ASSERT_TRUE(tree.CheckInvariants(&why)) << why;
  ASSERT_EQ(tree.size(), model.size());
  size_t rank = 0;
  for (const auto& [s, m] : model) {
    size_t r;
    ASSERT_TRUE(tree.Rank(s, m, &r));
    EXPECT_EQ(r, rank);
    const ZSetTree::Pos p = tree.AtRank(rank);
    EXPECT_EQ(ZSetTree::MemberAt(p), m);
    ++rank;
  }
}

TEST(ZSetTreeTest, UpdateScoreKeepsOrderInPlaceOrByMoving) {
  std::mt19937_64 rng(9);
  ZSetTree tree;
  std::vector<std::pair<double, std::string>> current;
  Model model;
  for (int i = 0; i < 3000; ++i) {
    current.emplace_back(static_cast<double>(rng() % 500), "m" + std::to_string(i));
    tree.Insert(current.back().first, current.back().second);
    model.insert(current.back());
  }
  for (int step = 0; step < 20000; ++step) {
    auto& [score, member] = current[rng() % current.size()];
    // Small steps mostly stay in place; big ones move across leaves.
    const double next = step % 2 ? score + static_cast<double>(rng() % 3) - 1
                                 : static_cast<double>(rng() % 500);
    if (next == score) continue;
    tree.UpdateScore(score, member, next);
    model.erase({score, member});
    score = next;
    model.insert({score, member});
  }
  std::string why;
  ASSERT_TRUE(tree.CheckInvariants(&why)) << why;
  size_t rank = 0;
  for (const auto& [s, m] : model) {
    size_t r;
    ASSERT_TRUE(tree.Rank(s, m, &r));
    ASSERT_EQ(r, rank++);
  }
}

TEST(ZSetTreeTest, LargeTreeGrowsAndShrinksThroughSeveralLevels) {
  std::mt19937_64 rng(11);
  ZSetTree tree;
  std::vector<std::pair<double, std::string>> all;
  for (int i = 0; i < 200000; ++i) {
    all.emplace_back(static_cast<double>(rng() % 1000), "member:" + std::to_string(i));
    tree.Insert(all.back().first, all.back().second);
  }
  std::string why;
  ASSERT_TRUE(tree.CheckInvariants(&why)) << why;
  std::shuffle(all.begin(), all.end(), rng);
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_TRUE(tree.Erase(all[i].first, all[i].second));
    if (i % 50000 == 0) {
      ASSERT_TRUE(tree.CheckInvariants(&why)) << why;
    }
    if (i == all.size() / 2) {
      // Drop a big run from the middle as ZREMRANGEBYRANK would.
      tree.EraseRange(tree.size() / 4, tree.size() / 2, [](double, std::string_view) {});
      ASSERT_TRUE(tree.CheckInvariants(&why)) << why;
      break;
    }
  }
  tree.EraseRange(0, tree.size(), [](double, std::string_view) {});
  EXPECT_TRUE(tree.CheckInvariants(&why)) << why;
  EXPECT_EQ(tree.MemoryUsage(), 0u);
}

TEST(ZSetTreeTest, EraseRangeVisitsEachElementOnce) {
  ZSetTree tree;
  for (int i = 0; i < 5000; ++i) tree.Insert(i, "member:" + std::to_string(i));
  std::vector<std::string> seen;
  tree.EraseRange(100, 4000, [&](double, std::string_view m) { seen.emplace_back(m); });
  ASSERT_EQ(seen.size(), 4000u);
  EXPECT_EQ(seen.front(), "member:100");
  EXPECT_EQ(seen.back(), "member:4099");
  EXPECT_EQ(tree.size(), 1000u);
  std::string why;
  EXPECT_TRUE(tree.CheckInvariants(&why)) << why;
  tree.EraseRange(0, tree.size(), [](double, std::string_view) {});
  EXPECT_TRUE(tree.empty());
  EXPECT_EQ(tree.MemoryUsage(), 0u);
}

TEST(ZSetTreeTest, AppendBuildsTheSameTreeAsInserts) {
  ZSetTree tree;
  for (int i = 0; i < 3000; ++i) tree.Append(i * 0.5, "k" + std::to_string(i));
  tree.FinishAppends();
  std::string why;
  ASSERT_TRUE(tree.CheckInvariants(&why)) << why;
  ZSetTree copy = tree.Clone();
  ASSERT_TRUE(copy.CheckInvariants(&why)) << why;
  EXPECT_EQ(copy.size(), 3000u);
  size_t r;
  ASSERT_TRUE(copy.Rank(1000.5, "k2001", &r));
  EXPECT_EQ(r, 2001u);
  copy.Insert(-1, "first");
  ASSERT_TRUE(copy.CheckInvariants(&why)) << why;
  EXPECT_EQ(ZSetTree::MemberAt(copy.First()), "first");
}

TEST(ZSetTreeTest, IteratesBackwardsAcrossLeaves) {
  ZSetTree tree;
  for (int i = 0; i < 1000; ++i) tree.Insert(i, std::to_string(i));
  ZSetTree::Pos p;
  tree.Prev(&p);  // from the end: the last element
  for (int i = 999; i >= 0; --i) {
    ASSERT_TRUE(p.valid());
    EXPECT_EQ(ZSetTree::ScoreAt(p), i);
    tree.Prev(&p);
  }
  EXPECT_FALSE(p.valid());
}

// ------------------------------------------------------------ encodings

TEST(ZSetValueTest, ConvertsPastMaxEntries) {
  ZSetLimits limits{4, 64};
  ZSetValue z;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(z.Add("m" + std::to_string(i), i, kZAddNone, limits), ZAddResult::kAdded);
  }
  EXPECT_EQ(z.EncodingName(), "listpack");
  // Updating an existing member never converts.
  EXPECT_EQ(z.Add("m0", 10, kZAddNone, limits), ZAddResult::kUpdated);
  EXPECT_EQ(z.EncodingName(), "listpack");
  EXPECT_EQ(z.Add("m4", 4, kZAddNone, limits), ZAddResult::kAdded);
  EXPECT_EQ(z.EncodingName(), "skiplist");
  ExpectValid(z);
  EXPECT_EQ(z.size(), 5u);
  // Removals never convert back.
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(z.Remove("m" + std::to_string(i)));
  EXPECT_EQ(z.EncodingName(), "skiplist");
  ExpectValid(z);
}

TEST(ZSetValueTest, ConvertsForAMemberLongerThanMaxValue) {
  ZSetLimits limits{128, 8};
  ZSetValue z;
  EXPECT_EQ(z.Add(std::string(8, 'a'), 1, kZAddNone, limits), ZAddResult::kAdded);
  EXPECT_EQ(z.EncodingName(), "listpack");
  EXPECT_EQ(z.Add(std::string(9, 'b'), 2, kZAddNone, limits), ZAddResult::kAdded);
  EXPECT_EQ(z.EncodingName(), "skiplist");
  ExpectValid(z);
}

TEST(ZSetValueTest, CreateForAddFollowsTheFirstMember) {
  ZSetLimits limits{128, 64};
  EXPECT_EQ(ZSetValue::CreateForAdd(64, limits)->EncodingName(), "listpack");
  EXPECT_EQ(ZSetValue::CreateForAdd(65, limits)->EncodingName(), "skiplist");
  EXPECT_EQ(ZSetValue::CreateForAdd(1, ZSetLimits{0, 64})->EncodingName(), "skiplist");
}

TEST(ZSetValueTest, FromItemsPicksTheEncodingOfANewResult) {
  ZSetLimits limits{3, 4};
  std::vector<ZSetValue::Item> items = {{"c", 3}, {"a", 1}, {"b", 2}};
  auto small = ZSetValue::FromItems(items, limits);
  EXPECT_EQ(small->EncodingName(), "listpack");
  EXPECT_EQ(Elements(*small), (std::vector<std::pair<std::string, double>>{
                                  {"a", 1}, {"b", 2}, {"c", 3}}));
  items.push_back({"d", 0});
  EXPECT_EQ(ZSetValue::FromItems(items, limits)->EncodingName(), "skiplist");
  items.pop_back();
  items.push_back({"eeeee", 0});
  items.erase(items.begin());
  auto longer = ZSetValue::FromItems(items, limits);
  EXPECT_EQ(longer->EncodingName(), "skiplist");
  ExpectValid(*longer);
}

TEST(ZSetValueTest, CloneKeepsEncodingAndElements) {
  ZSetLimits limits{16, 64};
  for (int n : {10, 500}) {
    ZSetValue z;
    for (int i = 0; i < n; ++i) z.Add("x" + std::to_string(i), i % 7, kZAddNone, limits);
    auto copy = z.Clone();
    auto& c = static_cast<ZSetValue&>(*copy);
    EXPECT_EQ(c.EncodingName(), z.EncodingName());
    EXPECT_EQ(Elements(c), Elements(z));
    ExpectValid(c);
    EXPECT_GT(c.MemoryUsage(), 0u);
  }
}

TEST(ZSetValueTest, LongMembersAreCountedAndFreed) {
  ZSetLimits limits{0, 0};
  ZSetValue z(Encoding::kSkiplist);
  const size_t empty = z.MemoryUsage();
  for (int i = 0; i < 300; ++i) {
    z.Add(std::string(3000, 'a') + std::to_string(i), i % 3, kZAddNone, limits);
  }
  ExpectValid(z);
  EXPECT_GT(z.MemoryUsage(), empty + 300 * 2 * 3000);  // tree and index copies
  for (int i = 0; i < 300; i += 2) EXPECT_TRUE(z.Remove(std::string(3000, 'a') + std::to_string(i)));
  ExpectValid(z);
  EXPECT_EQ(z.RemoveRangeByRank(0, z.size() - 1), 150u);
  // Only the index's empty bucket directory is left.
  EXPECT_LT(z.MemoryUsage(), empty + 2048);
}

TEST(ZSetValueTest, IteratesBackwardsThroughAWholeSkiplist) {
  ZSetLimits limits{0, 0};
  ZSetValue z(Encoding::kSkiplist);
  for (int i = 0; i < 5000; ++i) z.Add("m" + std::to_string(i), i, kZAddNone, limits);
  int expect = 4999;
  for (auto it = z.Last(); it.Valid(); it.Prev(), --expect) {
    ASSERT_EQ(it.score(), expect);
    ASSERT_EQ(it.rank(), static_cast<size_t>(expect));
  }
  EXPECT_EQ(expect, -1);
}

// ------------------------------------------------------------ scores

TEST(ZSetValueTest, ListpackStoresIntegralScoresAsIntegers) {
  ZSetLimits limits;
  ZSetValue z;
  z.Add("a", -0.0, kZAddNone, limits);
  z.Add("b", 1.5, kZAddNone, limits);
  z.Add("c", 1e17, kZAddNone, limits);
  z.Add("d", kInf, kZAddNone, limits);
  double s;
  ASSERT_TRUE(z.Score("a", &s));
  EXPECT_FALSE(std::signbit(s));  // Redis keeps -0 as the integer 0 in a listpack
  ASSERT_TRUE(z.Score("c", &s));
  EXPECT_EQ(s, 1e17);
  ASSERT_TRUE(z.Score("d", &s));
  EXPECT_EQ(s, kInf);
}

TEST(ZSetValueTest, SkiplistKeepsNegativeZero) {
  ZSetLimits limits{0, 64};
  ZSetValue z(Encoding::kSkiplist);
  z.Add("a", -0.0, kZAddNone, limits);
  double s;
  ASSERT_TRUE(z.Score("a", &s));
  EXPECT_TRUE(std::signbit(s));
}

TEST(ZSetValueTest, AddFlagsAndNan) {
  ZSetLimits limits;
  ZSetValue z;
  double out = 0;
  EXPECT_EQ(z.Add("a", std::nan(""), kZAddNone, limits), ZAddResult::kNan);
  EXPECT_EQ(z.Add("a", 1, kZAddXx, limits), ZAddResult::kSkipped);
  EXPECT_EQ(z.Add("a", 1, kZAddNx, limits), ZAddResult::kAdded);
  EXPECT_EQ(z.Add("a", 5, kZAddNx, limits), ZAddResult::kSkipped);
  EXPECT_EQ(z.Add("a", 0, kZAddGt, limits), ZAddResult::kSkipped);
  EXPECT_EQ(z.Add("a", 2, kZAddLt, limits), ZAddResult::kSkipped);
  EXPECT_EQ(z.Add("a", 1, kZAddNone, limits, &out), ZAddResult::kUnchanged);
  EXPECT_EQ(z.Add("a", 2, kZAddIncr, limits, &out), ZAddResult::kUpdated);
  EXPECT_EQ(out, 3);
  EXPECT_EQ(z.Add("a", kInf, kZAddNone, limits), ZAddResult::kUpdated);
  EXPECT_EQ(z.Add("a", -kInf, kZAddIncr, limits), ZAddResult::kNan);
  double s;
  ASSERT_TRUE(z.Score("a", &s));
  EXPECT_EQ(s, kInf);
}

// ------------------------------------------------------------ range parsing

TEST(ZSetRangeTest, ParsesScoreBounds) {
  ZScoreRange r;
  ASSERT_TRUE(ParseZScoreRange("(1.5", "+inf", &r));
  EXPECT_TRUE(r.min_exclusive);
  EXPECT_EQ(r.min, 1.5);
  EXPECT_EQ(r.max, kInf);
  ASSERT_TRUE(ParseZScoreRange("(", "", &r));  // both read as 0, as strtod does
  EXPECT_TRUE(r.IsEmpty());
  EXPECT_FALSE(ParseZScoreRange("a", "1", &r));
  EXPECT_FALSE(ParseZScoreRange("1", "nan", &r));
  EXPECT_FALSE(ParseZScoreRange("((1", "2", &r));
}

TEST(ZSetRangeTest, ParsesLexBounds) {
  ZLexRange r;
  ASSERT_TRUE(ParseZLexRange("-", "+", &r));
  EXPECT_FALSE(r.IsEmpty());
  EXPECT_TRUE(r.AboveMin("") && r.BelowMax("\xff"));
  ASSERT_TRUE(ParseZLexRange("[a", "(b", &r));
  EXPECT_TRUE(r.AboveMin("a"));
  EXPECT_FALSE(r.BelowMax("b"));
  ASSERT_TRUE(ParseZLexRange("+", "+", &r));
  EXPECT_TRUE(r.IsEmpty());
  ASSERT_TRUE(ParseZLexRange("[b", "-", &r));
  EXPECT_TRUE(r.IsEmpty());
  ASSERT_TRUE(ParseZLexRange("[a", "[a", &r));
  EXPECT_FALSE(r.IsEmpty());
  ASSERT_TRUE(ParseZLexRange("(a", "[a", &r));
  EXPECT_TRUE(r.IsEmpty());
  EXPECT_FALSE(ParseZLexRange("a", "+", &r));
  EXPECT_FALSE(ParseZLexRange("", "+", &r));
  EXPECT_FALSE(ParseZLexRange("-", "+x", &r));
  EXPECT_TRUE(ParseZLexRange(std::string_view("-\0x", 3), "+", &r));
}

// ------------------------------------------------------------ model checking

struct Harness {
  ZSetLimits limits;
  ZSetValue z;
  Model model;
  std::mt19937_64 rng;

  Harness(ZSetLimits l, uint64_t seed) : limits(l), rng(seed) {}

  double RandomScore() { return static_cast<double>(static_cast<int>(rng() % 40) - 20) / 2; }
  std::string RandomMember() {
    std::string m = std::string(1, static_cast<char>('a' + rng() % 6)) + std::to_string(rng() % 60);
    if (rng() % 40 == 0) m.append(300, 'z');
    return m;
  }
  double ModelScore(const std::string& m, bool* found) {
    for (const auto& [s, name] : model) {
      if (name == m) {
        *found = true;
        return s;
      }
    }
    *found = false;
    return 0;
  }
  ZScoreRange RandomScoreRange() {
    ZScoreRange r;
    r.min = RandomScore();
    r.max = RandomScore();
    if (rng() % 5 == 0) r.min = -kInf;
    if (rng() % 5 == 0) r.max = kInf;
    r.min_exclusive = rng() % 2;
    r.max_exclusive = rng() % 2;
    return r;
  }
  ZLexRange RandomLexRange(std::string* a, std::string* b) {
    ZLexRange r;
    *a = RandomMember();
    *b = RandomMember();
    auto bound = [&](const std::string& s) {
      ZLexBound x;
      switch (rng() % 6) {
        case 0: x.kind = ZLexBound::Kind::kMinusInf; x.exclusive = true; break;
        case 1: x.kind = ZLexBound::Kind::kPlusInf; x.exclusive = true; break;
        default: x.value = s; x.exclusive = rng() % 2; break;
      }
      return x;
    };
    r.min = bound(*a);
    r.max = bound(*b);
    return r;
  }

  // One random change, applied to both; additions outweigh removals so the
  // set grows to a few hundred elements.
  void Step() {
    const uint64_t dice = rng() % 100;
    if (dice < 60) {
      const std::string m = RandomMember();
      const double s = RandomScore();
      bool found;
      const double old = ModelScore(m, &found);
      const ZAddResult r = z.Add(m, s, kZAddNone, limits);
      if (!found) {
        EXPECT_EQ(r, ZAddResult::kAdded);
        model.insert({s, m});
      } else if (old == s) {
        EXPECT_EQ(r, ZAddResult::kUnchanged);
      } else {
        EXPECT_EQ(r, ZAddResult::kUpdated);
        model.erase({old, m});
        model.insert({s, m});
      }
    } else if (dice < 80) {
      const std::string m = RandomMember();
      bool found;
      const double old = ModelScore(m, &found);
      EXPECT_EQ(z.Remove(m), found);
      if (found) model.erase({old, m});
    } else if (dice < 83) {
      ZScoreRange r;
      r.min = RandomScore();
      r.max = r.min + static_cast<double>(rng() % 3) / 2;
      r.min_exclusive = rng() % 2;
      r.max_exclusive = rng() % 2;
      size_t n = 0;
      for (auto it = model.begin(); it != model.end();) {
        if (r.AboveMin(it->first) && r.BelowMax(it->first)) {
          it = model.erase(it);
          ++n;
        } else {
          ++it;
        }
      }
      EXPECT_EQ(z.RemoveRangeByScore(r), n);
    } else if (dice < 86) {
      if (model.empty()) return;
      const size_t a = rng() % model.size();
      const size_t b = a + rng() % std::min<size_t>(model.size() - a, 5);
      EXPECT_EQ(z.RemoveRangeByRank(a, b), b - a + 1);
      auto first = std::next(model.begin(), static_cast<long>(a));
      model.erase(first, std::next(first, static_cast<long>(b - a + 1)));
    } else if (dice < 89) {
      if (model.empty()) return;
      std::string member;
      double score;
      const bool max = rng() % 2;
      z.Pop(max ? ZSetEnd::kMax : ZSetEnd::kMin, &member, &score);
      auto it = max ? std::prev(model.end()) : model.begin();
      EXPECT_EQ(member, it->second);
      EXPECT_EQ(score, it->first);
      model.erase(it);
    }
  }

  // Every read-only query against the model.
  void CheckQueries() {
    ASSERT_EQ(z.size(), model.size());
    ASSERT_EQ(Elements(z), Elements(model));
    size_t rank = 0;
    for (const auto& [s, m] : model) {
      size_t r;
      ASSERT_TRUE(z.Rank(m, false, &r));
      EXPECT_EQ(r, rank);
      ASSERT_TRUE(z.Rank(m, true, &r));
      EXPECT_EQ(r, model.size() - 1 - rank);
      double score;
      ASSERT_TRUE(z.Score(m, &score));
      EXPECT_EQ(score, s);
      auto at = z.AtRank(rank);
      ASSERT_TRUE(at.Valid());
      EXPECT_EQ(at.member(), m);
      ++rank;
    }
    for (int i = 0; i < 10; ++i) CheckScoreRange(RandomScoreRange());
    for (int i = 0; i < 10; ++i) {
      std::string a, b;
      CheckLexRange(RandomLexRange(&a, &b));
    }
    // Backwards from the last element.
    std::vector<std::string> back;
    for (auto it = z.Last(); it.Valid(); it.Prev()) back.emplace_back(it.member());
    std::vector<std::string> expect;
    for (auto it = model.rbegin(); it != model.rend(); ++it) expect.push_back(it->second);
    EXPECT_EQ(back, expect);
  }

  void CheckScoreRange(const ZScoreRange& r) {
    std::vector<std::string> expect;
    size_t first_rank = 0, rank = 0;
    for (const auto& [s, m] : model) {
      if (!r.IsEmpty() && r.AboveMin(s) && r.BelowMax(s)) {
        if (expect.empty()) first_rank = rank;
        expect.push_back(m);
      }
      ++rank;
    }
    std::vector<std::string> got;
    auto it = z.FirstInRange(r);
    if (it.Valid()) {
      EXPECT_EQ(it.rank(), first_rank);
    }
    for (; it.Valid() && r.BelowMax(it.score()); it.Next()) got.emplace_back(it.member());
    EXPECT_EQ(got, expect);
    std::vector<std::string> rev;
    for (auto jt = z.LastInRange(r); jt.Valid() && r.AboveMin(jt.score()); jt.Prev()) {
      rev.emplace_back(jt.member());
    }
    EXPECT_EQ(rev, std::vector<std::string>(expect.rbegin(), expect.rend()));
    EXPECT_EQ(z.CountInRange(r), expect.size());
  }

  // Lex ranges are meaningful when all scores are equal; the model check
  // uses a set whose scores are all 0.
  void CheckLexRange(const ZLexRange& r) {
    bool same = true;
    for (const auto& e : model) same = same && e.first == model.begin()->first;
    if (!same) return;
    std::vector<std::string> expect;
    for (const auto& e : model) {
      if (!r.IsEmpty() && r.AboveMin(e.second) && r.BelowMax(e.second)) expect.push_back(e.second);
    }
    std::vector<std::string> got;
    for (auto it = z.FirstInLexRange(r); it.Valid() && r.BelowMax(it.member()); it.Next()) {
      got.emplace_back(it.member());
    }
    EXPECT_EQ(got, expect);
    std::vector<std::string> rev;
    for (auto it = z.LastInLexRange(r); it.Valid() && r.AboveMin(it.member()); it.Prev()) {
      rev.emplace_back(it.member());
    }
    EXPECT_EQ(rev, std::vector<std::string>(expect.rbegin(), expect.rend()));
    EXPECT_EQ(z.CountInLexRange(r), expect.size());
  }
};

void RunModel(ZSetLimits limits, uint64_t seed, int steps) {
  Harness h(limits, seed);
  for (int i = 0; i < steps; ++i) {
    h.Step();
    if (i % 500 == 0) {
      h.CheckQueries();
      ExpectValid(h.z);
    }
  }
  h.CheckQueries();
  ExpectValid(h.z);
  EXPECT_GT(h.model.size(), 50u);  // the walk kept a set worth checking
}

TEST(ZSetValueModelTest, ListpackMatchesModel) { RunModel(ZSetLimits{100000, 100000}, 1, 4000); }

TEST(ZSetValueModelTest, SkiplistMatchesModel) { RunModel(ZSetLimits{0, 0}, 2, 20000); }

TEST(ZSetValueModelTest, ConvertingSetMatchesModel) { RunModel(ZSetLimits{64, 32}, 3, 8000); }

TEST(ZSetValueModelTest, LexRangesMatchModelInBothEncodings) {
  for (ZSetLimits limits : {ZSetLimits{100000, 100000}, ZSetLimits{0, 0}}) {
    Harness h(limits, 4);
    for (int i = 0; i < 400; ++i) {
      const std::string m = h.RandomMember();
      if (h.z.Add(m, 0, kZAddNone, limits) == ZAddResult::kAdded) h.model.insert({0, m});
    }
    h.CheckQueries();
    for (int i = 0; i < 50; ++i) {
      std::string a, b;
      const ZLexRange r = h.RandomLexRange(&a, &b);
      size_t n = 0;
      for (auto it = h.model.begin(); it != h.model.end();) {
        if (!r.IsEmpty() && r.AboveMin(it->second) && r.BelowMax(it->second)) {
          it = h.model.erase(it);
          ++n;
        } else {
          ++it;
        }
      }
      EXPECT_EQ(h.z.RemoveRangeByLex(r), n);
      h.CheckQueries();
    }
    ExpectValid(h.z);
  }
}

TEST(ZSetValueTest, ScanVisitsEveryMemberOfASkiplist) {
  ZSetLimits limits{0, 0};
  ZSetValue z(Encoding::kSkiplist);
  for (int i = 0; i < 1000; ++i) z.Add(std::to_string(i), i, kZAddNone, limits);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = z.Scan(cursor, [&](std::string_view m, double s) {
      EXPECT_EQ(std::to_string(static_cast<int>(s)), m);
      seen.emplace(m);
    });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace osprey::types
