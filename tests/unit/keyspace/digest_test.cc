// SHA-1 against the FIPS 180 examples, and the digest contract of digest.h.
#include "keyspace/digest.h"

#include <gtest/gtest.h>

#include <string>

#include "keyspace/keyspace.h"
#include "keyspace/string_value.h"

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

}  // namespace
}  // namespace osprey::keyspace
