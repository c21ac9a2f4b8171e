#include "types/packed_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>

namespace osprey::types {
namespace {

std::string ValueOf(Entry e) {
  if (e.kind() == ValueKind::kInt) return std::to_string(e.int_value());
  return std::string(e.string_bytes());
}

ValueSpec SpecFor(const std::string& v, std::vector<HeapString*>* owned = nullptr) {
  (void)owned;
  if (v.size() > 100) return ValueSpec::Heap(HeapString::Create(v));
  if (!v.empty() && v.size() < 10 && v.find_first_not_of("0123456789") == std::string::npos &&
      v[0] != '0') {
    return ValueSpec::Int(std::stoll(v));
  }
  return ValueSpec::Inline(v, false);
}

TEST(PackedTableTest, InsertFindErase) {
  PackedTable t(42);
  t.Insert("a", t.Hash("a"), ValueSpec::Inline("1x", false), -1, 0);
  t.Insert("b", t.Hash("b"), ValueSpec::Int(-77), -1, 0);
  EXPECT_EQ(t.size(), 2u);
  Entry a = t.Find("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a.key(), "a");
  EXPECT_EQ(a.string_bytes(), "1x");
  EXPECT_EQ(t.Find("b").int_value(), -77);
  EXPECT_FALSE(t.Find("c"));
  t.Erase(t.Find("a"));
  EXPECT_FALSE(t.Find("a"));
  EXPECT_EQ(t.size(), 1u);
}

TEST(PackedTableTest, PresizeTakesTheBucketsAtOnceAndKeepsEveryKeyFindable) {
  PackedTable t(7);
  t.Presize(100000);
  const size_t buckets = t.bucket_count();
  EXPECT_GE(buckets * PackedTable::kSplitLoad, 100000u);
  EXPECT_LT(buckets, 100000u / PackedTable::kSplitLoad + 8);  // not twice as many
  for (int i = 0; i < 100000; ++i) {
    const std::string k = "key:" + std::to_string(i);
    t.Insert(k, t.Hash(k), ValueSpec::Int(i), -1, 0);
  }
  EXPECT_EQ(t.bucket_count(), buckets);  // no split was needed
  for (int i = 0; i < 100000; ++i) {
    ASSERT_EQ(t.Find("key:" + std::to_string(i)).int_value(), i);
  }
  // Growing on from there, and shrinking back, keeps every key findable.
  for (int i = 100000; i < 150000; ++i) {
    const std::string k = "key:" + std::to_string(i);
    t.Insert(k, t.Hash(k), ValueSpec::Int(i), -1, 0);
  }
  EXPECT_GT(t.bucket_count(), buckets);
  for (int i = 0; i < 140000; ++i) t.Erase(t.Find("key:" + std::to_string(i)));
  for (int i = 140000; i < 150000; ++i) {
    ASSERT_EQ(t.Find("key:" + std::to_string(i)).int_value(), i);
  }
  // A table holding entries is left alone.
  const size_t now = t.bucket_count();
  t.Presize(1000000);
  EXPECT_EQ(t.bucket_count(), now);
}

TEST(PackedTableTest, ReplaceValueChangesSizeAndKind) {
  PackedTable t(1);
  t.Insert("k", t.Hash("k"), ValueSpec::Int(5), -1, 0);
  Entry e = t.ReplaceValue(t.Find("k"), ValueSpec::Inline(std::string(60, 'v'), true));
  EXPECT_EQ(e.kind(), ValueKind::kRawInline);
  EXPECT_EQ(t.Find("k").string_bytes(), std::string(60, 'v'));
  e = t.ReplaceValue(t.Find("k"), ValueSpec::Heap(HeapString::Create(std::string(500, 'h'))));
  EXPECT_EQ(t.Find("k").string_bytes(), std::string(500, 'h'));
  e = t.ReplaceValue(t.Find("k"), ValueSpec::Int(9));
  EXPECT_EQ(t.Find("k").int_value(), 9);
}

TEST(PackedTableTest, ExpireAddAndRemoveKeepsEntryIntact) {
  PackedTable t(3);
  t.Insert("x", t.Hash("x"), ValueSpec::Inline("value", false), -1, 123);
  Entry e = t.SetExpire(t.Find("x"), 1000);
  EXPECT_TRUE(e.has_expire());
  EXPECT_EQ(e.expire_ms(), 1000);
  EXPECT_EQ(e.string_bytes(), "value");
  EXPECT_EQ(e.clock(), 123u);
  EXPECT_EQ(t.expires_count(), 1u);
  e = t.SetExpire(t.Find("x"), -1);
  EXPECT_FALSE(e.has_expire());
  EXPECT_EQ(t.Find("x").string_bytes(), "value");
  EXPECT_EQ(t.expires_count(), 0u);
}

TEST(PackedTableTest, LongKeysLiveOnTheHeap) {
  PackedTable t(9);
  std::string key(PackedTable::kMaxInlineKey + 10, 'K');
  t.Insert(key, t.Hash(key), ValueSpec::Inline("v", false), -1, 0);
  Entry e = t.Find(key);
  ASSERT_TRUE(e);
  EXPECT_TRUE(e.key_on_heap());
  EXPECT_EQ(e.key(), key);
  t.Erase(e);
  EXPECT_EQ(t.size(), 0u);
}

TEST(PackedTableTest, RandomOperationsMatchReferenceModel) {
  PackedTable t(7);
  std::map<std::string, std::pair<std::string, int64_t>> model;
  std::mt19937_64 rng(12345);
  for (int step = 0; step < 200000; ++step) {
    std::string key = "key:" + std::to_string(rng() % 5000);
    int op = static_cast<int>(rng() % 10);
    Entry e = t.Find(key);
    ASSERT_EQ(static_cast<bool>(e), model.count(key) == 1) << key;
    if (op < 5) {
      std::string value;
      switch (rng() % 4) {
        case 0: value = std::to_string(rng() % 100000 + 1); break;
        case 1: value = std::string(rng() % 40, 'a' + static_cast<char>(rng() % 26)); break;
        case 2: value = std::string(60 + rng() % 60, 'b'); break;
        default: value = std::string(200 + rng() % 300, 'c'); break;
      }
      if (e) {
        t.ReplaceValue(e, SpecFor(value));
        model[key].first = value;
      } else {
        t.Insert(key, t.Hash(key), SpecFor(value), -1, 0);
        model[key] = {value, -1};
      }
    } else if (op < 8) {
      if (e) {
        t.Erase(e);
        model.erase(key);
      }
    } else if (e) {
      int64_t ms = (rng() % 2) ? static_cast<int64_t>(rng() % 1000000) : -1;
      t.SetExpire(e, ms);
      model[key].second = ms;
    }
  }
  ASSERT_EQ(t.size(), model.size());
  size_t expires = 0;
  for (const auto& [key, vt] : model) {
    Entry e = t.Find(key);
    ASSERT_TRUE(e) << key;
    EXPECT_EQ(ValueOf(e), vt.first);
    EXPECT_EQ(e.has_expire(), vt.second >= 0);
    if (vt.second >= 0) {
      EXPECT_EQ(e.expire_ms(), vt.second);
      ++expires;
    }
  }
  EXPECT_EQ(t.expires_count(), expires);
}

TEST(PackedTableTest, ForEachVisitsEveryKeyOnce) {
  PackedTable t(11);
  for (int i = 0; i < 10000; ++i) {
    std::string k = "k" + std::to_string(i);
    t.Insert(k, t.Hash(k), ValueSpec::Int(i), -1, 0);
  }
  std::set<std::string> seen;
  t.ForEach([&](Entry e) { EXPECT_TRUE(seen.insert(std::string(e.key())).second); });
  EXPECT_EQ(seen.size(), 10000u);
}

// The SCAN guarantee: a key present for the whole scan is returned, even
// while the table grows and shrinks between calls.
TEST(PackedTableTest, ScanReturnsStableKeysAcrossResizes) {
  for (int phase = 0; phase < 3; ++phase) {
    PackedTable t(100 + phase);
    std::set<std::string> stable;
    for (int i = 0; i < 2000; ++i) {
      std::string k = "stable:" + std::to_string(i);
      t.Insert(k, t.Hash(k), ValueSpec::Int(i), -1, 0);
      stable.insert(k);
    }
    if (phase == 2) {
      for (int i = 0; i < 30000; ++i) {
        std::string k = "temp:" + std::to_string(i);
        t.Insert(k, t.Hash(k), ValueSpec::Int(i), -1, 0);
      }
    }
    std::set<std::string> seen;
    uint64_t cursor = 0;
    int calls = 0;
    int next_temp = 0;
    do {
      cursor = t.Scan(cursor, [&](Entry e) { seen.insert(std::string(e.key())); });
      ++calls;
      if (phase == 1 && calls < 400) {
        // Grow a lot (16x) while scanning.
        for (int j = 0; j < 50; ++j) {
          std::string k = "temp:" + std::to_string(next_temp++);
          t.Insert(k, t.Hash(k), ValueSpec::Int(j), -1, 0);
        }
      } else if (phase == 2) {
        // Shrink while scanning.
        for (int j = 0; j < 40 && next_temp < 30000; ++j) {
          std::string k = "temp:" + std::to_string(next_temp++);
          t.Erase(t.Find(k));
        }
      }
    } while (cursor != 0 && calls < 10000000);
    for (const auto& k : stable) EXPECT_TRUE(seen.count(k)) << "phase " << phase << " missed " << k;
  }
}

TEST(PackedTableTest, ScanOfEmptyTableEndsAtOnce) {
  PackedTable t(5);
  int n = 0;
  EXPECT_EQ(t.Scan(0, [&](Entry) { ++n; }), 0u);
  EXPECT_EQ(n, 0);
}

TEST(PackedTableTest, ShrinksAfterMassDelete) {
  PackedTable t(8);
  for (int i = 0; i < 50000; ++i) {
    std::string k = "k" + std::to_string(i);
    t.Insert(k, t.Hash(k), ValueSpec::Int(i), -1, 0);
  }
  size_t big = t.bucket_count();
  for (int i = 0; i < 49990; ++i) t.Erase(t.Find("k" + std::to_string(i)));
  EXPECT_LT(t.bucket_count(), big / 100);
  for (int i = 49990; i < 50000; ++i) EXPECT_EQ(t.Find("k" + std::to_string(i)).int_value(), i);
}

TEST(PackedTableTest, RandomEntryCoversKeys) {
  PackedTable t(13);
  for (int i = 0; i < 100; ++i) {
    std::string k = "r" + std::to_string(i);
    t.Insert(k, t.Hash(k), ValueSpec::Int(i), -1, 0);
  }
  std::mt19937_64 rng(1);
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) seen.insert(std::string(t.RandomEntry(rng).key()));
  EXPECT_EQ(seen.size(), 100u);
}

// Pearson's chi-square statistic of how often each of `keys` keys came up.
double ChiSquare(const std::map<std::string, int>& counts, int keys, int draws) {
  const double expected = static_cast<double>(draws) / keys;
  double x2 = 0;
  for (const auto& [key, n] : counts) x2 += (n - expected) * (n - expected) / expected;
  x2 += (keys - static_cast<int>(counts.size())) * expected;  // keys never drawn
  return x2;
}

double FairDrawChiSquare(int keys, int draws, uint64_t seed) {
  PackedTable t(seed);
  for (int i = 0; i < keys; ++i) {
    std::string k = "f" + std::to_string(i);
    t.Insert(k, t.Hash(k), ValueSpec::Int(i), -1, 0);
  }
  std::mt19937_64 rng(seed);
  std::map<std::string, int> counts;
  for (int i = 0; i < draws; ++i) {
    Entry e = t.FairRandomEntry(rng);
    EXPECT_EQ(e.hash(), t.Hash(e.key()));
    ++counts[std::string(e.key())];
  }
  return ChiSquare(counts, keys, draws);
}

// The thresholds are the 0.99999 quantiles of chi-square with keys-1 degrees of freedom.
TEST(PackedTableTest, FairRandomEntryIsUniformOnSmallTables) {
  EXPECT_LT(FairDrawChiSquare(10, 10000, 3), 40.0);
  EXPECT_LT(FairDrawChiSquare(300, 60000, 4), 450.0);
}

TEST(PackedTableTest, FairRandomEntryIsUniformOnLargeTables) {
  EXPECT_LT(FairDrawChiSquare(2000, 200000, 5), 2300.0);
}

TEST(PackedTableTest, FairRandomEntryOfEmptyTableIsInvalid) {
  PackedTable t(6);
  std::mt19937_64 rng(6);
  EXPECT_FALSE(t.FairRandomEntry(rng));
}

TEST(PackedTableTest, ExpireWalkRemovesOnlyWhatCallbackSays) {
  PackedTable t(21);
  for (int i = 0; i < 1000; ++i) {
    std::string k = "e" + std::to_string(i);
    t.Insert(k, t.Hash(k), ValueSpec::Int(i), i % 2 ? i : -1, 0);
  }
  size_t visited = 0;
  bool wrapped = false;
  size_t cursor = 0;
  size_t total_visited = 0;
  do {
    cursor = t.ExpireWalk(cursor, 20, [](Entry e) { return e.expire_ms() < 500; }, &visited,
                          &wrapped);
    total_visited += visited;
  } while (!wrapped);
  EXPECT_GE(total_visited, 500u);
  EXPECT_EQ(t.size(), 1000u - 250u);
  EXPECT_EQ(t.expires_count(), 250u);
  EXPECT_FALSE(t.Find("e1"));
  EXPECT_TRUE(t.Find("e501"));
  EXPECT_TRUE(t.Find("e2"));
}

}  // namespace
}  // namespace osprey::types

namespace osprey::types {
namespace {

TEST(PackedTableTest, InsertIfAbsentAddsOnceAndLeavesTheValueWithTheCaller) {
  PackedTable t(5);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 20000; ++i) {
      const std::string k = "key:" + std::to_string(i);
      HeapString* value = HeapString::Create(std::string(120, static_cast<char>('a' + round)));
      bool inserted = false;
      Entry e = t.InsertIfAbsent(k, t.Hash(k), ValueSpec::Heap(value), i % 3 == 0 ? 1000 + i : -1,
                                 7, &inserted);
      ASSERT_EQ(inserted, round == 0) << k;
      ASSERT_TRUE(e);
      EXPECT_EQ(e.key(), k);
      // The entry holds the first value; the second stays the caller's.
      ASSERT_EQ(e.string_bytes(), std::string(120, 'a')) << k;
      if (!inserted) HeapString::Destroy(value);
    }
  }
  EXPECT_EQ(t.size(), 20000u);
  EXPECT_EQ(t.expires_count(), 6667u);
  for (int i = 0; i < 20000; i += 97) {
    Entry e = t.Find("key:" + std::to_string(i));
    ASSERT_TRUE(e);
    EXPECT_EQ(e.has_expire(), i % 3 == 0);
    EXPECT_EQ(e.clock(), 7u);
  }
}

TEST(PackedTableTest, InsertIfAbsentFindsKeysWhileResizingIsPaused) {
  PackedTable t(9);
  t.set_resize_paused(true);
  bool inserted = false;
  for (int i = 0; i < 500; ++i) {
    const std::string k = std::to_string(i);
    t.InsertIfAbsent(k, t.Hash(k), ValueSpec::Int(i), -1, 0, &inserted);
    ASSERT_TRUE(inserted);
  }
  EXPECT_EQ(t.bucket_count(), 4u);  // long buckets, no split
  for (int i = 0; i < 500; ++i) {
    const std::string k = std::to_string(i);
    EXPECT_EQ(t.InsertIfAbsent(k, t.Hash(k), ValueSpec::Int(-1), -1, 0, &inserted).int_value(), i);
    ASSERT_FALSE(inserted);
  }
  t.set_resize_paused(false);
  const std::string k = "one more";
  t.InsertIfAbsent(k, t.Hash(k), ValueSpec::Int(1), -1, 0, &inserted);
  EXPECT_TRUE(inserted);
  EXPECT_GT(t.bucket_count(), 4u);  // catching up
  EXPECT_EQ(t.size(), 501u);
}

TEST(PackedTableTest, PrefetchChangesNothing) {
  PackedTable t(3);
  for (int step = 0; step < 3; ++step) t.Prefetch(t.Hash("x"), step);  // no buckets yet
  t.Presize(1000);
  for (int step = 0; step < 3; ++step) t.Prefetch(t.Hash("x"), step);  // empty buckets
  for (int i = 0; i < 1000; ++i) {
    const std::string k = "k" + std::to_string(i);
    for (int step = 0; step < 3; ++step) t.Prefetch(t.Hash(k), step);
    t.Insert(k, t.Hash(k), ValueSpec::Inline(std::string(i % 200, 'v'), false), -1, 0);
  }
  const size_t memory = t.TableMemory();
  for (int i = 0; i < 2000; ++i) {
    for (int step = 0; step < 3; ++step) t.Prefetch(t.Hash("k" + std::to_string(i)), step);
  }
  EXPECT_EQ(t.size(), 1000u);
  EXPECT_EQ(t.TableMemory(), memory);
  EXPECT_EQ(t.Find("k999").string_bytes(), std::string(999 % 200, 'v'));
}

TEST(PackedTableTest, TableMemoryFollowsTheBucketsUpAndDown) {
  PackedTable t(4);
  const size_t empty = t.TableMemory();
  for (int i = 0; i < 3000; ++i) {
    const std::string k = "k" + std::to_string(i);
    t.Insert(k, t.Hash(k), ValueSpec::Int(i), -1, 0);
  }
  // Values grow and shrink in place (Splice), expires come and go.
  for (int i = 0; i < 3000; ++i) {
    const std::string k = "k" + std::to_string(i);
    Entry e = t.ReplaceValue(t.Find(k), ValueSpec::Inline(std::string(i % 90, 'x'), false));
    if (i % 2 == 0) t.SetExpire(e, 5000);
  }
  size_t entry_bytes = 0;
  double bucket_bytes = 0;
  t.ForEach([&](Entry e) {
    entry_bytes += e.Size();
    const PackedTable::BucketUsage u = t.UsageOf(e);
    bucket_bytes += static_cast<double>(u.allocated) / static_cast<double>(u.entries);
  });
  EXPECT_GE(t.TableMemory(), entry_bytes);
  EXPECT_GE(static_cast<double>(t.TableMemory()), bucket_bytes);
  for (int i = 0; i < 3000; ++i) {
    const std::string k = "k" + std::to_string(i);
    t.ReplaceValue(t.Find(k), ValueSpec::Int(1));
    t.Erase(t.Find(k));
  }
  // Only the bucket directory is left (it does not shrink).
  EXPECT_GE(t.TableMemory(), empty);
  EXPECT_LT(t.TableMemory(), empty + 64 * 1024);
}

}  // namespace
}  // namespace osprey::types
