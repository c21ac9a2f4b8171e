// HashValue: encodings and their one-way conversions at each threshold,
// randomized operations against a std::unordered_map model in every
// encoding, and field expire times.
#include "types/hash.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace osprey::types {
namespace {

using FieldView = HashValue::FieldView;

std::string Text(const HashScalar& v) {
  char buf[kListpackIntBufSize];
  return std::string(v.ToString(buf));
}

std::string Get(const HashValue& h, std::string_view field) {
  FieldView f;
  if (!h.Find(field, &f)) return "<absent>";
  return Text(f.value);
}

int64_t ExpireOf(const HashValue& h, std::string_view field) {
  FieldView f;
  if (!h.Find(field, &f)) return -2;
  return f.expire_ms;
}

std::map<std::string, std::string> Contents(const HashValue& h) {
  std::map<std::string, std::string> out;
  h.ForEach([&](const FieldView& f) { out[Text(f.field)] = Text(f.value); });
  return out;
}

std::vector<std::string> FieldOrder(const HashValue& h) {
  std::vector<std::string> out;
  h.ForEach([&](const FieldView& f) { out.push_back(Text(f.field)); });
  return out;
}

HashLimits Limits(size_t entries, size_t value) {
  HashLimits l;
  l.max_listpack_entries = entries;
  l.max_listpack_value = value;
  return l;
}

// ------------------------------------------------------------ encodings

TEST(HashValueTest, StartsAsAnEmptyListpack) {
  HashValue h;
  EXPECT_EQ(h.EncodingName(), "listpack");
  EXPECT_EQ(h.Size(), 0u);
  EXPECT_EQ(h.type(), ValueType::kHash);
  EXPECT_EQ(h.NextExpireBound(), kNoFieldExpire);
}

TEST(HashValueTest, SetReportsNewFieldsAndOverwrites) {
  HashValue h;
  const HashLimits l;
  EXPECT_TRUE(h.Set("a", "1", l));
  EXPECT_TRUE(h.Set("b", "two", l));
  EXPECT_FALSE(h.Set("a", "uno", l));
  EXPECT_EQ(h.Size(), 2u);
  EXPECT_EQ(Get(h, "a"), "uno");
  EXPECT_EQ(Get(h, "b"), "two");
  EXPECT_EQ(Get(h, "c"), "<absent>");
}

TEST(HashValueTest, IntegerLookingTextReadsBackAsTheSameText) {
  HashValue h;
  const HashLimits l;
  for (std::string_view v : {"12", "-7", "012", "-0", "9223372036854775807",
                             "9223372036854775808", " 1", ""}) {
    h.Set(v, v, l);
  }
  for (std::string_view v : {"12", "-7", "012", "-0", "9223372036854775807",
                             "9223372036854775808", " 1", ""}) {
    EXPECT_EQ(Get(h, v), v);
  }
  h.ConvertToTable();
  for (std::string_view v : {"12", "-7", "012", "-0", "9223372036854775807",
                             "9223372036854775808", " 1", ""}) {
    EXPECT_EQ(Get(h, v), v);
  }
}

TEST(HashValueTest, ConvertsWhenEntriesPassTheLimit) {
  HashValue h;
  const HashLimits l = Limits(4, 64);
  for (int i = 0; i < 4; ++i) h.Set("f" + std::to_string(i), "v", l);
  EXPECT_EQ(h.EncodingName(), "listpack");
  h.Set("f4", "v", l);
  EXPECT_EQ(h.EncodingName(), "hashtable");
  EXPECT_EQ(h.Size(), 5u);
  // Never back.
  for (int i = 0; i < 5; ++i) h.Delete("f" + std::to_string(i));
  h.Set("x", "y", l);
  EXPECT_EQ(h.EncodingName(), "hashtable");
}

TEST(HashValueTest, ConvertsWhenAFieldOrValuePassesTheLengthLimit) {
  const HashLimits l = Limits(128, 8);
  HashValue a;
  a.Set("12345678", "12345678", l);
  EXPECT_EQ(a.EncodingName(), "listpack");
  a.Set("k", "123456789", l);
  EXPECT_EQ(a.EncodingName(), "hashtable");
  EXPECT_EQ(Get(a, "k"), "123456789");
  EXPECT_EQ(Get(a, "12345678"), "12345678");

  HashValue b;
  b.Set("123456789", "v", l);
  EXPECT_EQ(b.EncodingName(), "hashtable");
}

TEST(HashValueTest, ALoweredEntryLimitConvertsAtTheNextWrite) {
  HashValue h;
  for (int i = 0; i < 10; ++i) h.Set("f" + std::to_string(i), "v", HashLimits());
  h.Set("f0", "w", Limits(5, 64));
  EXPECT_EQ(h.EncodingName(), "hashtable");
  EXPECT_EQ(h.Size(), 10u);
}

TEST(HashValueTest, ConvertForInputLooksAtEveryArgument) {
  HashValue h;
  std::vector<std::string_view> args = {"f", "short", "g", "waytoolongvalue"};
  h.ConvertForInput(args, Limits(128, 8));
  EXPECT_EQ(h.EncodingName(), "hashtable");
  HashValue k;
  args = {"f", "short"};
  k.ConvertForInput(args, Limits(128, 8));
  EXPECT_EQ(k.EncodingName(), "listpack");
}

TEST(HashValueTest, ConversionKeepsContentsAndTimes) {
  HashValue h;
  const HashLimits l;
  for (int i = 0; i < 20; ++i) h.Set("f" + std::to_string(i), std::to_string(i * 7), l);
  h.SetFieldExpire("f3", 5000);
  h.SetFieldExpire("f9", 3000);
  const auto before = Contents(h);
  h.ConvertToTable();
  EXPECT_EQ(h.EncodingName(), "hashtable");
  EXPECT_EQ(Contents(h), before);
  EXPECT_EQ(ExpireOf(h, "f3"), 5000);
  EXPECT_EQ(ExpireOf(h, "f9"), 3000);
  EXPECT_EQ(ExpireOf(h, "f1"), kNoFieldExpire);
  EXPECT_EQ(h.NextExpireBound(), 3000);
}

TEST(HashValueTest, LongValuesLiveOnTheHeapInATable) {
  HashValue h;
  const HashLimits l;
  const std::string big(5000, 'x');
  const std::string long_field(2000, 'f');
  h.Set("big", big, l);
  h.Set(long_field, "v", l);
  EXPECT_EQ(h.EncodingName(), "hashtable");
  EXPECT_EQ(Get(h, "big"), big);
  EXPECT_EQ(Get(h, long_field), "v");
  EXPECT_GT(h.MemoryUsage(), big.size() + long_field.size());
  h.Set("big", "small", l);
  EXPECT_EQ(Get(h, "big"), "small");
  EXPECT_TRUE(h.Delete(long_field));
  EXPECT_LT(h.MemoryUsage(), 2000u);
}

TEST(HashValueTest, CloneIsDeepInEveryEncoding) {
  for (int enc = 0; enc < 3; ++enc) {
    HashValue h;
    const HashLimits l;
    for (int i = 0; i < 10; ++i) h.Set("f" + std::to_string(i), "v" + std::to_string(i), l);
    if (enc >= 1) h.SetFieldExpire("f2", 777);
    if (enc == 2) h.ConvertToTable();
    auto copy = h.Clone();
    auto& c = static_cast<HashValue&>(*copy);
    EXPECT_EQ(c.EncodingName(), h.EncodingName());
    EXPECT_EQ(Contents(c), Contents(h));
    h.Set("f0", "changed", l);
    EXPECT_EQ(Get(c, "f0"), "v0");
    if (enc >= 1) {
      EXPECT_EQ(ExpireOf(c, "f2"), 777);
    }
  }
}

// ------------------------------------------------------------ randomized model

// Random sets, deletes and lookups, checked against an unordered_map after
// every step, crossing the conversion thresholds on the way.
void RunAgainstModel(uint64_t seed, const HashLimits& limits, int steps, bool with_expiry) {
  std::mt19937_64 rng(seed);
  HashValue h;
  std::unordered_map<std::string, std::string> model;
  std::unordered_map<std::string, int64_t> expires;
  auto random_string = [&](size_t max_len) {
    const size_t len = rng() % (max_len + 1);
    std::string s;
    if (rng() % 4 == 0) return std::to_string(static_cast<int64_t>(rng() % 2000) - 1000);
    for (size_t i = 0; i < len; ++i) s.push_back(static_cast<char>('a' + rng() % 6));
    return s;
  };
  for (int step = 0; step < steps; ++step) {
    const int op = static_cast<int>(rng() % 10);
    const std::string field = random_string(4);
    if (op < 5) {
      const std::string value = random_string(rng() % 20 == 0 ? 100 : 10);
      const bool keep = rng() % 2 == 0;
      const bool added = h.Set(field, value, limits,
                               keep ? HashValue::KeepTtl::kYes : HashValue::KeepTtl::kNo);
      EXPECT_EQ(added, model.count(field) == 0);
      model[field] = value;
      if (!keep) expires.erase(field);
    } else if (op < 8) {
      EXPECT_EQ(h.Delete(field), model.erase(field) == 1);
      expires.erase(field);
    } else if (with_expiry && op == 8) {
      const int64_t when = static_cast<int64_t>(rng() % 1000) + 1;
      EXPECT_EQ(h.SetFieldExpire(field, when), model.count(field) == 1);
      if (model.count(field)) expires[field] = when;
    } else if (with_expiry) {
      const int64_t now = static_cast<int64_t>(rng() % 300);
      size_t gone = 0;
      for (auto it = expires.begin(); it != expires.end();) {
        if (it->second < now) {
          model.erase(it->first);
          it = expires.erase(it);
          ++gone;
        } else {
          ++it;
        }
      }
      EXPECT_EQ(h.RemoveExpired(now), gone);
      int64_t earliest = kNoFieldExpire;
      for (const auto& [f, t] : expires) {
        if (earliest == kNoFieldExpire || t < earliest) earliest = t;
      }
      EXPECT_EQ(h.NextExpireBound(), earliest);
    }
    ASSERT_EQ(h.Size(), model.size()) << "step " << step;
    EXPECT_EQ(Get(h, field), model.count(field) ? model[field] : "<absent>");
  }
  const auto contents = Contents(h);
  EXPECT_EQ(contents.size(), model.size());
  for (const auto& [f, v] : model) {
    EXPECT_EQ(Get(h, f), v);
    EXPECT_EQ(ExpireOf(h, f), expires.count(f) ? expires[f] : kNoFieldExpire);
  }
}

TEST(HashValueTest, RandomOperationsMatchAModelInAListpack) {
  RunAgainstModel(1, Limits(100000, 1000), 3000, false);
}

TEST(HashValueTest, RandomOperationsMatchAModelAcrossConversion) {
  for (uint64_t seed = 2; seed < 8; ++seed) RunAgainstModel(seed, Limits(64, 32), 3000, false);
}

TEST(HashValueTest, RandomOperationsWithExpiryMatchAModel) {
  RunAgainstModel(11, Limits(100000, 1000), 3000, true);
  for (uint64_t seed = 12; seed < 18; ++seed) RunAgainstModel(seed, Limits(64, 32), 4000, true);
}

// ------------------------------------------------------------ field expiry

TEST(HashValueTest, EnableFieldExpiryMakesListpackEx) {
  HashValue h;
  const HashLimits l;
  h.Set("a", "1", l);
  h.Set("b", "2", l);
  h.EnableFieldExpiry();
  EXPECT_EQ(h.EncodingName(), "listpackex");
  EXPECT_EQ(h.Size(), 2u);
  EXPECT_EQ(Get(h, "a"), "1");
  EXPECT_EQ(ExpireOf(h, "a"), kNoFieldExpire);
}

TEST(HashValueTest, ListpackExKeepsFieldsInExpireOrder) {
  HashValue h;
  const HashLimits l;
  for (std::string_view f : {"a", "b", "c", "d"}) h.Set(f, "v", l);
  h.SetFieldExpire("c", 300);
  h.SetFieldExpire("a", 100);
  h.SetFieldExpire("d", 200);
  EXPECT_EQ(FieldOrder(h), (std::vector<std::string>{"a", "d", "c", "b"}));
  EXPECT_EQ(h.NextExpireBound(), 100);
  // Removing a time moves the field behind the timed ones.
  h.SetFieldExpire("a", kNoFieldExpire);
  EXPECT_EQ(FieldOrder(h), (std::vector<std::string>{"d", "c", "b", "a"}));
  EXPECT_EQ(h.NextExpireBound(), 200);
  // HSET drops the time; HINCRBY keeps it.
  h.Set("d", "new", l);
  EXPECT_EQ(ExpireOf(h, "d"), kNoFieldExpire);
  h.Set("c", "kept", l, HashValue::KeepTtl::kYes);
  EXPECT_EQ(ExpireOf(h, "c"), 300);
}

TEST(HashValueTest, RemoveExpiredTakesOnlyFieldsBeforeNow) {
  for (bool table : {false, true}) {
    HashValue h;
    const HashLimits l;
    for (int i = 0; i < 10; ++i) h.Set("f" + std::to_string(i), "v", l);
    if (table) h.ConvertToTable();
    h.SetFieldExpire("f1", 100);
    h.SetFieldExpire("f2", 200);
    h.SetFieldExpire("f3", 300);
    std::vector<std::string> removed;
    // A field at exactly "now" is still alive.
    EXPECT_EQ(h.RemoveExpired(200, [&](std::string_view f) { removed.emplace_back(f); }), 1u);
    EXPECT_EQ(removed, std::vector<std::string>{"f1"});
    EXPECT_EQ(h.NextExpireBound(), 200);
    EXPECT_EQ(h.RemoveExpired(1000), 2u);
    EXPECT_EQ(h.Size(), 7u);
    EXPECT_EQ(h.NextExpireBound(), kNoFieldExpire);
  }
}

TEST(HashValueTest, TableBoundIsALowerBoundUntilAPass) {
  HashValue h;
  const HashLimits l;
  for (int i = 0; i < 1000; ++i) h.Set("f" + std::to_string(i), "v", l);
  ASSERT_EQ(h.EncodingName(), "hashtable");
  h.SetFieldExpire("f1", 100);
  h.SetFieldExpire("f2", 500);
  EXPECT_EQ(h.NextExpireBound(), 100);
  h.SetFieldExpire("f1", kNoFieldExpire);
  EXPECT_EQ(h.NextExpireBound(), 100);  // still a valid lower bound
  EXPECT_EQ(h.RemoveExpired(150), 0u);
  EXPECT_EQ(h.NextExpireBound(), 500);  // exact after the pass
}

TEST(HashValueTest, RemoveExpiredStepFinishesABigTableInSlices) {
  HashValue h;
  const HashLimits l;
  for (int i = 0; i < 5000; ++i) h.Set("f" + std::to_string(i), "v", l);
  for (int i = 0; i < 5000; i += 2) h.SetFieldExpire("f" + std::to_string(i), 100 + i % 7);
  h.SetFieldExpire("f1", 9999);
  size_t removed = 0;
  int calls = 0;
  while (h.NextExpireBound() != kNoFieldExpire && h.NextExpireBound() < 1000 && calls < 10000) {
    removed += h.RemoveExpiredStep(1000, 50);
    ++calls;
  }
  EXPECT_EQ(removed, 2500u);
  EXPECT_GT(calls, 10);
  EXPECT_EQ(h.Size(), 2500u);
  EXPECT_EQ(h.NextExpireBound(), 9999);
}

TEST(HashValueTest, RandomFieldComesFromTheHash) {
  std::mt19937_64 rng(5);
  for (bool table : {false, true}) {
    HashValue h;
    for (int i = 0; i < 10; ++i) h.Set("f" + std::to_string(i), "v", HashLimits());
    if (table) h.ConvertToTable();
    std::map<std::string, int> seen;
    for (int i = 0; i < 2000; ++i) ++seen[Text(h.RandomField(rng).field)];
    EXPECT_EQ(seen.size(), 10u);
  }
}

TEST(HashValueTest, ScanTableReturnsEveryFieldOnce) {
  HashValue h;
  for (int i = 0; i < 3000; ++i) h.Set("f" + std::to_string(i), "v", HashLimits());
  std::map<std::string, int> seen;
  uint64_t cursor = 0;
  do {
    cursor = h.ScanTable(cursor, [&](const FieldView& f) { ++seen[Text(f.field)]; });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 3000u);
  for (const auto& [f, n] : seen) EXPECT_EQ(n, 1) << f;
}

}  // namespace
}  // namespace osprey::types
