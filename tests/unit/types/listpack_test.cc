#include "types/listpack.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace osprey::types {
namespace {

// Golden notation: hex bytes, spaces ignored, and <N*c> for N copies of the
// character c (long strings inside golden listpacks).
std::string Golden(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == ' ') {
      ++i;
    } else if (c == '<') {
      const size_t star = text.find('*', i);
      const size_t n = std::stoul(std::string(text.substr(i + 1, star - i - 1)));
      out.append(n, text[star + 1]);
      i = text.find('>', star) + 1;
    } else {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
      i += 2;
    }
  }
  return out;
}

// FNV-1a 64: pins big golden listpacks without spelling out their bytes.
uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::string Text(const ListpackValue& v) {
  char buf[kListpackIntBufSize];
  return std::string(v.ToString(buf));
}

std::vector<std::string> Forward(const Listpack& lp) {
  std::vector<std::string> out;
  for (Listpack::Entry p = lp.First(); p != nullptr; p = Listpack::Next(p)) {
    out.push_back(Text(Listpack::Get(p)));
  }
  return out;
}

std::vector<std::string> Backward(const Listpack& lp) {
  std::vector<std::string> out;
  for (Listpack::Entry p = lp.Last(); p != nullptr; p = lp.Prev(p)) {
    out.insert(out.begin(), Text(Listpack::Get(p)));
  }
  return out;
}

Listpack Build(const std::vector<std::string>& elements) {
  Listpack lp;
  for (const auto& e : elements) lp.Append(e);
  return lp;
}

// Validates a copy in an allocation of exactly the buffer's size, so that a
// read past the end trips AddressSanitizer.
bool ValidateExact(std::string_view bytes) {
  std::unique_ptr<char[]> copy(new char[bytes.size()]);
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  return Listpack::Validate(std::string_view(copy.get(), bytes.size()));
}

const std::vector<std::string> kIntBoundaries = {"0",
                                                 "1",
                                                 "127",
                                                 "128",
                                                 "-1",
                                                 "-4096",
                                                 "4095",
                                                 "4096",
                                                 "-4097",
                                                 "32767",
                                                 "32768",
                                                 "-32768",
                                                 "-32769",
                                                 "8388607",
                                                 "8388608",
                                                 "-8388608",
                                                 "-8388609",
                                                 "2147483647",
                                                 "2147483648",
                                                 "-2147483648",
                                                 "-2147483649",
                                                 "9223372036854775807",
                                                 "-9223372036854775808"};

const std::vector<std::string> kNotIntegers = {"",
                                               "01",
                                               "-0",
                                               " 1",
                                               "+1",
                                               "1 ",
                                               "-",
                                               "9223372036854775808",
                                               "-9223372036854775809",
                                               "12345678901234567890",
                                               std::string(63, 'a'),
                                               std::string(64, 'b')};

// ------------------------------------------------------------ golden bytes
//
// Taken from Redis 7.0.15 (redis-server --rdbcompression no): DUMP of each
// key, with the listpack blob cut out of the RDB string that carries it.

TEST(ListpackGoldenTest, FormatConstantsArePinned) {
  EXPECT_EQ(kListpackHeaderSize, 6u);
  EXPECT_EQ(kListpackEnd, 0xFF);
  EXPECT_EQ(kListpackCountUnknown, 65535u);
  EXPECT_EQ(kListpackMaxSafeSize, size_t{1} << 30);
}

TEST(ListpackGoldenTest, HashMatchesRedis) {
  // HSET h a 1 b hello
  const std::string golden = Golden("16000000 0400 816102 0101 816202 8568656c6c6f06 ff");
  Listpack lp = Build({"a", "1", "b", "hello"});
  EXPECT_EQ(lp.bytes(), golden);
  auto loaded = Listpack::FromBytes(golden);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(Forward(*loaded), (std::vector<std::string>{"a", "1", "b", "hello"}));
  EXPECT_TRUE(Listpack::Get(loaded->Seek(1)).is_int);
}

TEST(ListpackGoldenTest, SortedSetMatchesRedis) {
  // ZADD z 1.5 m: member, then the score as Redis prints it.
  EXPECT_EQ(Build({"m", "1.5"}).bytes(), Golden("0f000000 0200 816d02 83312e3504 ff"));
  // ZADD z2 2 m 3 n -4.25 o: ordered by score; integral scores are ints.
  const std::string golden =
      Golden("1b000000 0600 816f02 852d342e323506 816d02 0201 816e02 0301 ff");
  Listpack lp = Build({"o", "-4.25", "m", "2", "n", "3"});
  EXPECT_EQ(lp.bytes(), golden);
  auto loaded = Listpack::FromBytes(golden);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(Forward(*loaded), (std::vector<std::string>{"o", "-4.25", "m", "2", "n", "3"}));
}

TEST(ListpackGoldenTest, IntegerWidthsMatchRedis) {
  // RPUSH lints <kIntBoundaries>: one quicklist node.
  const std::string golden = Golden(
      "7d000000 1700 0001 0101 7f01 c08002 dfff02 d00002 cfff02 f1001003 f1ffef03 f1ff7f03"
      " f200800004 f1008003 f2ff7fff04 f2ffff7f04 f30000800005 f200008004 f3ffff7fff05"
      " f3ffffff7f05 f4000000800000000009 f30000008005 f4ffffff7fffffffff09"
      " f4ffffffffffffff7f09 f4000000000000008009 ff");
  EXPECT_EQ(Build(kIntBoundaries).bytes(), golden);
  Listpack ints;
  for (const auto& s : kIntBoundaries) ints.AppendInt(std::stoll(s));
  EXPECT_EQ(ints.bytes(), golden);
  auto loaded = Listpack::FromBytes(golden);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(Forward(*loaded), kIntBoundaries);
  EXPECT_EQ(Backward(*loaded), kIntBoundaries);
}

TEST(ListpackGoldenTest, NonCanonicalIntegersStayStringsAsInRedis) {
  // RPUSH lstrs <kNotIntegers>
  const std::string golden = Golden(
      "e5000000 0c00 8001 82303103 822d3003 82203103 822b3103 82312003 812d02"
      " 933932323333373230333638353437373538303814"
      " 942d3932323333373230333638353437373538303915"
      " 94313233343536373839303132333435363738393015"
      " bf<63*a>40 e040<64*b>42 ff");
  Listpack lp = Build(kNotIntegers);
  EXPECT_EQ(lp.bytes(), golden);
  for (Listpack::Entry p = lp.First(); p != nullptr; p = Listpack::Next(p)) {
    EXPECT_FALSE(Listpack::Get(p).is_int);
  }
  auto loaded = Listpack::FromBytes(golden);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(Forward(*loaded), kNotIntegers);
}

TEST(ListpackGoldenTest, LongStringsAndBackLengthsMatchRedis) {
  // RPUSH llong with strings of 125, 126, 4095, 4096, 16377 and 16378 bytes:
  // entry sizes 127/128 straddle the 1-byte back-length, 16382/16383 show
  // Redis's 3-byte back-length for 16383.
  const std::string golden = Golden(
      "15a10000 0600 e07d<125*A>7f e07e<126*B>0180 efff<4095*C>2081 f000100000<4096*D>2085"
      " f0f93f0000<16377*E>7ffe f0fa3f0000<16378*F>00ffff ff");
  ASSERT_EQ(golden.size(), 41237u);
  EXPECT_EQ(Fnv1a(golden), 0x42657d660384c81eull);
  std::vector<std::string> elements;
  const size_t lens[] = {125, 126, 4095, 4096, 16377, 16378};
  for (size_t n = 0; n < 6; ++n) elements.emplace_back(lens[n], static_cast<char>('A' + n));
  Listpack lp = Build(elements);
  EXPECT_EQ(lp.bytes(), golden);
  auto loaded = Listpack::FromBytes(golden);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(Backward(*loaded), elements);
}

TEST(ListpackGoldenTest, MegabyteValuesMatchRedis) {
  // HSET hbig f <2097145 x> g <2097146 y> m <1 MB of z>: 2097151 is the
  // second back-length threshold Redis keeps one short (4 bytes, not 3).
  Listpack lp = Build({"f", std::string(2097145, 'x'), "g", std::string(2097146, 'y'), "m",
                       std::string(1 << 20, 'z')});
  EXPECT_EQ(lp.TotalBytes(), 5242908u);
  EXPECT_EQ(lp.bytes().substr(0, 16), Golden("1c005000 0600 816602 f0f9ff1f00 7878"));
  EXPECT_EQ(Fnv1a(lp.bytes()), 0xc5b20b0d987316d6ull);
  EXPECT_TRUE(Listpack::Validate(lp.bytes()));
  EXPECT_EQ(Listpack::Get(lp.Seek(-1)).s, std::string(1 << 20, 'z'));
}

TEST(ListpackGoldenTest, UnknownCountMatchesRedis) {
  // HSET hmany f0 0 ... f32767 32767: 65536 elements, count 0xFFFF.
  Listpack lp;
  for (int i = 0; i < 32768; ++i) {
    lp.Append("f" + std::to_string(i));
    lp.Append(std::to_string(i));
  }
  EXPECT_EQ(lp.TotalBytes(), 377889u);
  EXPECT_EQ(lp.bytes().substr(0, 16), Golden("21c40500 ffff 82663003 0001 82663103"));
  EXPECT_EQ(Fnv1a(lp.bytes()), 0xf5e536e0154ebcf4ull);
  EXPECT_EQ(lp.Size(), 65536u);
  // HDEL hmany f0: the count is back in range and Redis writes it.
  lp.DeleteRange(lp.First(), 2);
  EXPECT_EQ(lp.TotalBytes(), 377883u);
  EXPECT_EQ(lp.bytes().substr(0, 16), Golden("1bc40500 feff 82663103 0101 82663203"));
  EXPECT_EQ(Fnv1a(lp.bytes()), 0x40d69f05ee2daca7ull);
  EXPECT_TRUE(Listpack::Validate(lp.bytes()));
}

// ------------------------------------------------------------ encodings

TEST(ListpackTest, EmptyListpackIsSevenBytes) {
  Listpack lp;
  EXPECT_EQ(lp.bytes(), Golden("07000000 0000 ff"));
  EXPECT_TRUE(lp.Empty());
  EXPECT_EQ(lp.Size(), 0u);
  EXPECT_EQ(lp.First(), nullptr);
  EXPECT_EQ(lp.Last(), nullptr);
  EXPECT_EQ(lp.Seek(0), nullptr);
  EXPECT_EQ(lp.Seek(-1), nullptr);
  EXPECT_TRUE(Listpack::Validate(lp.bytes()));
}

TEST(ListpackTest, IntegersTakeTheNarrowestEncoding) {
  struct Case {
    int64_t v;
    size_t entry_size;  // encoding + data + back-length
  };
  const Case cases[] = {{0, 2},
                        {127, 2},
                        {128, 3},
                        {-1, 3},
                        {-4096, 3},
                        {4095, 3},
                        {4096, 4},
                        {-4097, 4},
                        {32767, 4},
                        {-32768, 4},
                        {32768, 5},
                        {-32769, 5},
                        {8388607, 5},
                        {-8388608, 5},
                        {8388608, 6},
                        {-8388609, 6},
                        {INT32_MAX, 6},
                        {INT32_MIN, 6},
                        {int64_t{INT32_MAX} + 1, 10},
                        {int64_t{INT32_MIN} - 1, 10},
                        {INT64_MAX, 10},
                        {INT64_MIN, 10}};
  for (const Case& c : cases) {
    Listpack lp;
    lp.AppendInt(c.v);
    EXPECT_EQ(lp.TotalBytes(), 7 + c.entry_size) << c.v;
    ListpackValue v = Listpack::Get(lp.First());
    EXPECT_TRUE(v.is_int) << c.v;
    EXPECT_EQ(v.i, c.v);
    Listpack from_text;
    from_text.Append(std::to_string(c.v));
    EXPECT_EQ(from_text.bytes(), lp.bytes()) << c.v;
  }
}

TEST(ListpackTest, StringLengthsPickTheirEncoding) {
  struct Case {
    size_t len;
    size_t entry_size;
  };
  const Case cases[] = {{0, 2},
                        {1, 3},
                        {63, 65},
                        {64, 67},
                        {125, 128},
                        {126, 130},
                        {4095, 4099},
                        {4096, 4103},
                        {16377, 16384},
                        {16378, 16386},
                        {1 << 20, (1 << 20) + 5 + 3}};
  for (const Case& c : cases) {
    Listpack lp;
    const std::string s(c.len, 'q');
    lp.Append(s);
    EXPECT_EQ(lp.TotalBytes(), 7 + c.entry_size) << c.len;
    ListpackValue v = Listpack::Get(lp.First());
    EXPECT_FALSE(v.is_int);
    EXPECT_EQ(v.s, s);
    EXPECT_EQ(Listpack::Get(lp.Last()).s, s);
    EXPECT_TRUE(Listpack::Validate(lp.bytes()));
  }
}

TEST(ListpackTest, CanonicalIntegerTestMatchesRedis) {
  int64_t v = 0;
  EXPECT_TRUE(ListpackStringToInt64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ListpackStringToInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_TRUE(ListpackStringToInt64("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  for (const auto& s : kNotIntegers) EXPECT_FALSE(ListpackStringToInt64(s, &v)) << s;
  for (const char* s : {"00", "1.0", "0x1", "1e3", "--1", "-01", "\t1", "1\n"}) {
    EXPECT_FALSE(ListpackStringToInt64(s, &v)) << s;
  }
}

TEST(ListpackTest, ValueToStringAndEquals) {
  Listpack lp = Build({"-42", "abc", ""});
  char buf[kListpackIntBufSize];
  ListpackValue v = Listpack::Get(lp.First());
  EXPECT_EQ(v.ToString(buf), "-42");
  EXPECT_TRUE(v.Equals("-42"));
  EXPECT_FALSE(v.Equals("-042"));
  EXPECT_FALSE(v.Equals("-42 "));
  ListpackValue s = Listpack::Get(lp.Seek(1));
  EXPECT_EQ(s.ToString(buf), "abc");
  EXPECT_TRUE(s.Equals("abc"));
  EXPECT_FALSE(s.Equals("ab"));
  EXPECT_TRUE(Listpack::Get(lp.Seek(2)).Equals(""));
  const ListpackValue min{true, INT64_MIN, {}};
  EXPECT_EQ(min.ToString(buf), "-9223372036854775808");
}

// ------------------------------------------------------------ operations

TEST(ListpackTest, AppendPrependInsertReplaceDelete) {
  Listpack lp;
  lp.Append("b");
  lp.Prepend("a");
  lp.AppendInt(3);
  lp.PrependInt(-1);
  EXPECT_EQ(Forward(lp), (std::vector<std::string>{"-1", "a", "b", "3"}));
  Listpack::Entry p = lp.Insert(lp.Seek(1), Listpack::Where::kAfter, "x");
  EXPECT_EQ(Listpack::Get(p).s, "x");
  p = lp.InsertInt(p, Listpack::Where::kBefore, 7);
  EXPECT_EQ(Listpack::Get(p).i, 7);
  EXPECT_EQ(Forward(lp), (std::vector<std::string>{"-1", "a", "7", "x", "b", "3"}));
  p = lp.Replace(lp.Seek(3), std::string(100, 'y'));
  EXPECT_EQ(Listpack::Get(p).s, std::string(100, 'y'));
  p = lp.ReplaceInt(lp.Seek(-1), 1234567890123);
  EXPECT_EQ(Listpack::Get(p).i, 1234567890123);
  p = lp.Delete(lp.Seek(2));
  EXPECT_EQ(Listpack::Get(p).s, std::string(100, 'y'));
  EXPECT_EQ(lp.Delete(lp.Last()), nullptr);
  EXPECT_EQ(Forward(lp), (std::vector<std::string>{"-1", "a", std::string(100, 'y'), "b"}));
  EXPECT_EQ(Backward(lp), Forward(lp));
  EXPECT_EQ(lp.Size(), 4u);
  EXPECT_TRUE(Listpack::Validate(lp.bytes()));
}

TEST(ListpackTest, DeleteRangeByIndexAndEntry) {
  const std::vector<std::string> all = {"0", "1", "2", "3", "4", "5", "6", "7"};
  Listpack lp = Build(all);
  lp.DeleteRange(2, 3);
  EXPECT_EQ(Forward(lp), (std::vector<std::string>{"0", "1", "5", "6", "7"}));
  lp.DeleteRange(-2, 100);
  EXPECT_EQ(Forward(lp), (std::vector<std::string>{"0", "1", "5"}));
  lp.DeleteRange(5, 1);  // out of range: nothing
  lp.DeleteRange(-4, 1);
  lp.DeleteRange(int64_t{0}, 0);
  EXPECT_EQ(lp.Size(), 3u);
  Listpack::Entry p = lp.DeleteRange(lp.First(), 2);
  EXPECT_EQ(Listpack::Get(p).i, 5);
  EXPECT_EQ(lp.DeleteRange(p, 10), nullptr);
  EXPECT_TRUE(lp.Empty());
  EXPECT_EQ(lp.bytes(), Listpack().bytes());
}

TEST(ListpackTest, SeekFromBothEnds) {
  std::vector<std::string> all;
  for (int i = 0; i < 101; ++i) all.push_back("e" + std::to_string(i));
  Listpack lp = Build(all);
  for (int i = 0; i < 101; ++i) {
    EXPECT_EQ(Listpack::Get(lp.Seek(i)).s, all[i]);
    EXPECT_EQ(Listpack::Get(lp.Seek(i - 101)).s, all[i]);
  }
  EXPECT_EQ(lp.Seek(101), nullptr);
  EXPECT_EQ(lp.Seek(-102), nullptr);
  EXPECT_EQ(lp.Seek(INT64_MIN), nullptr);
  EXPECT_EQ(lp.Seek(INT64_MAX), nullptr);
}

TEST(ListpackTest, FindComparesEveryOtherEntryWithSkip) {
  // A hash: field, value, field, value. Values must not match field lookups.
  Listpack lp = Build({"a", "b", "b", "1", "12", "x", "c", "12"});
  EXPECT_EQ(lp.Find(lp.First(), "b", 1), lp.Seek(2));
  EXPECT_EQ(lp.Find(lp.First(), "12", 1), lp.Seek(4));
  EXPECT_EQ(lp.Find(lp.First(), "x", 1), nullptr);
  EXPECT_EQ(lp.Find(lp.First(), "x", 0), lp.Seek(5));
  EXPECT_EQ(lp.Find(lp.Seek(1), "1", 1), lp.Seek(3));
  EXPECT_EQ(lp.Find(lp.First(), "012", 0), nullptr);
  EXPECT_EQ(lp.Find(lp.First(), "c", 2), lp.Seek(6));  // visits 0, 3, 6
  EXPECT_EQ(lp.Find(lp.First(), "x", 2), nullptr);
  EXPECT_EQ(lp.Find(nullptr, "a", 0), nullptr);
  Listpack empty;
  EXPECT_EQ(empty.Find(empty.First(), "a", 1), nullptr);
}

TEST(ListpackTest, ValueFromTheSameListpackSurvivesTheMove) {
  Listpack lp = Build({std::string(300, 'a'), "x", std::string(5000, 'b')});
  // The view points into lp's buffer, which grows and shifts under it.
  std::string_view big = Listpack::Get(lp.Last()).s;
  lp.Replace(lp.Seek(1), big);
  std::string_view first = Listpack::Get(lp.First()).s;
  lp.Prepend(first);
  EXPECT_EQ(Forward(lp),
            (std::vector<std::string>{std::string(300, 'a'), std::string(300, 'a'),
                                      std::string(5000, 'b'), std::string(5000, 'b')}));
}

TEST(ListpackTest, CountSaturatesAndSeekStillWorks) {
  Listpack lp;
  for (int i = 0; i < 65534; ++i) lp.AppendInt(i % 100);
  EXPECT_EQ(lp.bytes().substr(4, 2), Golden("feff"));
  lp.AppendInt(5);  // 65535 elements: the count is "unknown"
  EXPECT_EQ(lp.bytes().substr(4, 2), Golden("ffff"));
  EXPECT_EQ(lp.Size(), 65535u);
  lp.Prepend("first");
  EXPECT_EQ(lp.Size(), 65536u);
  EXPECT_EQ(Listpack::Get(lp.Seek(0)).s, "first");
  EXPECT_EQ(Listpack::Get(lp.Seek(-1)).i, 5);
  EXPECT_EQ(Listpack::Get(lp.Seek(65534)).i, 65533 % 100);
  EXPECT_EQ(lp.Seek(65536), nullptr);
  EXPECT_EQ(lp.Seek(-65537), nullptr);
  lp.ReplaceInt(lp.Seek(1), 9);  // a replace keeps the count unknown
  EXPECT_EQ(lp.bytes().substr(4, 2), Golden("ffff"));
  lp.Delete(lp.First());
  EXPECT_EQ(lp.bytes().substr(4, 2), Golden("ffff"));  // 65535 is still "unknown"
  lp.DeleteRange(-3, 3);
  EXPECT_EQ(lp.bytes().substr(4, 2), Golden("fcff"));
  EXPECT_TRUE(Listpack::Validate(lp.bytes()));
}

TEST(ListpackTest, SafeToAddStopsAtOneGigabyte) {
  Listpack lp;
  EXPECT_TRUE(lp.SafeToAdd(kListpackMaxSafeSize - 7));
  EXPECT_FALSE(lp.SafeToAdd(kListpackMaxSafeSize - 6));
  EXPECT_EQ(kListpackMaxSafeSize, size_t{1} << 30);
}

TEST(ListpackTest, MoveCloneReleaseAdopt) {
  Listpack a = Build({"x", "1"});
  Listpack b = std::move(a);
  EXPECT_EQ(Forward(b), (std::vector<std::string>{"x", "1"}));
  Listpack c = b.Clone();
  c.Append("y");
  EXPECT_EQ(b.Size(), 2u);
  EXPECT_EQ(c.Size(), 3u);
  a = std::move(c);
  EXPECT_EQ(a.Size(), 3u);
  uint8_t* raw = a.Release();
  Listpack d = Listpack::Adopt(raw);
  EXPECT_EQ(Forward(d), (std::vector<std::string>{"x", "1", "y"}));
  EXPECT_GE(d.AllocatedSize(), d.TotalBytes());
  d.ShrinkToFit();
  EXPECT_GE(d.AllocatedSize(), d.TotalBytes());
}

// ------------------------------------------------------------ model test

std::string RandomElement(std::mt19937_64& rng) {
  static const std::vector<std::string> special = {"",
                                                   "0",
                                                   "-0",
                                                   "01",
                                                   "+1",
                                                   " 1",
                                                   "127",
                                                   "128",
                                                   "-4096",
                                                   "4095",
                                                   "4096",
                                                   "-32769",
                                                   "8388608",
                                                   "2147483648",
                                                   "-9223372036854775808",
                                                   "9223372036854775807",
                                                   "9223372036854775808",
                                                   "a"};
  switch (rng() % 5) {
    case 0:
      return special[rng() % special.size()];
    case 1:
      return std::to_string(static_cast<int64_t>(rng()) >> (rng() % 64));
    case 2:
      return std::string(rng() % 80, static_cast<char>('a' + rng() % 26));
    case 3:
      return std::string(rng() % 5000, static_cast<char>(rng()));
    default:
      return std::to_string(rng() % 300);
  }
}

void ExpectSame(const Listpack& lp, const std::deque<std::string>& model) {
  const std::vector<std::string> want(model.begin(), model.end());
  ASSERT_EQ(lp.Size(), model.size());
  ASSERT_EQ(Forward(lp), want);
  ASSERT_EQ(Backward(lp), want);
  ASSERT_TRUE(Listpack::Validate(lp.bytes()));
}

TEST(ListpackTest, RandomOperationsMatchADeque) {
  std::mt19937_64 rng(20240611);
  for (int round = 0; round < 40; ++round) {
    Listpack lp;
    std::deque<std::string> model;
    for (int step = 0; step < 1000; ++step) {
      const std::string s = RandomElement(rng);
      const size_t n = model.size();
      const size_t at = n == 0 ? 0 : rng() % n;
      const int64_t signed_at = (rng() & 1) ? static_cast<int64_t>(at)
                                            : static_cast<int64_t>(at) - static_cast<int64_t>(n);
      switch (n == 0 ? rng() % 2 : rng() % 10) {
        case 0:
          lp.Append(s);
          model.push_back(s);
          break;
        case 1:
          lp.Prepend(s);
          model.push_front(s);
          break;
        case 2:
          lp.Delete(lp.First());
          model.pop_front();
          break;
        case 3:
          lp.Delete(lp.Last());
          model.pop_back();
          break;
        case 4:
          lp.Insert(lp.Seek(signed_at), Listpack::Where::kBefore, s);
          model.insert(model.begin() + at, s);
          break;
        case 5:
          lp.Insert(lp.Seek(signed_at), Listpack::Where::kAfter, s);
          model.insert(model.begin() + at + 1, s);
          break;
        case 6:
          lp.Replace(lp.Seek(signed_at), s);
          model[at] = s;
          break;
        case 7: {
          const size_t count = rng() % 4;
          lp.DeleteRange(signed_at, count);
          model.erase(model.begin() + at, model.begin() + std::min(n, at + count));
          break;
        }
        case 8: {
          Listpack::Entry found = lp.Find(lp.First(), model[at], 0);
          ASSERT_NE(found, nullptr);
          char buf[kListpackIntBufSize];
          EXPECT_EQ(Listpack::Get(found).ToString(buf), model[at]);
          break;
        }
        default: {
          char buf[kListpackIntBufSize];
          ASSERT_EQ(Listpack::Get(lp.Seek(signed_at)).ToString(buf), model[at]);
          break;
        }
      }
      if (step % 16 == 0) ExpectSame(lp, model);
    }
    ExpectSame(lp, model);
  }
}

// ------------------------------------------------------------ validation

Listpack Sample() {
  return Build({"hello", "1", "-70000", std::string(70, 'w'), "", "9223372036854775807",
                std::string(200, 'z'), "x"});
}

TEST(ListpackValidateTest, AcceptsWellFormedBuffers) {
  EXPECT_TRUE(ValidateExact(Sample().bytes()));
  EXPECT_TRUE(ValidateExact(Listpack().bytes()));
  std::string unknown(Sample().bytes());
  unknown[4] = unknown[5] = '\xff';  // "count by walking" is always allowed
  EXPECT_TRUE(ValidateExact(unknown));
}

TEST(ListpackValidateTest, RejectsTruncatedBuffers) {
  const std::string good(Sample().bytes());
  for (size_t n = 0; n < good.size(); ++n) {
    std::string cut = good.substr(0, n);
    EXPECT_FALSE(ValidateExact(cut)) << n;
    if (n >= 7) {
      // Even with the header's size patched to match and a terminator.
      cut[0] = static_cast<char>(n);
      cut[1] = static_cast<char>(n >> 8);
      cut[n - 1] = '\xff';
      EXPECT_FALSE(ValidateExact(cut)) << n;
    }
  }
}

TEST(ListpackValidateTest, RejectsBadHeaderCountAndTerminator) {
  const std::string good(Sample().bytes());
  std::string s = good;
  s[4] = 7;  // count 7, but there are 8
  EXPECT_FALSE(ValidateExact(s));
  s = good;
  s[0] = static_cast<char>(s[0] + 1);
  EXPECT_FALSE(ValidateExact(s));
  s = good;
  s.back() = 0;  // missing terminator
  EXPECT_FALSE(ValidateExact(s));
  s = good + '\xff';  // bytes after the terminator
  s[0] = static_cast<char>(s[0] + 1);
  EXPECT_FALSE(ValidateExact(s));
}

TEST(ListpackValidateTest, RejectsBadBackLengths) {
  // "a", "b": 81 61 02 81 62 02
  const std::string good = Golden("0d000000 0200 816102 816202 ff");
  ASSERT_TRUE(ValidateExact(good));
  std::string s = good;
  s[8] = 3;
  EXPECT_FALSE(ValidateExact(s));
  // Redis also takes a back-length that only decodes to the right value by
  // running into the entry's own bytes (0x81 continues into the 0x00 before
  // it); we accept only the bytes Redis writes.
  EXPECT_TRUE(ValidateExact(Golden("09000000 0100 0001 ff")));
  EXPECT_FALSE(ValidateExact(Golden("09000000 0100 0081 ff")));
  EXPECT_FALSE(ValidateExact(Golden("09000000 0100 0002 ff")));
}

TEST(ListpackValidateTest, RejectsUnusedEncodingsAndHugeLengths) {
  for (int b = 0xF5; b <= 0xFE; ++b) {
    std::string s = Golden("09000000 0100 0001 ff");
    s[6] = static_cast<char>(b);
    EXPECT_FALSE(ValidateExact(s)) << b;
  }
  // A 32-bit string length pointing far past the end.
  EXPECT_FALSE(ValidateExact(Golden("0c000000 0100 f0ffffffff ff")));
  EXPECT_FALSE(ValidateExact(Golden("0a000000 0100 f0ffff ff")));
  EXPECT_FALSE(ValidateExact(Golden("08000000 0100 e0 ff")));
  // A 12-bit length 4095 with nothing behind it.
  EXPECT_FALSE(ValidateExact(Golden("09000000 0100 efff ff")));
  EXPECT_FALSE(ValidateExact(Golden("0a000000 0100 f4ff02 ff")));
}

TEST(ListpackValidateTest, AcceptsWiderEncodingsThanNeeded) {
  // Redis reads these, though it never writes them: 5 as a 16-bit integer,
  // "ab" with a 12-bit length.
  std::string s = Golden("10000000 0200 f1050003 e0026162 04 ff");
  ASSERT_TRUE(ValidateExact(s));
  Listpack lp = Listpack::FromValidated(s);
  EXPECT_EQ(Forward(lp), (std::vector<std::string>{"5", "ab"}));
  EXPECT_EQ(lp.Find(lp.First(), "ab", 0), lp.Seek(1));
  EXPECT_EQ(lp.Find(lp.First(), "5", 0), lp.First());
}

TEST(ListpackValidateTest, CheckCallbackSeesEveryElementAndCanReject) {
  std::vector<std::string> seen;
  auto collect = [&](const ListpackValue& v) {
    seen.push_back(Text(v));
    return true;
  };
  EXPECT_TRUE(Listpack::Validate(Build({"a", "2", "c"}).bytes(), collect));
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "2", "c"}));
  EXPECT_FALSE(Listpack::Validate(Build({"a", "2"}).bytes(),
                                  [](const ListpackValue& v) { return !v.is_int; }));
  EXPECT_FALSE(Listpack::FromBytes("garbage").has_value());
}

// Flips random bytes of valid listpacks: each result is either rejected or
// safe to walk, seek, search and change.
TEST(ListpackValidateTest, CorruptedBuffersAreRejectedOrSafe) {
  std::mt19937_64 rng(7);
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    Listpack lp;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) lp.Append(RandomElement(rng).substr(0, 300));
    std::string s(lp.bytes());
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      const size_t at = rng() % s.size();
      s[at] =
          (rng() & 1) ? static_cast<char>(rng()) : static_cast<char>(s[at] ^ (1 << (rng() % 8)));
    }
    if (rng() % 8 == 0) s.resize(rng() % s.size());
    if (!ValidateExact(s)) continue;
    ++accepted;
    Listpack copy = Listpack::FromValidated(s);
    const std::vector<std::string> fwd = Forward(copy);
    ASSERT_EQ(fwd, Backward(copy));
    ASSERT_EQ(fwd.size(), copy.Size());
    for (size_t i = 0; i < fwd.size(); ++i) {
      char buf[kListpackIntBufSize];
      ASSERT_EQ(Listpack::Get(copy.Seek(static_cast<int64_t>(i))).ToString(buf), fwd[i]);
      ASSERT_NE(copy.Find(copy.First(), fwd[i], 0), nullptr);
    }
    copy.Append("tail");
    copy.Prepend("head");
    if (copy.Size() > 2) copy.Delete(copy.Seek(1));
    ASSERT_TRUE(Listpack::Validate(copy.bytes()));
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace osprey::types
