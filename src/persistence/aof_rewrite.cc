#include "persistence/aof_rewrite.h"

#include <charconv>
#include <cstdio>

#include "base/check.h"
#include "keyspace/db.h"
#include "keyspace/keyspace.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/stream.h"
#include "types/zset.h"

namespace osprey::persistence {

using keyspace::Entry;
using types::ValueType;

namespace {

// RESP pieces, written straight into the output.
void AppendCount(std::string* out, char prefix, uint64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), n);
  (void)ec;
  out->push_back(prefix);
  out->append(buf, end);
  out->append("\r\n");
}

void AppendBulk(std::string* out, std::string_view s) {
  AppendCount(out, '$', s.size());
  out->append(s);
  out->append("\r\n");
}

void AppendBulkInt(std::string* out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  (void)ec;
  AppendBulk(out, std::string_view(buf, static_cast<size_t>(end - buf)));
}

// A stored element: an integer as its decimal text, bytes as they are.
void AppendBulkScalar(std::string* out, const types::ListpackValue& v) {
  if (v.is_int) {
    AppendBulkInt(out, v.i);
  } else {
    AppendBulk(out, v.s);
  }
}

// Scores as Redis writes them in a rewrite: printf's %.17g ("inf", "-0",
// "0.10000000000000001"), which ZADD reads back to the same double.
void AppendBulkScore(std::string* out, double score) {
  char buf[64];
  const int n = std::snprintf(buf, sizeof(buf), "%.17g", score);
  AppendBulk(out, std::string_view(buf, static_cast<size_t>(n)));
}

// Writes `total` items of `per_item` arguments each as commands of at most
// kAofRewriteItemsPerCommand items: Next() before each item starts a new
// command when the last one is full.
class Batcher {
 public:
  Batcher(std::string* out, std::string_view command, std::string_view key, size_t total,
          size_t per_item)
      : out_(out), command_(command), key_(key), left_(total), per_item_(per_item) {}

  void Next() {
    if (in_command_ == 0) {
      const size_t items = left_ < kAofRewriteItemsPerCommand ? left_ : kAofRewriteItemsPerCommand;
      AppendCount(out_, '*', 2 + items * per_item_);
      AppendBulk(out_, command_);
      AppendBulk(out_, key_);
    }
    if (++in_command_ == kAofRewriteItemsPerCommand) in_command_ = 0;
    --left_;
  }

 private:
  std::string* out_;
  std::string_view command_;
  std::string_view key_;
  size_t left_;
  size_t per_item_;
  size_t in_command_ = 0;
};

void AppendString(std::string* out, std::string_view key, Entry e) {
  AppendCount(out, '*', 3);
  AppendBulk(out, "SET");
  AppendBulk(out, key);
  if (e.kind() == keyspace::ValueKind::kInt) {
    AppendBulkInt(out, e.int_value());
  } else {
    AppendBulk(out, e.string_bytes());
  }
}

void AppendList(std::string* out, std::string_view key, const types::ListValue& list) {
  Batcher batch(out, "RPUSH", key, list.size(), 1);
  list.ForEach([&](const types::ListElement& v) {
    batch.Next();
    AppendBulkScalar(out, v);
  });
}

void AppendSet(std::string* out, std::string_view key, const types::SetValue& set) {
  Batcher batch(out, "SADD", key, set.size(), 1);
  set.ForEach([&](std::string_view member) {
    batch.Next();
    AppendBulk(out, member);
  });
}

void AppendZSet(std::string* out, std::string_view key, const types::ZSetValue& z) {
  Batcher batch(out, "ZADD", key, z.size(), 2);
  for (auto it = z.First(); it.Valid(); it.Next()) {
    batch.Next();
    AppendBulkScore(out, it.score());
    AppendBulk(out, it.member());
  }
}

void AppendHash(std::string* out, std::string_view key, const types::HashValue& h) {
  using FieldView = types::HashValue::FieldView;
  if (h.NextExpireBound() == types::kNoFieldExpire) {
    Batcher batch(out, "HMSET", key, h.Size(), 2);
    h.ForEach([&](const FieldView& f) {
      batch.Next();
      AppendBulkScalar(out, f.field);
      AppendBulkScalar(out, f.value);
    });
    return;
  }
  // Some field has a time: each field alone, its time right after it.
  h.ForEach([&](const FieldView& f) {
    AppendCount(out, '*', 4);
    AppendBulk(out, "HMSET");
    AppendBulk(out, key);
    AppendBulkScalar(out, f.field);
    AppendBulkScalar(out, f.value);
    if (f.expire_ms == types::kNoFieldExpire) return;
    AppendCount(out, '*', 6);
    AppendBulk(out, "HPEXPIREAT");
    AppendBulk(out, key);
    AppendBulkInt(out, f.expire_ms);
    AppendBulk(out, "FIELDS");
    AppendBulk(out, "1");
    AppendBulkScalar(out, f.field);
  });
}

void AppendBulkId(std::string* out, types::StreamID id) {
  char buf[types::kStreamIdMaxText];
  AppendBulk(out, std::string_view(buf, id.Format(buf)));
}

// XGROUP CREATE, then each consumer: XCLAIM ... JUSTID FORCE for each entry
// it owns (with its delivery time and count), or XGROUP CREATECONSUMER
// when it owns none.
void AppendStreamGroup(std::string* out, std::string_view key, std::string_view name,
                       const types::StreamGroup& g) {
  AppendCount(out, '*', 7);
  AppendBulk(out, "XGROUP");
  AppendBulk(out, "CREATE");
  AppendBulk(out, key);
  AppendBulk(out, name);
  AppendBulkId(out, g.last_id());
  AppendBulk(out, "ENTRIESREAD");
  AppendBulkInt(out, g.entries_read());
  for (const auto& [consumer, c] : g.consumers()) {
    if (c->pel.empty()) {
      AppendCount(out, '*', 5);
      AppendBulk(out, "XGROUP");
      AppendBulk(out, "CREATECONSUMER");
      AppendBulk(out, key);
      AppendBulk(out, name);
      AppendBulk(out, consumer);
      continue;
    }
    for (const auto& [id, p] : c->pel) {
      AppendCount(out, '*', 12);
      AppendBulk(out, "XCLAIM");
      AppendBulk(out, key);
      AppendBulk(out, name);
      AppendBulk(out, consumer);
      AppendBulk(out, "0");
      AppendBulkId(out, id);
      AppendBulk(out, "TIME");
      AppendBulkInt(out, p->delivery_time_ms);
      AppendBulk(out, "RETRYCOUNT");
      AppendBulkInt(out, static_cast<int64_t>(p->delivery_count));
      AppendBulk(out, "JUSTID");
      AppendBulk(out, "FORCE");
    }
  }
}

// Each entry as XADD with its ID (an empty stream as XADD MAXLEN 0 of a
// throwaway entry, which creates the key and keeps nothing), XSETID with
// the metadata the XADDs cannot restore, then the groups.
void AppendStream(std::string* out, std::string_view key, const types::StreamValue& s) {
  if (s.Length() > 0) {
    s.Range(types::StreamID::Min(), types::StreamID::Max(), false,
            [&](const types::StreamEntry& e) {
              AppendCount(out, '*', 3 + e.field_values.size());
              AppendBulk(out, "XADD");
              AppendBulk(out, key);
              AppendBulkId(out, e.id);
              for (const types::ListpackValue& v : e.field_values) AppendBulkScalar(out, v);
              return true;
            });
  } else {
    AppendCount(out, '*', 7);
    AppendBulk(out, "XADD");
    AppendBulk(out, key);
    AppendBulk(out, "MAXLEN");
    AppendBulk(out, "0");
    AppendBulk(out, "0-1");
    AppendBulk(out, "x");
    AppendBulk(out, "y");
  }
  AppendCount(out, '*', 7);
  AppendBulk(out, "XSETID");
  AppendBulk(out, key);
  AppendBulkId(out, s.last_id());
  AppendBulk(out, "ENTRIESADDED");
  AppendBulkInt(out, static_cast<int64_t>(s.entries_added()));
  AppendBulk(out, "MAXDELETEDID");
  AppendBulkId(out, s.max_deleted_id());
  for (const auto& [name, g] : s.groups()) AppendStreamGroup(out, key, name, *g);
}

}  // namespace

void AppendKeyAsCommands(std::string* out, std::string_view key, Entry e) {
  switch (e.type()) {
    case ValueType::kString:
      AppendString(out, key, e);
      break;
    case ValueType::kList:
      AppendList(out, key, static_cast<const types::ListValue&>(*e.object()));
      break;
    case ValueType::kSet:
      AppendSet(out, key, static_cast<const types::SetValue&>(*e.object()));
      break;
    case ValueType::kZSet:
      AppendZSet(out, key, static_cast<const types::ZSetValue&>(*e.object()));
      break;
    case ValueType::kHash:
      AppendHash(out, key, static_cast<const types::HashValue&>(*e.object()));
      break;
    case ValueType::kStream:
      AppendStream(out, key, static_cast<const types::StreamValue&>(*e.object()));
      break;
    case ValueType::kModule:
      OSPREY_CHECK(false && "no command form for this value type yet");
      return;
  }
  if (e.has_expire()) {
    AppendCount(out, '*', 3);
    AppendBulk(out, "PEXPIREAT");
    AppendBulk(out, key);
    AppendBulkInt(out, e.expire_ms());
  }
}

void AppendDatasetAsCommands(std::string* out, const keyspace::Keyspace& ks) {
  for (int i = 0; i < ks.db_count(); ++i) {
    const keyspace::Db& db = ks.db(i);
    if (db.size() == 0) continue;
    AppendCount(out, '*', 2);
    AppendBulk(out, "SELECT");
    AppendBulkInt(out, i);
    db.table().ForEach([&](Entry e) { AppendKeyAsCommands(out, e.key(), e); });
  }
}

}  // namespace osprey::persistence
