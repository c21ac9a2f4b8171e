// Streams in RDB: the payloads redis-server 7.0 wrote (tests/data/rdb)
// load into the values they hold and DUMP back byte for byte; types 15 and
// 21 load with what Redis 7 makes of their metadata; a file of version 12
// keeps consumers' active times (type 21); and every inconsistency, cut or
// flipped byte is refused, never trusted.

#include "persistence/rdb_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "keyspace/keyspace.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_loader.h"
#include "persistence/rdb_test_util.h"
#include "persistence/rdb_writer.h"
#include "server/server.h"
#include "testing/command_harness.h"
#include "types/stream.h"

namespace osprey::testing {
namespace {

using types::StreamID;

constexpr char kBadFormat[] = "ERR Bad data format";

// A stream payload taken apart, to be put back together as type 15, 19 or
// 21 (strings plain, lengths in their shortest form), changed or not.
struct StreamParts {
  struct Pending {
    StreamID id;
    int64_t time;
    uint64_t count;
  };
  struct Consumer {
    std::string name;
    int64_t seen;
    int64_t active;
    std::vector<StreamID> pel;
  };
  struct Group {
    std::string name;
    StreamID last;
    uint64_t entries_read;
    std::vector<Pending> pel;
    std::vector<Consumer> consumers;
  };
  std::vector<std::pair<std::string, std::string>> nodes;
  uint64_t length = 0;
  StreamID last, first, max_deleted;
  uint64_t added = 0;
  std::vector<Group> groups;
};

std::string ReadStr(persistence::RdbReader& r) {
  std::string scratch;
  std::string_view v;
  EXPECT_TRUE(r.String(&v, &scratch));
  return std::string(v);
}

uint64_t ReadLen(persistence::RdbReader& r) {
  uint64_t n = 0;
  EXPECT_TRUE(r.Len(&n));
  return n;
}

StreamID ReadRaw(persistence::RdbReader& r) {
  std::string_view raw;
  EXPECT_TRUE(r.Raw(16, &raw));
  return StreamID::DecodeBigEndian(reinterpret_cast<const uint8_t*>(raw.data()));
}

int64_t ReadMs(persistence::RdbReader& r) {
  int64_t ms = 0;
  EXPECT_TRUE(r.Millis(&ms));
  return ms;
}

// Takes apart a DUMP payload of type 19 (as Redis 7.0 writes streams).
StreamParts Parse(const std::string& payload) {
  EXPECT_EQ(payload[0], '\x13');
  const std::string value = payload.substr(1, payload.size() - 11);
  persistence::RdbReader r(value);
  StreamParts p;
  for (uint64_t n = ReadLen(r); n > 0; --n) {
    std::string key = ReadStr(r);
    p.nodes.emplace_back(key, ReadStr(r));
  }
  p.length = ReadLen(r);
  p.last = {ReadLen(r), ReadLen(r)};
  p.first = {ReadLen(r), ReadLen(r)};
  p.max_deleted = {ReadLen(r), ReadLen(r)};
  p.added = ReadLen(r);
  for (uint64_t g = ReadLen(r); g > 0; --g) {
    StreamParts::Group group;
    group.name = ReadStr(r);
    group.last = {ReadLen(r), ReadLen(r)};
    group.entries_read = ReadLen(r);
    for (uint64_t n = ReadLen(r); n > 0; --n) {
      StreamParts::Pending pe;
      pe.id = ReadRaw(r);
      pe.time = ReadMs(r);
      pe.count = ReadLen(r);
      group.pel.push_back(pe);
    }
    for (uint64_t n = ReadLen(r); n > 0; --n) {
      StreamParts::Consumer c;
      c.name = ReadStr(r);
      c.seen = ReadMs(r);
      c.active = c.seen;
      for (uint64_t k = ReadLen(r); k > 0; --k) c.pel.push_back(ReadRaw(r));
      group.consumers.push_back(c);
    }
    p.groups.push_back(group);
  }
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_FALSE(r.failed()) << r.error();
  return p;
}

StreamParts::Group& GroupNamed(StreamParts& p, std::string_view name) {
  for (auto& g : p.groups) {
    if (g.name == name) return g;
  }
  ADD_FAILURE() << "no group " << name;
  return p.groups.front();
}

std::string Raw(StreamID id) {
  uint8_t buf[16];
  id.EncodeBigEndian(buf);
  return std::string(reinterpret_cast<char*>(buf), 16);
}

std::string Ms(int64_t ms) {
  std::string out;
  PutLe(&out, static_cast<uint64_t>(ms), 8);
  return out;
}

std::string Id(StreamID id) { return RdbLen(id.ms) + RdbLen(id.seq); }

// The payload of `p` as RDB type `type` (15, 19 or 21).
std::string Build(const StreamParts& p, int type) {
  std::string b(1, static_cast<char>(type));
  b += RdbLen(p.nodes.size());
  for (const auto& [key, node] : p.nodes) b += RdbString(key) + RdbString(node);
  b += RdbLen(p.length) + Id(p.last);
  if (type != 15) b += Id(p.first) + Id(p.max_deleted) + RdbLen(p.added);
  b += RdbLen(p.groups.size());
  for (const auto& g : p.groups) {
    b += RdbString(g.name) + Id(g.last);
    if (type != 15) b += RdbLen(g.entries_read);
    b += RdbLen(g.pel.size());
    for (const auto& pe : g.pel) b += Raw(pe.id) + Ms(pe.time) + RdbLen(pe.count);
    b += RdbLen(g.consumers.size());
    for (const auto& c : g.consumers) {
      b += RdbString(c.name) + Ms(c.seen);
      if (type == 21) b += Ms(c.active);
      b += RdbLen(c.pel.size());
      for (StreamID id : c.pel) b += Raw(id);
    }
  }
  return Payload(b, type == 21 ? 11 : 10);
}

class RdbStreamTest : public ::testing::Test {
 protected:
  std::string Restore(const std::string& payload, const std::string& key = "k") {
    return h_.Run({"RESTORE", key, "0", payload, "REPLACE"}).ToString();
  }
  std::string Dump(const std::string& key = "k") {
    const Reply r = h_.Run({"DUMP", key});
    return r.ToString();
  }
  const types::StreamValue& Stream(const std::string& key = "k") {
    keyspace::Entry e = h_.server().keyspace().db(0).LookupRead(key);
    EXPECT_TRUE(e && e.type() == types::ValueType::kStream) << key;
    return static_cast<const types::StreamValue&>(*e.object());
  }
  std::vector<std::string> Ids(const types::StreamValue& s) {
    std::vector<std::string> out;
    s.Range(StreamID::Min(), StreamID::Max(), false,
            [&](const types::StreamEntry& e) {
              out.push_back(e.id.ToString());
              return true;
            });
    return out;
  }

  CommandHarness h_;
  const std::map<std::string, std::string> dumps_ = RedisDumps();
};

// ------------------------------------------------------------------ Redis's payloads

TEST_F(RdbStreamTest, EveryRedisStreamLoadsAndDumpsBackByteForByte) {
  int n = 0;
  for (const auto& [name, payload] : dumps_) {
    if (name.rfind("stream_", 0) != 0) continue;
    ++n;
    ASSERT_EQ(Restore(payload), "OK") << name;
    EXPECT_EQ(Dump(), payload) << name;
    EXPECT_EQ(h_.Run({"TYPE", "k"}).ToString(), "stream");
  }
  EXPECT_GE(n, 11);
}

TEST_F(RdbStreamTest, EntriesAndMetadataAreRedisOnes) {
  ASSERT_EQ(Restore(dumps_.at("stream_small")), "OK");
  const types::StreamValue& s = Stream();
  EXPECT_EQ(s.Length(), 3u);
  EXPECT_EQ(Ids(s), (std::vector<std::string>{"1-1", "1-2", "2-0"}));
  types::StreamEntry e;
  ASSERT_TRUE(s.Find({2, 0}, &e));
  ASSERT_EQ(e.field_values.size(), 2u);
  EXPECT_TRUE(e.field_values[0].Equals("c"));
  EXPECT_TRUE(e.field_values[1].Equals("-5"));
  EXPECT_EQ(s.last_id(), (StreamID{2, 0}));
  EXPECT_EQ(s.first_id(), (StreamID{1, 1}));
  EXPECT_EQ(s.entries_added(), 3u);
  EXPECT_EQ(s.max_deleted_id(), StreamID::Min());

  ASSERT_EQ(Restore(dumps_.at("stream_nodes")), "OK");
  EXPECT_EQ(Stream().NodeCount(), 4u);
  EXPECT_EQ(Stream().Length(), 10u);

  ASSERT_EQ(Restore(dumps_.at("stream_deleted")), "OK");
  EXPECT_EQ(Ids(Stream()), (std::vector<std::string>{"2-0", "3-0", "5-0", "6-0"}));
  EXPECT_EQ(Stream().max_deleted_id(), (StreamID{7, 0}));
  EXPECT_EQ(Stream().first_id(), (StreamID{2, 0}));
  EXPECT_EQ(Stream().entries_added(), 7u);

  ASSERT_EQ(Restore(dumps_.at("stream_trimmed")), "OK");
  EXPECT_EQ(Ids(Stream()), (std::vector<std::string>{"7-0", "8-0", "9-0", "10-0"}));
  EXPECT_EQ(Stream().max_deleted_id(), StreamID::Min());

  ASSERT_EQ(Restore(dumps_.at("stream_xsetid")), "OK");
  EXPECT_EQ(Stream().last_id(), (StreamID{100, 0}));
  EXPECT_EQ(Stream().entries_added(), 50u);
  EXPECT_EQ(Stream().max_deleted_id(), (StreamID{10, 0}));

  ASSERT_EQ(Restore(dumps_.at("stream_unordered_deleted")), "OK");
  EXPECT_EQ(Ids(Stream()), (std::vector<std::string>{"1-1", "4-0"}));

  ASSERT_EQ(Restore(dumps_.at("stream_deleted_only_node")), "OK");
  EXPECT_EQ(Stream().Length(), 0u);
  EXPECT_EQ(Stream().NodeCount(), 1u);
  EXPECT_EQ(Stream().first_id(), StreamID::Min());

  ASSERT_EQ(Restore(dumps_.at("stream_live_below_master")), "OK");
  EXPECT_EQ(Ids(Stream()), (std::vector<std::string>{"2-0"}));
  EXPECT_TRUE(Stream().Find({2, 0}, &e));
  EXPECT_EQ(Stream().first_id(), (StreamID{2, 0}));

  ASSERT_EQ(Restore(dumps_.at("stream_large_values")), "OK");
  ASSERT_TRUE(Stream().Find({2, 0}, &e));
  char buf[types::kListpackIntBufSize];
  EXPECT_EQ(e.field_values[1].ToString(buf).size(), 70000u);
}

TEST_F(RdbStreamTest, GroupsConsumersAndPendingEntriesAreRedisOnes) {
  ASSERT_EQ(Restore(dumps_.at("stream_groups")), "OK");
  const types::StreamValue& s = Stream();
  ASSERT_EQ(s.groups().size(), 3u);
  const types::StreamGroup* g = s.FindGroup("g");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->last_id(), (StreamID{5, 1}));
  EXPECT_EQ(g->entries_read(), 5);
  // alice read 1-1 2-1 3-1 (2-1 acked; 1-1 claimed by bob), bob 4-1 5-1.
  ASSERT_EQ(g->pel().size(), 4u);
  ASSERT_EQ(g->consumers().size(), 3u);
  const types::StreamConsumer* alice = g->FindConsumer("alice");
  const types::StreamConsumer* bob = g->FindConsumer("bob");
  const types::StreamConsumer* carol = g->FindConsumer("carol");
  ASSERT_TRUE(alice && bob && carol);
  EXPECT_EQ(alice->pel.size(), 1u);
  EXPECT_EQ(bob->pel.size(), 3u);
  EXPECT_TRUE(carol->pel.empty());
  const auto& claimed = g->pel().at({1, 1});
  EXPECT_EQ(claimed.consumer, bob);
  EXPECT_EQ(claimed.delivery_count, 7u);
  EXPECT_EQ(g->pel().at({3, 1}).consumer, alice);  // deleted from the stream, still pending
  // Times as stored; before type 21 the active time is the seen time.
  EXPECT_GT(alice->seen_time_ms, 1600000000000);
  EXPECT_EQ(alice->active_time_ms, alice->seen_time_ms);
  // XGROUP CREATE without ENTRIESREAD: not known.
  EXPECT_EQ(s.FindGroup("g2")->entries_read(), types::kStreamEntriesReadUnknown);
  EXPECT_EQ(s.FindGroup("123")->last_id(), (StreamID{4, 1}));
}

TEST_F(RdbStreamTest, AnEmptyStreamWithGroupsIsAValue) {
  ASSERT_EQ(Restore(dumps_.at("stream_empty_groups")), "OK");
  const types::StreamValue& s = Stream();
  EXPECT_EQ(s.Length(), 0u);
  EXPECT_EQ(s.NodeCount(), 0u);
  EXPECT_EQ(s.last_id(), (StreamID{5, 5}));
  ASSERT_NE(s.FindGroup("g1"), nullptr);
  EXPECT_EQ(s.FindGroup("g1")->entries_read(), types::kStreamEntriesReadUnknown);
  EXPECT_NE(s.FindGroup("g1")->FindConsumer("alice"), nullptr);
  EXPECT_EQ(h_.Run({"EXISTS", "k"}).ToString(), "1");
}

// ------------------------------------------------------------------ types 15 and 21

TEST_F(RdbStreamTest, Type15TakesTheMetadataRedis7WorksOut) {
  StreamParts p = Parse(dumps_.at("stream_deleted"));
  p.groups.push_back({"at-first", {2, 0}, 0, {}, {}});
  p.groups.push_back({"before", {0, 0}, 0, {}, {}});
  p.groups.push_back({"at-last", {6, 0}, 0, {}, {}});
  p.groups.push_back({"middle", {3, 0}, 0, {}, {}});
  p.groups.push_back({"future", {9, 0}, 0, {}, {}});
  p.last = {6, 0};
  ASSERT_EQ(Restore(Build(p, 15)), "OK");
  const types::StreamValue& s = Stream();
  EXPECT_EQ(s.Length(), 4u);
  EXPECT_EQ(s.first_id(), (StreamID{2, 0}));
  EXPECT_EQ(s.max_deleted_id(), StreamID::Min());
  EXPECT_EQ(s.entries_added(), 4u);
  EXPECT_EQ(s.FindGroup("at-first")->entries_read(), 1);
  EXPECT_EQ(s.FindGroup("before")->entries_read(), 0);
  EXPECT_EQ(s.FindGroup("at-last")->entries_read(), 4);
  EXPECT_EQ(s.FindGroup("middle")->entries_read(), types::kStreamEntriesReadUnknown);
  EXPECT_EQ(s.FindGroup("future")->entries_read(), types::kStreamEntriesReadUnknown);
  // Written back as type 19 with that metadata.
  const std::string dump = Dump();
  EXPECT_EQ(dump[0], '\x13');
  const StreamParts back = Parse(dump);
  EXPECT_EQ(back.added, 4u);
  EXPECT_EQ(back.first, (StreamID{2, 0}));
}

TEST_F(RdbStreamTest, AnEmptyType15StreamGetsTheLargestFirstIdAsInRedis) {
  StreamParts p = Parse(dumps_.at("stream_empty_groups"));
  ASSERT_EQ(Restore(Build(p, 15)), "OK");
  EXPECT_EQ(Stream().first_id(), StreamID::Max());
  EXPECT_EQ(Stream().entries_added(), 0u);
  EXPECT_EQ(Stream().FindGroup("g1")->entries_read(), 0);
  // Redis 7.0 writes that ID back, and takes it again.
  const std::string dump = Dump();
  EXPECT_EQ(Parse(dump).first, StreamID::Max());
  EXPECT_EQ(Restore(dump), "OK");
}

TEST_F(RdbStreamTest, Type21CarriesActiveTimes) {
  StreamParts p = Parse(dumps_.at("stream_groups"));
  StreamParts::Group& pg = GroupNamed(p, "g");
  for (auto& c : pg.consumers) c.active = c.seen - 1000;
  pg.consumers[2].active = -1;  // carol never read
  ASSERT_EQ(Restore(Build(p, 21)), "OK");
  const types::StreamGroup* g = Stream().FindGroup("g");
  EXPECT_EQ(g->FindConsumer("alice")->active_time_ms, pg.consumers[0].seen - 1000);
  EXPECT_EQ(g->FindConsumer("carol")->active_time_ms, -1);
  // A DUMP is for Redis 7.0: type 19, the active times left out.
  EXPECT_EQ(Dump(), dumps_.at("stream_groups"));
}

TEST_F(RdbStreamTest, FilesOfVersion12WriteType21AndKeepActiveTimes) {
  StreamParts p = Parse(dumps_.at("stream_groups"));
  for (auto& c : GroupNamed(p, "g").consumers) c.active = c.seen + 5;
  ASSERT_EQ(Restore(Build(p, 21)), "OK");
  for (int version : {persistence::kRdbVersion, persistence::kRdbVersionFieldTtl}) {
    std::string file;
    persistence::StringSink sink(&file);
    persistence::RdbSaveOptions opts;
    persistence::RdbStreamWriter w(&sink, opts);
    w.Begin(version);
    w.Key(0, h_.server().keyspace().db(0).LookupRead("k"));
    w.End();
    const bool v3 = version == persistence::kRdbVersionFieldTtl;
    EXPECT_NE(file.find(std::string(v3 ? "\x15" : "\x13") + RdbString("k")), std::string::npos);
    CommandHarness other;
    persistence::RdbLoadStats stats;
    persistence::RdbLoadOptions lo;
    ASSERT_TRUE(persistence::LoadDataset(file, other.server().keyspace(),
                                         other.server().engine_config(), lo, &stats)
                    .ok());
    keyspace::Entry e = other.server().keyspace().db(0).LookupRead("k");
    ASSERT_TRUE(e);
    const auto& s = static_cast<const types::StreamValue&>(*e.object());
    const types::StreamConsumer* alice = s.FindGroup("g")->FindConsumer("alice");
    const int64_t seen = GroupNamed(p, "g").consumers[0].seen;
    EXPECT_EQ(alice->active_time_ms, v3 ? seen + 5 : seen) << version;
    EXPECT_EQ(other.Run({"DUMP", "k"}).ToString(), dumps_.at("stream_groups"));
  }
}

// ------------------------------------------------------------------ refused

TEST_F(RdbStreamTest, InconsistentStreamsAreRefused) {
  const StreamParts good = Parse(dumps_.at("stream_groups"));
  ASSERT_EQ(Restore(Build(good, 19)), "OK");
  const std::string before = Dump();
  std::vector<std::pair<std::string, StreamParts>> bad;
  auto add = [&](const char* what, auto change) {
    StreamParts p = good;
    change(p);
    bad.emplace_back(what, p);
  };
  add("short node key", [](StreamParts& p) { p.nodes[0].first.pop_back(); });
  add("node key off by one", [](StreamParts& p) { p.nodes[0].first[15] ^= 1; });
  add("empty node", [](StreamParts& p) {
    p.nodes[0].second = std::string(types::Listpack().bytes());
  });
  add("node twice", [](StreamParts& p) { p.nodes.push_back(p.nodes[0]); });
  add("length", [](StreamParts& p) { p.length++; });
  add("last ID below the last entry", [](StreamParts& p) { p.last = {8, 0}; });
  add("first ID", [](StreamParts& p) { p.first = {1, 2}; });
  add("entries added", [](StreamParts& p) { p.added = 2; });
  add("group twice", [](StreamParts& p) { p.groups.push_back(GroupNamed(p, "g")); });
  add("PEL entry twice", [](StreamParts& p) {
    StreamParts::Group& g = GroupNamed(p, "g");
    g.pel.push_back(g.pel[0]);
  });
  add("consumer twice", [](StreamParts& p) {
    StreamParts::Group& g = GroupNamed(p, "g");
    g.consumers.push_back(g.consumers[2]);
  });
  add("consumer entry not in the group PEL", [](StreamParts& p) {
    GroupNamed(p, "g").consumers[2].pel.push_back({99, 0});
  });
  add("entry owned twice", [](StreamParts& p) {
    StreamParts::Group& g = GroupNamed(p, "g");
    g.consumers[2].pel.push_back(g.consumers[0].pel[0]);
  });
  add("entry without owner", [](StreamParts& p) { GroupNamed(p, "g").consumers[0].pel.clear(); });
  for (const auto& [what, p] : bad) {
    EXPECT_EQ(Restore(Build(p, 19)), kBadFormat) << what;
    EXPECT_EQ(Restore(Build(p, 21)), kBadFormat) << what;
  }
  // The key holds what it held before: a refused RESTORE changes nothing.
  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(Stream().Length(), 7u);
}

TEST_F(RdbStreamTest, CountsBeyondTheDataAreRefusedBeforeAnyWork) {
  const std::string empty = std::string("\x13") + RdbLen(0) + RdbLen(0) + Id({}) + Id({}) +
                            Id({}) + RdbLen(0);
  ASSERT_EQ(Restore(Payload(empty + RdbLen(0))), "OK");
  const std::string group = RdbString("g") + Id({}) + RdbLen(0);
  for (const std::string& body : {
           std::string("\x13") + RdbLen(1ull << 40),           // nodes
           empty + RdbLen(1ull << 40),                          // groups
           empty + RdbLen(1) + group + RdbLen(1ull << 40),      // group PEL
           empty + RdbLen(1) + group + RdbLen(0) + RdbLen(1ull << 40),  // consumers
           empty + RdbLen(1) + group + RdbLen(0) + RdbLen(1) + RdbString("c") + Ms(0) +
               RdbLen(1ull << 40),  // consumer PEL
       }) {
    EXPECT_EQ(Restore(Payload(body)), kBadFormat);
  }
}

TEST_F(RdbStreamTest, EveryCutOfEveryRedisStreamIsRefused) {
  for (const auto& [name, payload] : dumps_) {
    if (name.rfind("stream_", 0) != 0 || payload.size() > 2000) continue;
    const std::string body = payload.substr(0, payload.size() - 10);
    for (size_t cut = 1; cut < body.size(); ++cut) {
      ASSERT_EQ(Restore(Payload(body.substr(0, cut))), kBadFormat) << name << " cut " << cut;
    }
  }
}

TEST_F(RdbStreamTest, FlippedBytesAreRefusedOrLoadIntoASoundStream) {
  // Whatever loads must dump and load again into the same bytes.
  for (const char* name : {"stream_groups", "stream_deleted", "stream_unordered_deleted"}) {
    const std::string body = Build(Parse(dumps_.at(name)), 19);
    const std::string plain = body.substr(0, body.size() - 10);
    int refused = 0;
    for (size_t i = 1; i < plain.size(); ++i) {
      for (uint8_t mask : {0x01, 0x80, 0xff}) {
        std::string bad = plain;
        bad[i] = static_cast<char>(bad[i] ^ mask);
        const std::string reply = Restore(Payload(bad));
        if (reply != "OK") {
          ++refused;
          continue;
        }
        const std::string dump = Dump();
        ASSERT_EQ(Restore(dump), "OK") << name << " byte " << i;
        ASSERT_EQ(Dump(), dump) << name << " byte " << i;
      }
    }
    EXPECT_GT(refused, static_cast<int>(plain.size())) << name;
  }
}

}  // namespace
}  // namespace osprey::testing
