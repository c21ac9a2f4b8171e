// SHA-1 against the FIPS 180 examples, and the digest contract of digest.h.
#include "keyspace/digest.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "keyspace/keyspace.h"
#include "keyspace/string_value.h"
#include "types/stream.h"

namespace osprey::keyspace {
namespace {

std::string Sha1Hex(std::string_view s) {
  Sha1 sha;
  sha.Update(s);
  return DigestHex(sha.Finish());
}

TEST(Sha1Test, MatchesStandardVectors) {
  EXPECT_EQ(Sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(Sha1Hex(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1Test, StreamingInPiecesEqualsOneUpdate) {
  const std::string text(1000, 'q');
  Sha1 sha;
  for (size_t i = 0; i < text.size(); i += 7) sha.Update(text.substr(i, 7));
  EXPECT_EQ(DigestHex(sha.Finish()), Sha1Hex(text));
}

TEST(DatasetDigestTest, EmptyIsZeroAndSameContentGivesSameDigest) {
  Keyspace a(4, 1);
  Keyspace b(4, 999);  // another seed: another table layout
  EXPECT_EQ(DigestHex(DatasetDigest(a)), std::string(40, '0'));
  for (int i = 0; i < 100; ++i) a.db(1).Add("k" + std::to_string(i), EncodeStringValue("v"));
  for (int i = 99; i >= 0; --i) b.db(1).Add("k" + std::to_string(i), EncodeStringValue("v"));
  EXPECT_EQ(DatasetDigest(a), DatasetDigest(b));
  b.db(1).Delete("k5");
  EXPECT_NE(DatasetDigest(a), DatasetDigest(b));
}

TEST(ValueDigestTest, IntegerAndStringEncodingsOfTheSameBytesAgree) {
  Keyspace ks(1, 1);
  Entry i = ks.db(0).Add("i", EncodeStringValue("42"));
  const Digest di = ValueDigest(i);
  Entry s = ks.db(0).Add("s", EncodeRawStringValue("42"));
  EXPECT_EQ(ValueDigest(s), di);
}

// ------------------------------------------------------------------ streams

std::unique_ptr<types::StreamValue> SmallStream(size_t node_max_entries) {
  auto s = std::make_unique<types::StreamValue>();
  types::StreamLimits limits;
  limits.node_max_entries = node_max_entries;
  for (uint64_t i = 1; i <= 6; ++i) {
    const std::string v = std::to_string(i);
    const std::string_view fv[] = {"f", v};
    s->Append({i, 0}, fv, limits);
  }
  types::StreamGroup* g = s->CreateGroup("g", {3, 0}, 3);
  bool created;
  types::StreamConsumer* alice = g->FindOrCreateConsumer("alice", 1000, &created);
  g->FindOrCreateConsumer("bob", 1000, &created);
  g->AddPending({2, 0}, alice, 1000);
  g->AddPending({3, 0}, alice, 1000);
  return s;
}

Digest StreamDigest(std::unique_ptr<types::StreamValue> s) {
  Keyspace ks(1, 1);
  return ValueDigest(ks.db(0).Add("s", ValueSpec::Obj(s.release())));
}

TEST(ValueDigestTest, StreamsDigestTheirContentNotNodeLayoutOrTimes) {
  const Digest base = StreamDigest(SmallStream(100));
  EXPECT_EQ(StreamDigest(SmallStream(2)), base);  // other nodes, same entries
  {
    auto s = SmallStream(100);
    types::StreamGroup* g = s->FindGroup("g");
    g->FindConsumer("alice")->seen_time_ms = 5;
    g->FindPending({2, 0})->delivery_time_ms = 7;
    EXPECT_EQ(StreamDigest(std::move(s)), base);
  }
  std::vector<std::function<void(types::StreamValue*)>> changes = {
      [](types::StreamValue* s) { s->Delete({4, 0}); },
      [](types::StreamValue* s) { s->set_last_id({9, 0}); },
      [](types::StreamValue* s) { s->set_entries_added(60); },
      [](types::StreamValue* s) { s->set_max_deleted_id({1, 1}); },
      [](types::StreamValue* s) { s->CreateGroup("h", {0, 0}, 0); },
      [](types::StreamValue* s) { s->FindGroup("g")->set_last_id({4, 0}); },
      [](types::StreamValue* s) { s->FindGroup("g")->set_entries_read(-1); },
      [](types::StreamValue* s) { s->FindGroup("g")->DeleteConsumer("bob"); },
      [](types::StreamValue* s) { s->FindGroup("g")->Acknowledge({3, 0}); },
      [](types::StreamValue* s) { s->FindGroup("g")->FindPending({3, 0})->delivery_count = 4; },
      [](types::StreamValue* s) {
        types::StreamGroup* g = s->FindGroup("g");
        g->ChangeOwner(g->FindPending({3, 0}), {3, 0}, g->FindConsumer("bob"));
      },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    auto s = SmallStream(100);
    changes[i](s.get());
    EXPECT_NE(StreamDigest(std::move(s)), base) << i;
  }
}

}  // namespace
}  // namespace osprey::keyspace
