// The RDB numbers reach disk and the wire: each is pinned here.
#include "persistence/rdb_format.h"

#include <gtest/gtest.h>

#include <string>

namespace osprey::persistence {
namespace {

TEST(RdbFormatTest, VersionsArePinned) {
  EXPECT_EQ(kRdbVersion, 10);
  EXPECT_EQ(kRdbVersionFieldTtl, 12);
  EXPECT_EQ(kRdbMaxVersion, 12);
}

TEST(RdbFormatTest, ValueTypeNumbersArePinned) {
  const std::pair<RdbType, int> expected[] = {
      {RdbType::kString, 0},          {RdbType::kList, 1},
      {RdbType::kSet, 2},             {RdbType::kZSet, 3},
      {RdbType::kHash, 4},            {RdbType::kZSet2, 5},
      {RdbType::kModule, 6},          {RdbType::kModule2, 7},
      {RdbType::kHashZipmap, 9},      {RdbType::kListZiplist, 10},
      {RdbType::kSetIntset, 11},      {RdbType::kZSetZiplist, 12},
      {RdbType::kHashZiplist, 13},    {RdbType::kListQuicklist, 14},
      {RdbType::kStreamListpacks, 15}, {RdbType::kHashListpack, 16},
      {RdbType::kZSetListpack, 17},   {RdbType::kListQuicklist2, 18},
      {RdbType::kStreamListpacks2, 19}, {RdbType::kSetListpack, 20},
      {RdbType::kStreamListpacks3, 21}, {RdbType::kHashMetadataPreGa, 22},
      {RdbType::kHashListpackExPreGa, 23}, {RdbType::kHashMetadata, 24},
      {RdbType::kHashListpackEx, 25},
  };
  for (const auto& [type, number] : expected) EXPECT_EQ(static_cast<int>(type), number);
}

TEST(RdbFormatTest, OpcodesArePinned) {
  EXPECT_EQ(static_cast<int>(RdbOpcode::kFunction2), 0xF5);
  EXPECT_EQ(static_cast<int>(RdbOpcode::kFunction), 0xF6);
  EXPECT_EQ(static_cast<int>(RdbOpcode::kModuleAux), 0xF7);
  EXPECT_EQ(static_cast<int>(RdbOpcode::kIdle), 0xF8);
  EXPECT_EQ(static_cast<int>(RdbOpcode::kFreq), 0xF9);
  EXPECT_EQ(static_cast<int>(RdbOpcode::kAux), 0xFA);
  EXPECT_EQ(static_cast<int>(RdbOpcode::kResizeDb), 0xFB);
  EXPECT_EQ(static_cast<int>(RdbOpcode::kExpireTimeMs), 0xFC);
  EXPECT_EQ(static_cast<int>(RdbOpcode::kExpireTime), 0xFD);
  EXPECT_EQ(static_cast<int>(RdbOpcode::kSelectDb), 0xFE);
  EXPECT_EQ(static_cast<int>(RdbOpcode::kEof), 0xFF);
}

TEST(RdbFormatTest, EncodingNumbersArePinned) {
  EXPECT_EQ(kLen6Bit, 0);
  EXPECT_EQ(kLen14Bit, 1);
  EXPECT_EQ(kLenEncoded, 3);
  EXPECT_EQ(kLen32Bit, 0x80);
  EXPECT_EQ(kLen64Bit, 0x81);
  EXPECT_EQ(kEncInt8, 0);
  EXPECT_EQ(kEncInt16, 1);
  EXPECT_EQ(kEncInt32, 2);
  EXPECT_EQ(kEncLzf, 3);
  EXPECT_EQ(kQuicklistNodePlain, 1u);
  EXPECT_EQ(kQuicklistNodePacked, 2u);
  EXPECT_EQ(kTextDoubleNan, 253);
  EXPECT_EQ(kTextDoublePosInf, 254);
  EXPECT_EQ(kTextDoubleNegInf, 255);
  EXPECT_EQ(kMaxFieldExpireMs, 0xFFFFFFFFFFFFull);
}

TEST(RdbFormatTest, TypeNamesCoverEveryType) {
  EXPECT_STREQ(RdbTypeName(0), "string");
  EXPECT_STREQ(RdbTypeName(18), "quicklist2");
  EXPECT_STREQ(RdbTypeName(25), "hash-listpack-ex");
  EXPECT_STREQ(RdbTypeName(8), "unknown");
  EXPECT_STREQ(RdbTypeName(200), "unknown");
}

}  // namespace
}  // namespace osprey::persistence
