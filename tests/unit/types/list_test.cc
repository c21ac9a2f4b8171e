#include "types/list.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <algorithm>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace osprey::types {
namespace {

std::string Text(const ListElement& e) {
  return e.is_int ? std::to_string(e.i) : std::string(e.s);
}

std::vector<std::string> All(const ListValue& l) {
  std::vector<std::string> out;
  l.ForEach([&](const ListElement& e) { out.push_back(Text(e)); });
  return out;
}

std::vector<std::string> Range(const ListValue& l, int64_t start, size_t n, bool forward) {
  std::vector<std::string> out;
  ListValue::Iterator it(l, start, forward);
  ListElement e;
  while (out.size() < n && it.Next(&e)) out.push_back(Text(e));
  return out;
}

std::string At(const ListValue& l, int64_t index) {
  ListElement e;
  std::string scratch;
  if (!l.Index(index, &e, &scratch)) return "<none>";
  return Text(e);
}

// A 16-byte member that LZF compresses well, as in a real work load.
std::string Member(int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "elem:%011d", i);
  return buf;
}

void Fill(ListValue* l, const std::vector<std::string>& items) {
  for (const auto& s : items) l->PushBack(s);
}

// ----------------------------------------------------------------- basics

TEST(ListValueTest, ReportsTypeAndEncoding) {
  ListValue l;
  EXPECT_EQ(l.type(), ValueType::kList);
  EXPECT_EQ(l.EncodingName(), "quicklist");
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.node_count(), 0u);
}

TEST(ListValueTest, PushesAndPopsAtBothEnds) {
  ListValue l;
  l.PushBack("b");
  l.PushFront("a");
  l.PushBack("c");
  EXPECT_EQ(All(l), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Text(l.Peek(ListEnd::kHead)), "a");
  EXPECT_EQ(Text(l.Peek(ListEnd::kTail)), "c");
  l.Pop(ListEnd::kHead);
  l.Pop(ListEnd::kTail);
  EXPECT_EQ(All(l), (std::vector<std::string>{"b"}));
  l.Pop(ListEnd::kTail);
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.node_count(), 0u);
  EXPECT_TRUE(l.Validate());
}

TEST(ListValueTest, IntegersComeBackAsIntegers) {
  ListValue l;
  l.PushBack("12");
  l.PushBack("012");
  l.PushBack("-9223372036854775808");
  ListElement e = l.Peek(ListEnd::kHead);
  EXPECT_TRUE(e.is_int);
  EXPECT_EQ(e.i, 12);
  std::string scratch;
  ASSERT_TRUE(l.Index(1, &e, &scratch));
  EXPECT_FALSE(e.is_int);
  EXPECT_EQ(e.s, "012");
  EXPECT_EQ(At(l, 2), "-9223372036854775808");
}

TEST(ListValueTest, IndexesFromEitherEnd) {
  ListValue l;
  Fill(&l, {"a", "b", "c", "d"});
  EXPECT_EQ(At(l, 0), "a");
  EXPECT_EQ(At(l, 3), "d");
  EXPECT_EQ(At(l, -1), "d");
  EXPECT_EQ(At(l, -4), "a");
  EXPECT_EQ(At(l, 4), "<none>");
  EXPECT_EQ(At(l, -5), "<none>");
}

TEST(ListValueTest, IteratesRangesBothWays) {
  ListValue l(4, 0);  // several nodes
  for (int i = 0; i < 20; ++i) l.PushBack(std::to_string(i));
  EXPECT_EQ(Range(l, 2, 3, true), (std::vector<std::string>{"2", "3", "4"}));
  EXPECT_EQ(Range(l, -1, 3, false), (std::vector<std::string>{"19", "18", "17"}));
  EXPECT_EQ(Range(l, 18, 5, true), (std::vector<std::string>{"18", "19"}));
  EXPECT_EQ(Range(l, 1, 5, false), (std::vector<std::string>{"1", "0"}));
  EXPECT_TRUE(Range(l, 20, 5, true).empty());
  EXPECT_TRUE(Range(l, -21, 5, true).empty());
}

TEST(ListValueTest, SetReplacesByIndex) {
  ListValue l;
  Fill(&l, {"a", "b", "c"});
  EXPECT_TRUE(l.Set(1, "B"));
  EXPECT_TRUE(l.Set(-1, "123"));
  EXPECT_FALSE(l.Set(3, "x"));
  EXPECT_FALSE(l.Set(-4, "x"));
  EXPECT_EQ(All(l), (std::vector<std::string>{"a", "B", "123"}));
}

TEST(ListValueTest, InsertsNextToTheFirstPivot) {
  ListValue l;
  Fill(&l, {"a", "b", "a"});
  EXPECT_TRUE(l.Insert("a", "x", /*after=*/false));
  EXPECT_TRUE(l.Insert("a", "y", /*after=*/true));
  EXPECT_FALSE(l.Insert("zz", "w", true));
  EXPECT_EQ(All(l), (std::vector<std::string>{"x", "a", "y", "b", "a"}));
}

TEST(ListValueTest, InsertMatchesIntegerPivotsByValue) {
  ListValue l;
  Fill(&l, {"1", "10", "100"});
  EXPECT_TRUE(l.Insert("10", "x", true));
  EXPECT_FALSE(l.Insert("010", "y", true));
  EXPECT_EQ(All(l), (std::vector<std::string>{"1", "10", "x", "100"}));
}

TEST(ListValueTest, RemoveHonoursCountAndDirection) {
  ListValue a;
  Fill(&a, {"x", "a", "x", "b", "x", "x"});
  EXPECT_EQ(a.Remove("x", 2), 2u);
  EXPECT_EQ(All(a), (std::vector<std::string>{"a", "b", "x", "x"}));
  ListValue b;
  Fill(&b, {"x", "a", "x", "b", "x", "x"});
  EXPECT_EQ(b.Remove("x", -3), 3u);
  EXPECT_EQ(All(b), (std::vector<std::string>{"x", "a", "b"}));
  ListValue c;
  Fill(&c, {"x", "a", "x", "b", "x", "x"});
  EXPECT_EQ(c.Remove("x", 0), 4u);
  EXPECT_EQ(All(c), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.Remove("nope", 0), 0u);
  EXPECT_EQ(c.Remove("a", INT64_MIN), 1u);
  EXPECT_TRUE(c.Validate());
}

TEST(ListValueTest, RemoveEmptiesNodesAndTheList) {
  ListValue l(2, 0);
  for (int i = 0; i < 9; ++i) l.PushBack("v");
  EXPECT_EQ(l.Remove("v", 0), 9u);
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.node_count(), 0u);
}

TEST(ListValueTest, DeleteRangeFollowsRedisClamping) {
  ListValue l;
  Fill(&l, {"0", "1", "2", "3", "4", "5"});
  EXPECT_EQ(l.DeleteRange(1, 2), 2u);
  EXPECT_EQ(All(l), (std::vector<std::string>{"0", "3", "4", "5"}));
  EXPECT_EQ(l.DeleteRange(-2, 10), 2u);  // cut at the tail
  EXPECT_EQ(All(l), (std::vector<std::string>{"0", "3"}));
  EXPECT_EQ(l.DeleteRange(5, 1), 0u);
  EXPECT_EQ(l.DeleteRange(-3, 1), 0u);
  EXPECT_EQ(l.DeleteRange(0, 0), 0u);
  EXPECT_EQ(l.DeleteRange(0, 100), 2u);
  EXPECT_TRUE(l.empty());
}

TEST(ListValueTest, CloneIsDeepAndEqual) {
  ListValue l(-2, 1);
  for (int i = 0; i < 3000; ++i) l.PushBack(Member(i));
  auto copy = l.Clone();
  auto* c = static_cast<ListValue*>(copy.get());
  EXPECT_EQ(All(*c), All(l));
  c->Pop(ListEnd::kHead);
  EXPECT_EQ(l.size(), 3000u);
  EXPECT_EQ(c->size(), 2999u);
  EXPECT_TRUE(c->Validate());
  EXPECT_GE(l.MemoryUsage(), 3000u * 4);
}

// ----------------------------------------------------------------- node sizes

// With a size limit, a node takes an element while its bytes + the
// element's length + 8 stay within the limit: 16-byte strings take 18 bytes
// each, so a node holds (limit - 7 - 24) / 18 + 1 of them.
TEST(ListValueTest, SizeLimitedFillsMatchRedisRule) {
  const size_t limits[] = {4096, 8192, 16384, 32768, 65536};
  for (int fill = -1; fill >= -5; --fill) {
    ListValue l(fill, 0);
    for (int i = 0; i < 5000; ++i) l.PushBack(Member(i));
    const size_t limit = limits[-fill - 1];
    const size_t per_node = (limit - 7 - 24) / 18 + 1;
    ASSERT_EQ(l.node_info(0).count, per_node) << "fill " << fill;
    for (size_t i = 0; i < l.node_count(); ++i) {
      EXPECT_LE(l.node_info(i).bytes, limit) << "fill " << fill;
    }
    EXPECT_EQ(l.node_count(), (5000 + per_node - 1) / per_node);
    EXPECT_TRUE(l.Validate());
  }
}

TEST(ListValueTest, FillBeyondMinusFiveActsAsMinusFive) {
  ListValue l(-100, 0);
  EXPECT_EQ(l.fill(), -5);
  ListValue m(100000, 0);
  EXPECT_EQ(m.fill(), 32767);
}

TEST(ListValueTest, CountLimitedFillsCapEntries) {
  for (int fill : {1, 2, 3, 4, 16, 128}) {
    ListValue l(fill, 0);
    for (int i = 0; i < 1000; ++i) l.PushFront(std::to_string(i));
    for (size_t i = 0; i < l.node_count(); ++i) {
      EXPECT_LE(l.node_info(i).count, static_cast<size_t>(fill));
    }
    EXPECT_EQ(l.node_count(), (1000 + fill - 1) / fill);
  }
}

TEST(ListValueTest, CountLimitedNodesStayUnderTheSafetyLimit) {
  // 128 entries of 100 bytes would be 13 KB: the 8 KB safety limit stops
  // a node first.
  ListValue l(128, 0);
  for (int i = 0; i < 200; ++i) l.PushBack(std::string(100, 'a' + i % 26));
  for (size_t i = 0; i < l.node_count(); ++i) EXPECT_LE(l.node_info(i).bytes, 8192u);
  EXPECT_LT(l.node_info(0).count, 128u);
}

TEST(ListValueTest, BigElementGetsANodeOfItsOwn) {
  for (int fill : {4, -2}) {
    ListValue l(fill, 0);
    l.PushBack("a");
    l.PushBack(std::string(fill > 0 ? 9000 : 9000, 'x'));  // past 8 KB
    l.PushBack("b");
    ASSERT_EQ(l.node_count(), 3u) << fill;
    EXPECT_EQ(l.node_info(1).count, 1u);
    EXPECT_FALSE(l.node_info(1).plain);  // a listpack of one: under the packed threshold
  }
}

TEST(ListValueTest, PackedThresholdMakesPlainNodes) {
  ListValue l(-2, 0);
  l.set_packed_threshold(10);
  l.PushBack("short");
  l.PushBack("0123456789");  // 10 bytes: plain
  l.PushBack("more");
  ASSERT_EQ(l.node_count(), 3u);
  EXPECT_TRUE(l.node_info(1).plain);
  EXPECT_FALSE(l.node_info(2).plain);
  // Plain elements stay strings, even when they look like numbers.
  l.PushFront("12345678901");
  EXPECT_TRUE(l.node_info(0).plain);
  ListElement e = l.Peek(ListEnd::kHead);
  EXPECT_FALSE(e.is_int);
  EXPECT_EQ(e.s, "12345678901");
  EXPECT_EQ(All(l), (std::vector<std::string>{"12345678901", "short", "0123456789", "more"}));
  EXPECT_TRUE(l.Insert("short", "abcdefghijkl", true));
  EXPECT_TRUE(l.Set(0, "x"));
  EXPECT_TRUE(l.Set(3, "zzzzzzzzzzzzzzzzzzz"));
  EXPECT_EQ(All(l), (std::vector<std::string>{"x", "short", "abcdefghijkl",
                                               "zzzzzzzzzzzzzzzzzzz", "more"}));
  EXPECT_EQ(l.Remove("abcdefghijkl", 0), 1u);
  EXPECT_TRUE(l.Validate());
}

TEST(ListValueTest, SetWithBigValueSplitsThePackedNode) {
  ListValue l(-2, 0);
  for (int i = 0; i < 5; ++i) l.PushBack(std::to_string(i));
  l.set_packed_threshold(8);
  ASSERT_TRUE(l.Set(2, "bigbigbig"));
  EXPECT_EQ(All(l), (std::vector<std::string>{"0", "1", "bigbigbig", "3", "4"}));
  EXPECT_EQ(l.node_count(), 3u);
  EXPECT_TRUE(l.node_info(1).plain);
  EXPECT_TRUE(l.Validate());
}

TEST(ListValueTest, InsertIntoFullNodeSplitsAndMerges) {
  ListValue l(4, 0);
  for (int i = 0; i < 8; ++i) l.PushBack(std::to_string(i));  // [0..3] [4..7]
  ASSERT_EQ(l.node_count(), 2u);
  ASSERT_TRUE(l.Insert("1", "x", true));
  EXPECT_EQ(All(l), (std::vector<std::string>{"0", "1", "x", "2", "3", "4", "5", "6", "7"}));
  for (size_t i = 0; i < l.node_count(); ++i) EXPECT_LE(l.node_info(i).count, 4u);
  EXPECT_TRUE(l.Validate());
  // Inserting at a full node's end uses the neighbour when it has room.
  ListValue m(4, 0);
  for (int i = 0; i < 6; ++i) m.PushBack(std::to_string(i));  // [0..3] [4 5]
  ASSERT_TRUE(m.Insert("3", "y", true));
  EXPECT_EQ(m.node_count(), 2u);
  EXPECT_EQ(m.node_info(1).count, 3u);
}

// Inserting into the middle of full nodes splits them; merging the pieces
// with their neighbours keeps nodes within the limit and reasonably full.
TEST(ListValueTest, MiddleInsertsSplitAndMergeWithinTheSizeLimit) {
  for (int fill : {-1, -2, 8}) {
    ListValue l(fill, 0);
    for (int i = 0; i < 3000; ++i) l.PushBack(Member(i));
    std::mt19937_64 rng(fill + 100);
    for (int i = 0; i < 2000; ++i) {
      const std::string pivot = Member(static_cast<int>(rng() % 3000));
      ASSERT_TRUE(l.Insert(pivot, "new-" + std::to_string(i), rng() % 2));
    }
    ASSERT_TRUE(l.Validate());
    ASSERT_EQ(l.size(), 5000u);
    size_t bytes = 0;
    for (size_t i = 0; i < l.node_count(); ++i) {
      const auto info = l.node_info(i);
      bytes += info.bytes;
      if (fill < 0) {
        EXPECT_LE(info.bytes, fill == -1 ? 4096u : 8192u);
      } else {
        EXPECT_LE(info.count, static_cast<size_t>(fill));
      }
    }
    // Splits alone would leave many half-empty nodes.
    const size_t limit = fill == -1 ? 4096 : fill == -2 ? 8192 : 8 * 20;
    EXPECT_GT(static_cast<double>(bytes) / static_cast<double>(l.node_count()), limit * 0.4)
        << "fill " << fill;
  }
}

TEST(ListValueTest, DeleteRangeMergesNothingButDropsNodes) {
  ListValue l(3, 0);
  for (int i = 0; i < 9; ++i) l.PushBack(std::to_string(i));
  EXPECT_EQ(l.DeleteRange(2, 5), 5u);
  EXPECT_EQ(All(l), (std::vector<std::string>{"0", "1", "7", "8"}));
  EXPECT_EQ(l.node_count(), 2u);
}

// ----------------------------------------------------------------- compression

bool OnlyInnerNodesCompressed(const ListValue& l, size_t depth) {
  const size_t n = l.node_count();
  for (size_t i = 0; i < n; ++i) {
    const bool inner = n >= 2 * depth + 1 && i >= depth && i + depth < n;
    if (l.node_info(i).compressed != inner) return false;
  }
  return true;
}

TEST(ListValueTest, CompressesNodesBeyondTheDepth) {
  for (int depth : {1, 2, 3}) {
    ListValue l(-1, depth);
    for (int i = 0; i < 4000; ++i) l.PushBack(Member(i));
    ASSERT_GE(l.node_count(), 10u);
    EXPECT_TRUE(OnlyInnerNodesCompressed(l, depth)) << depth;
    // Popping brings compressed nodes to the ends: they are decompressed.
    while (l.size() > 600) l.Pop(ListEnd::kHead);
    EXPECT_TRUE(OnlyInnerNodesCompressed(l, depth)) << depth;
    EXPECT_EQ(At(l, 0), Member(3400));
    EXPECT_EQ(At(l, 300), Member(3700));
    EXPECT_TRUE(l.Validate());
  }
}

TEST(ListValueTest, CompressionSavesMemory) {
  ListValue raw(-2, 0);
  ListValue packed(-2, 1);
  for (int i = 0; i < 20000; ++i) {
    raw.PushBack(Member(i));
    packed.PushBack(Member(i));
  }
  EXPECT_LT(packed.MemoryUsage() * 2, raw.MemoryUsage());
  EXPECT_EQ(All(raw), All(packed));
}

TEST(ListValueTest, IncompressibleNodesStayRaw) {
  ListValue l(-1, 1);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string s(16, ' ');
    for (char& c : s) c = static_cast<char>(rng());
    l.PushBack(s);
  }
  for (size_t i = 0; i < l.node_count(); ++i) EXPECT_FALSE(l.node_info(i).compressed);
}

TEST(ListValueTest, TinyNodesAreNotCompressed) {
  ListValue l(1, 1);
  for (int i = 0; i < 10; ++i) l.PushBack("tiny");
  for (size_t i = 0; i < l.node_count(); ++i) EXPECT_FALSE(l.node_info(i).compressed);
}

TEST(ListValueTest, ChangesInsideCompressedNodesRecompress) {
  ListValue l(-1, 1);
  for (int i = 0; i < 3000; ++i) l.PushBack(Member(i));
  ASSERT_TRUE(l.node_info(3).compressed);
  ASSERT_TRUE(l.Set(1500, "changed"));
  ASSERT_TRUE(l.Insert(Member(1400), "inserted", false));
  ASSERT_EQ(l.Remove(Member(1600), 1), 1u);
  EXPECT_TRUE(OnlyInnerNodesCompressed(l, 1));
  EXPECT_EQ(At(l, 1501), "changed");
  EXPECT_EQ(At(l, 1400), "inserted");
  EXPECT_TRUE(l.Validate());
}

// The cases of Redis's list.tcl "check compression" tests, as structures.
TEST(ListValueTest, CompressionWithOneEntryPerNode) {
  ListValue l(1, 2);
  for (char c : std::string("abcd")) l.PushFront(std::string(500, c));
  for (char c : std::string("efgj")) {
    ASSERT_TRUE(l.Insert(std::string(500, 'd'), std::string(500, c), true));
  }
  EXPECT_TRUE(OnlyInnerNodesCompressed(l, 2));
  std::string expect = "djgfecba";
  for (char c : expect) {
    EXPECT_EQ(Text(l.Peek(ListEnd::kHead)), std::string(500, c));
    l.Pop(ListEnd::kHead);
    EXPECT_TRUE(l.Validate());
  }
}

// ----------------------------------------------------------------- model

// The `depth` nodes at each end are raw (what is between may be either:
// some nodes do not compress).
bool EndsRaw(const ListValue& l, size_t depth) {
  const size_t n = l.node_count();
  for (size_t i = 0; i < n; ++i) {
    const bool end = i < std::max<size_t>(depth, 1) || i + std::max<size_t>(depth, 1) >= n;
    if (l.node_info(i).compressed && (end || depth == 0)) return false;
  }
  return true;
}

struct Config {
  int fill;
  int depth;
  size_t threshold;
};

std::string RandomValue(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0: return std::to_string(static_cast<int64_t>(rng() % 2000) - 1000);
    case 1: return std::to_string(static_cast<int64_t>(rng()));
    case 2: return std::string(rng() % 40, static_cast<char>('a' + rng() % 3));
    case 3: return Member(static_cast<int>(rng() % 50));
    case 4: return std::string(rng() % 3000, 'q');
    default: return "v" + std::to_string(rng() % 20);
  }
}

void RunModel(const Config& cfg, uint64_t seed, int steps) {
  std::mt19937_64 rng(seed);
  ListValue l(cfg.fill, cfg.depth);
  l.set_packed_threshold(cfg.threshold);
  std::deque<std::string> model;
  auto norm = [&](int64_t idx) { return idx < 0 ? idx + static_cast<int64_t>(model.size()) : idx; };
  for (int step = 0; step < steps; ++step) {
    const int op = static_cast<int>(rng() % 11);
    const int64_t span = static_cast<int64_t>(model.size()) + 2;
    const int64_t idx = static_cast<int64_t>(rng() % (2 * span)) - span;
    std::string v = RandomValue(rng);
    switch (op) {
      case 0:
      case 1:
        l.PushFront(v);
        model.push_front(v);
        break;
      case 2:
      case 3:
        l.PushBack(v);
        model.push_back(v);
        break;
      case 4:
        if (!model.empty()) {
          const bool head = rng() % 2;
          ASSERT_EQ(Text(l.Peek(head ? ListEnd::kHead : ListEnd::kTail)),
                    head ? model.front() : model.back());
          l.Pop(head ? ListEnd::kHead : ListEnd::kTail);
          if (head) model.pop_front(); else model.pop_back();
        }
        break;
      case 5: {
        const bool ok = l.Set(idx, v);
        const int64_t n = norm(idx);
        ASSERT_EQ(ok, n >= 0 && n < static_cast<int64_t>(model.size()));
        if (ok) model[n] = v;
        break;
      }
      case 6: {
        if (model.empty()) break;
        const std::string pivot = model[rng() % model.size()];
        const bool after = rng() % 2;
        ASSERT_TRUE(l.Insert(pivot, v, after));
        auto it = std::find(model.begin(), model.end(), pivot);
        model.insert(after ? it + 1 : it, v);
        break;
      }
      case 7: {
        if (model.empty()) break;
        const std::string target = model[rng() % model.size()];
        const int64_t count = static_cast<int64_t>(rng() % 5) - 2;
        size_t expect = 0;
        if (count >= 0) {
          for (auto it = model.begin(); it != model.end();) {
            if (*it == target && (count == 0 || expect < static_cast<size_t>(count))) {
              it = model.erase(it);
              ++expect;
            } else {
              ++it;
            }
          }
        } else {
          for (int64_t k = static_cast<int64_t>(model.size()) - 1; k >= 0; --k) {
            if (model[k] == target && expect < static_cast<size_t>(-count)) {
              model.erase(model.begin() + k);
              ++expect;
            }
          }
        }
        ASSERT_EQ(l.Remove(target, count), expect);
        break;
      }
      case 8: {
        const int64_t count = static_cast<int64_t>(rng() % 8);
        const int64_t total = static_cast<int64_t>(model.size());
        int64_t start = norm(idx);
        size_t expect = 0;
        if (count > 0 && start >= 0 && start < total) {
          int64_t extent = count;
          if (idx >= 0) extent = std::min(extent, total - idx);
          else extent = std::min(extent, -idx);
          model.erase(model.begin() + start, model.begin() + start + extent);
          expect = static_cast<size_t>(extent);
        }
        ASSERT_EQ(l.DeleteRange(idx, count), expect);
        break;
      }
      case 9: {
        const int64_t n = norm(idx);
        const bool in = n >= 0 && n < static_cast<int64_t>(model.size());
        ASSERT_EQ(At(l, idx), in ? model[n] : "<none>");
        break;
      }
      default: {
        const bool forward = rng() % 2;
        const size_t n = rng() % 10;
        std::vector<std::string> expect;
        int64_t k = norm(idx);
        while (expect.size() < n && k >= 0 && k < static_cast<int64_t>(model.size()) &&
               norm(idx) >= 0) {
          expect.push_back(model[k]);
          k += forward ? 1 : -1;
        }
        ASSERT_EQ(Range(l, idx, n, forward), expect);
        break;
      }
    }
    ASSERT_EQ(l.size(), model.size());
    if (step % 64 == 0 || model.size() < 8) {
      ASSERT_TRUE(l.Validate()) << "step " << step;
      ASSERT_EQ(All(l), std::vector<std::string>(model.begin(), model.end())) << "step " << step;
      ASSERT_TRUE(EndsRaw(l, cfg.depth)) << "step " << step;
    }
  }
  ASSERT_EQ(All(l), std::vector<std::string>(model.begin(), model.end()));
}

TEST(ListValueTest, MatchesADequeUnderRandomOperations) {
  const Config configs[] = {
      {-2, 0, kListDefaultPackedThreshold}, {-1, 1, kListDefaultPackedThreshold},
      {-5, 2, kListDefaultPackedThreshold}, {1, 2, kListDefaultPackedThreshold},
      {2, 1, 100},  {4, 0, 1000}, {16, 3, 2000}, {-3, 1, 50}, {128, 0, kListDefaultPackedThreshold},
      {0, 1, kListDefaultPackedThreshold},
  };
  uint64_t seed = 1;
  for (const Config& cfg : configs) {
    SCOPED_TRACE("fill " + std::to_string(cfg.fill) + " depth " + std::to_string(cfg.depth) +
                 " threshold " + std::to_string(cfg.threshold));
    for (int round = 0; round < 3; ++round) RunModel(cfg, seed++, 3000);
  }
}

}  // namespace
}  // namespace osprey::types
