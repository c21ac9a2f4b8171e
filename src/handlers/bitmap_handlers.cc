// The bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
// BITFIELD_RO. A bitmap is a string value; the bit arithmetic lives in
// types/bitmap.h and this file finds the strings, parses arguments in
// Redis's order (which decides which error a bad request gets) and reports
// writes. Writing bits makes a value "raw" even when nothing changes, as
// Redis's unsharing of the value does; a write grows the string with zero
// bytes up to the highest bit it touches.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "base/numbers.h"
#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/key_helpers.h"
#include "handlers/string_helpers.h"
#include "keyspace/notifications.h"
#include "keyspace/string_value.h"
#include "protocol/reply_errors.h"
#include "types/bitmap.h"
#include "types/heap_string.h"

namespace osprey::handlers {

namespace {

using commands::CommandContext;
using keyspace::Db;
using keyspace::Entry;
using keyspace::ValueKind;
using keyspace::ValueSpec;
using protocol::ErrorCode;
using types::FieldOverflow;
using types::HeapString;

constexpr std::string_view kBadOffset = "ERR bit offset is not an integer or out of range";
constexpr std::string_view kBadBit = "ERR bit is not an integer or out of range";
constexpr std::string_view kBadFieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";

// Option words compare as C strings (Redis uses strcasecmp), so bytes after
// a NUL are ignored: "and\0x" is AND.
std::string_view AsCString(std::string_view arg) {
  const size_t nul = arg.find('\0');
  return nul == std::string_view::npos ? arg : arg.substr(0, nul);
}

bool WordIs(std::string_view arg, std::string_view word) {
  return commands::IsOption(AsCString(arg), word);
}

bool MustObey(const CommandContext& ctx) {
  return (ctx.exec_flags() & (commands::kExecFromMaster | commands::kExecLoading)) != 0;
}

// Reads a bit offset as SETBIT, GETBIT and BITFIELD do: a non-negative
// integer whose byte lies below proto-max-bulk-len (a master and the AOF are
// not limited). With `field_bits` > 0 (BITFIELD) "#N" means N fields of that
// width; the product wraps as a 64-bit multiplication does in Redis.
bool GetBitOffset(CommandContext& ctx, std::string_view arg, unsigned field_bits, uint64_t* out) {
  const bool in_fields = field_bits > 0 && !arg.empty() && arg[0] == '#';
  int64_t v;
  if (!base::ParseInt64(in_fields ? arg.substr(1) : arg, &v)) {
    ctx.reply().Error(kBadOffset);
    return false;
  }
  if (in_fields) v = static_cast<int64_t>(static_cast<uint64_t>(v) * field_bits);
  if (v < 0 || (!MustObey(ctx) && (v >> 3) >= ctx.config().proto_max_bulk_len)) {
    ctx.reply().Error(kBadOffset);
    return false;
  }
  *out = static_cast<uint64_t>(v);
  return true;
}

// A string value opened for changing bits in place. `data` stays valid until
// the key table changes.
struct WritableBits {
  char* data = nullptr;
  size_t size = 0;
  bool grown = false;  // the key was created or its string lengthened
};

// Where the bytes of a raw string entry are, for writing.
char* MutableBytes(Entry e) {
  if (e.kind() == ValueKind::kRawHeap) return e.heap_string()->data();
  return const_cast<char*>(e.string_bytes().data());
}

// Makes the value of `e` a raw string of at least `min_len` bytes (zeros
// appended), converting an int or embstr value. Returns the entry at its
// (possibly new) place.
Entry MakeRawAtLeast(Db& db, Entry e, size_t min_len) {
  if (e.kind() == ValueKind::kRawHeap) {
    HeapString* s = e.heap_string();
    if (s->size() >= min_len) return e;
    return db.table().ReplaceValue(e, ValueSpec::Heap(HeapString::Resize(s, min_len)),
                                   /*free_old=*/false);
  }
  char int_buf[base::kMaxInt64Chars + 1];
  const std::string_view old = e.StringValue(int_buf);
  const size_t len = std::max(old.size(), min_len);
  if (e.kind() == ValueKind::kRawInline && len == old.size()) return e;
  if (len > keyspace::kInlineStringMaxLength) {
    return db.table().ReplaceValue(
        e, ValueSpec::Heap(HeapString::Resize(HeapString::Create(old), len)));
  }
  char buf[keyspace::kInlineStringMaxLength];
  std::memcpy(buf, old.data(), old.size());
  std::memset(buf + old.size(), 0, len - old.size());
  return db.table().ReplaceValue(e, ValueSpec::Inline(std::string_view(buf, len), /*raw=*/true));
}

// Opens the string at `key` for writing bits below byte `min_len`: creates
// a zeroed raw string when the key is missing (the "new" event), otherwise
// makes the value raw and long enough. Replies WRONGTYPE and returns false
// when the key holds another type.
bool OpenForBitWrite(CommandContext& ctx, std::string_view key, size_t min_len, WritableBits* out) {
  Db& db = ctx.db();
  const uint64_t hash = db.table().Hash(key);
  Entry e = db.LookupWrite(key, hash);
  if (!e) {
    ValueSpec spec;
    char buf[keyspace::kInlineStringMaxLength];
    if (min_len <= keyspace::kInlineStringMaxLength) {
      std::memset(buf, 0, min_len);
      spec = ValueSpec::Inline(std::string_view(buf, min_len), /*raw=*/true);
    } else {
      spec = ValueSpec::Heap(HeapString::CreateZeroed(min_len));
    }
    e = db.table().Insert(key, hash, spec, -1, db.NewClock());
    ctx.Notify(keyspace::kNotifyNew, "new", key);
    out->grown = true;
  } else if (!e.is_string()) {
    ctx.reply().Error(ErrorCode::kWrongType);
    return false;
  } else {
    const size_t old_len = e.string_length();
    e = MakeRawAtLeast(db, e, min_len);
    out->grown = e.string_length() != old_len;
  }
  out->data = MutableBytes(e);
  out->size = e.string_length();
  return true;
}

// Reports `changes` bit writes to `key` (WATCH/tracking, the "setbit"
// event, dirtiness); nothing when there were none.
void BitsModified(CommandContext& ctx, std::string_view key, uint64_t changes) {
  if (changes == 0) return;
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyString, "setbit", key);
  ctx.AddDirty(changes);
}

// A byte or bit index range [start, end] as BITCOUNT and BITPOS take it,
// turned into bit positions within a string of `len` bytes. Negative
// indexes count from the end; the range is clipped to the string.
struct BitRange {
  int64_t first = 0;
  int64_t last = -1;
  bool empty() const { return first > last; }
};

BitRange ClipRange(int64_t start, int64_t end, int64_t len, bool in_bits) {
  const int64_t total = in_bits ? len * 8 : len;
  if (start < 0) start += total;
  if (end < 0) end += total;
  start = std::max<int64_t>(start, 0);
  end = std::max<int64_t>(end, 0);
  if (end >= total) end = total - 1;
  if (start > end) return BitRange{};
  return in_bits ? BitRange{start, end} : BitRange{start * 8, end * 8 + 7};
}

// Reads BYTE or BIT; replies "syntax error" otherwise.
bool GetIndexUnit(CommandContext& ctx, std::string_view arg, bool* in_bits) {
  if (WordIs(arg, "bit")) {
    *in_bits = true;
  } else if (WordIs(arg, "byte")) {
    *in_bits = false;
  } else {
    ctx.reply().Error(ErrorCode::kSyntax);
    return false;
  }
  return true;
}

// ---------------------------------------------------------------- BITOP

bool ParseBitOp(std::string_view arg, types::BitOp* op) {
  if (WordIs(arg, "and")) {
    *op = types::BitOp::kAnd;
  } else if (WordIs(arg, "or")) {
    *op = types::BitOp::kOr;
  } else if (WordIs(arg, "xor")) {
    *op = types::BitOp::kXor;
  } else if (WordIs(arg, "not")) {
    *op = types::BitOp::kNot;
  } else {
    return false;
  }
  return true;
}

// Stores the BITOP result (built by `fill` into `len` bytes) under `key` as
// SET would: a raw string, any old value and TTL gone.
template <typename Fill>
void StoreBitOpResult(CommandContext& ctx, std::string_view key, size_t len, Fill fill) {
  Db& db = ctx.db();
  ValueSpec spec;
  char buf[keyspace::kInlineStringMaxLength];
  if (len <= keyspace::kInlineStringMaxLength) {
    fill(buf);
    spec = ValueSpec::Inline(std::string_view(buf, len), /*raw=*/true);
  } else {
    HeapString* s = HeapString::CreateZeroed(len);
    fill(s->data());
    spec = ValueSpec::Heap(s);
  }
  const uint64_t hash = db.table().Hash(key);
  if (Entry e = db.LookupWrite(key, hash)) {
    db.Overwrite(e, spec, /*keep_ttl=*/false);
  } else {
    db.table().Insert(key, hash, spec, -1, db.NewClock());
    ctx.Notify(keyspace::kNotifyNew, "new", key);
  }
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyString, "set", key);
  ctx.AddDirty(1);
}

}  // namespace

void SetBitCommand(commands::CommandContext& ctx) {
  uint64_t offset;
  if (!GetBitOffset(ctx, ctx.arg(2), 0, &offset)) return;
  int64_t on;
  if (!base::ParseInt64(ctx.arg(3), &on) || (on & ~int64_t{1}) != 0) {
    ctx.reply().Error(kBadBit);
    return;
  }
  WritableBits bits;
  if (!OpenForBitWrite(ctx, ctx.arg(1), (offset >> 3) + 1, &bits)) return;
  const std::string_view view(bits.data, bits.size);
  const bool old = types::GetBit(view, offset);
  if (bits.grown || old != (on == 1)) {
    types::SetBit(bits.data, offset, on == 1);
    BitsModified(ctx, ctx.arg(1), 1);
  }
  ctx.reply().Integer(old ? 1 : 0);
}

void GetBitCommand(commands::CommandContext& ctx) {
  uint64_t offset;
  if (!GetBitOffset(ctx, ctx.arg(2), 0, &offset)) return;
  Entry e = LookupStringForRead(ctx, ctx.arg(1), [&] { ctx.reply().Integer(0); });
  if (!e) return;
  char int_buf[base::kMaxInt64Chars + 1];
  ctx.reply().Integer(types::GetBit(e.StringValue(int_buf), offset) ? 1 : 0);
}

// BITCOUNT key [start end [BYTE|BIT]]. A missing key counts 0 before any
// argument is read; "start end" both negative with start > end is 0 before
// the unit is read.
void BitCountCommand(commands::CommandContext& ctx) {
  Entry e = LookupStringForRead(ctx, ctx.arg(1), [&] { ctx.reply().Integer(0); });
  if (!e) return;
  char int_buf[base::kMaxInt64Chars + 1];
  const std::string_view s = e.StringValue(int_buf);
  const auto len = static_cast<int64_t>(s.size());
  BitRange range{0, len * 8 - 1};
  if (ctx.argc() == 4 || ctx.argc() == 5) {
    int64_t start, end;
    if (!commands::GetInt64(ctx, ctx.arg(2), &start)) return;
    if (!commands::GetInt64(ctx, ctx.arg(3), &end)) return;
    if (start < 0 && end < 0 && start > end) {
      ctx.reply().Integer(0);
      return;
    }
    bool in_bits = false;
    if (ctx.argc() == 5 && !GetIndexUnit(ctx, ctx.arg(4), &in_bits)) return;
    range = ClipRange(start, end, len, in_bits);
  } else if (ctx.argc() != 2) {
    ctx.reply().Error(ErrorCode::kSyntax);
    return;
  }
  if (range.empty()) {
    ctx.reply().Integer(0);
    return;
  }
  const auto count =
      types::CountBits(s, static_cast<uint64_t>(range.first), static_cast<uint64_t>(range.last));
  ctx.reply().Integer(static_cast<int64_t>(count));
}

// BITPOS key bit [start [end [BYTE|BIT]]]. A missing key is an endless run
// of zeros (0 for bit 0, -1 for bit 1). Looking for a 0 that is not there
// answers the first bit past the range, as if the string went on with
// zeros, unless the caller gave an explicit end: then -1.
void BitPosCommand(commands::CommandContext& ctx) {
  int64_t bit;
  if (!commands::GetInt64(ctx, ctx.arg(2), &bit)) return;
  if (bit != 0 && bit != 1) {
    ctx.reply().Error("ERR The bit argument must be 1 or 0.");
    return;
  }
  Entry e = LookupStringForRead(ctx, ctx.arg(1), [&] { ctx.reply().Integer(bit == 1 ? -1 : 0); });
  if (!e) return;
  char int_buf[base::kMaxInt64Chars + 1];
  const std::string_view s = e.StringValue(int_buf);
  const auto len = static_cast<int64_t>(s.size());
  BitRange range{0, len * 8 - 1};
  bool end_given = false;
  if (ctx.argc() >= 4 && ctx.argc() <= 6) {
    int64_t start, end = -1;
    if (!commands::GetInt64(ctx, ctx.arg(3), &start)) return;
    bool in_bits = false;
    if (ctx.argc() == 6 && !GetIndexUnit(ctx, ctx.arg(5), &in_bits)) return;
    if (ctx.argc() >= 5) {
      if (!commands::GetInt64(ctx, ctx.arg(4), &end)) return;
      end_given = true;
    }
    range = ClipRange(start, end, len, in_bits);
  } else if (ctx.argc() != 3) {
    ctx.reply().Error(ErrorCode::kSyntax);
    return;
  }
  if (range.empty()) {
    ctx.reply().Integer(-1);
    return;
  }
  int64_t pos = types::FindBit(s, bit == 1, static_cast<uint64_t>(range.first),
                               static_cast<uint64_t>(range.last));
  if (pos < 0 && bit == 0 && !end_given) pos = range.last + 1;
  ctx.reply().Integer(pos);
}

// BITOP op destkey key [key ...]. Missing keys are empty strings; the result
// is as long as the longest source. An empty result deletes the destination
// (even one whose TTL has passed but that is still stored, as Redis's
// delete does not look at TTLs).
void BitOpCommand(commands::CommandContext& ctx) {
  types::BitOp op;
  if (!ParseBitOp(ctx.arg(1), &op)) {
    ctx.reply().Error(ErrorCode::kSyntax);
    return;
  }
  if (op == types::BitOp::kNot && ctx.argc() != 4) {
    ctx.reply().Error("ERR BITOP NOT must be called with a single source key.");
    return;
  }
  const std::string_view dest = ctx.arg(2);
  const size_t num_sources = ctx.argc() - 3;
  Db& db = ctx.db();
  // First pass: the lookups proper (stats, lazy expiry, type checks), which
  // may delete expired keys and so move other entries.
  for (size_t j = 0; j < num_sources; ++j) {
    Entry e = db.LookupRead(ctx.arg(3 + j));
    if (e && !e.is_string()) {
      ctx.reply().Error(ErrorCode::kWrongType);
      return;
    }
  }
  // Second pass: views of the values. These lookups change nothing, so the
  // views stay valid until the result is stored.
  constexpr uint32_t kQuietLookup = keyspace::kLookupNoTouch | keyspace::kLookupNoStats |
                                    keyspace::kLookupNoNotify | keyspace::kLookupNoExpire;
  std::vector<std::string_view> sources(num_sources);
  std::vector<std::string> ints;
  ints.reserve(num_sources);  // views into it must not move
  size_t max_len = 0;
  for (size_t j = 0; j < num_sources; ++j) {
    Entry e = db.Lookup(ctx.arg(3 + j), kQuietLookup);
    if (!e) continue;
    if (e.kind() == ValueKind::kInt) {
      char buf[base::kMaxInt64Chars + 1];
      sources[j] = ints.emplace_back(e.StringValue(buf));
    } else {
      sources[j] = e.string_bytes();
    }
    max_len = std::max(max_len, sources[j].size());
  }
  if (max_len > 0) {
    StoreBitOpResult(ctx, dest, max_len,
                     [&](char* out) { types::CombineBits(op, sources, out, max_len); });
  } else if (Entry e = db.table().Find(dest)) {
    EraseKey(db, e, ctx.config().lazyfree_lazy_server_del);
    ctx.KeyModified(dest);
    ctx.Notify(keyspace::kNotifyGeneric, "del", dest);
    ctx.AddDirty(1);
  }
  ctx.reply().Integer(static_cast<int64_t>(max_len));
}

// ---------------------------------------------------------------- BITFIELD

namespace {

enum class FieldOpKind : uint8_t { kGet, kSet, kIncrBy };

struct FieldOp {
  FieldOpKind kind = FieldOpKind::kGet;
  FieldOverflow overflow = FieldOverflow::kWrap;
  bool is_signed = false;
  unsigned bits = 0;
  uint64_t offset = 0;
  int64_t value = 0;  // SET value or INCRBY increment
};

// A field type: 'i' or 'u' (lower case only) then the width, i1..i64 or
// u1..u63 (an unsigned 64-bit value would not fit an integer reply). The
// width is read up to a NUL byte, as a C string.
bool GetFieldType(CommandContext& ctx, std::string_view arg, FieldOp* op) {
  int64_t bits = 0;
  const bool ok = !arg.empty() && (arg[0] == 'i' || arg[0] == 'u') &&
                  base::ParseInt64(AsCString(arg.substr(1)), &bits) && bits >= 1 &&
                  bits <= (arg[0] == 'i' ? 64 : 63);
  if (!ok) {
    ctx.reply().Error(kBadFieldType);
    return false;
  }
  op->is_signed = arg[0] == 'i';
  op->bits = static_cast<unsigned>(bits);
  return true;
}

// Parses the subcommands from argument 2 on, in order; OVERFLOW changes the
// mode of the operations after it. Sets *highest_write to the last bit a
// SET or INCRBY touches and *writes when there is one.
bool ParseFieldOps(CommandContext& ctx, std::vector<FieldOp>* ops, bool* writes,
                   uint64_t* highest_write) {
  FieldOverflow overflow = FieldOverflow::kWrap;
  for (size_t j = 2; j < ctx.argc(); ++j) {
    const size_t rest = ctx.argc() - j - 1;
    const std::string_view sub = ctx.arg(j);
    FieldOp op;
    if (WordIs(sub, "get") && rest >= 2) {
      op.kind = FieldOpKind::kGet;
    } else if (WordIs(sub, "set") && rest >= 3) {
      op.kind = FieldOpKind::kSet;
    } else if (WordIs(sub, "incrby") && rest >= 3) {
      op.kind = FieldOpKind::kIncrBy;
    } else if (WordIs(sub, "overflow") && rest >= 1) {
      const std::string_view mode = ctx.arg(++j);
      if (WordIs(mode, "wrap")) {
        overflow = FieldOverflow::kWrap;
      } else if (WordIs(mode, "sat")) {
        overflow = FieldOverflow::kSat;
      } else if (WordIs(mode, "fail")) {
        overflow = FieldOverflow::kFail;
      } else {
        ctx.reply().Error("ERR Invalid OVERFLOW type specified");
        return false;
      }
      continue;
    } else {
      ctx.reply().Error(ErrorCode::kSyntax);
      return false;
    }
    op.overflow = overflow;
    if (!GetFieldType(ctx, ctx.arg(j + 1), &op)) return false;
    if (!GetBitOffset(ctx, ctx.arg(j + 2), op.bits, &op.offset)) return false;
    if (op.kind != FieldOpKind::kGet) {
      *writes = true;
      *highest_write = std::max(*highest_write, op.offset + op.bits - 1);
      if (!commands::GetInt64(ctx, ctx.arg(j + 3), &op.value)) return false;
    }
    ops->push_back(op);
    j += op.kind == FieldOpKind::kGet ? 2 : 3;
  }
  return true;
}

void ReplyFieldGet(CommandContext& ctx, std::string_view bytes, const FieldOp& op) {
  if (op.is_signed) {
    ctx.reply().Integer(types::GetSignedField(bytes, op.offset, op.bits));
  } else {
    ctx.reply().Integer(static_cast<int64_t>(types::GetUnsignedField(bytes, op.offset, op.bits)));
  }
}

// Runs a SET or INCRBY on the opened string and replies (the old value for
// SET, the new one for INCRBY, nil when OVERFLOW FAIL refuses). Returns
// whether it counts as a change: a write on a created or grown string, or
// one that changed the field.
bool RunFieldWrite(CommandContext& ctx, const WritableBits& bits, const FieldOp& op) {
  const std::string_view view(bits.data, bits.size);
  const int64_t incr = op.kind == FieldOpKind::kIncrBy ? op.value : 0;
  uint64_t old_raw, new_raw;
  int64_t reply;
  bool overflow;
  if (op.is_signed) {
    const int64_t old = types::GetSignedField(view, op.offset, op.bits);
    const int64_t base = op.kind == FieldOpKind::kIncrBy ? old : op.value;
    int64_t limited = 0;
    overflow = types::SignedFieldOverflows(base, incr, op.bits, op.overflow, &limited);
    const int64_t next =
        overflow ? limited
                 : static_cast<int64_t>(static_cast<uint64_t>(base) + static_cast<uint64_t>(incr));
    old_raw = static_cast<uint64_t>(old);
    new_raw = static_cast<uint64_t>(next);
    reply = op.kind == FieldOpKind::kIncrBy ? next : old;
  } else {
    const uint64_t old = types::GetUnsignedField(view, op.offset, op.bits);
    const uint64_t base = op.kind == FieldOpKind::kIncrBy ? old : static_cast<uint64_t>(op.value);
    uint64_t limited = 0;
    overflow = types::UnsignedFieldOverflows(base, incr, op.bits, op.overflow, &limited);
    const uint64_t next = overflow ? limited : base + static_cast<uint64_t>(incr);
    old_raw = old;
    new_raw = next;
    reply = static_cast<int64_t>(op.kind == FieldOpKind::kIncrBy ? next : old);
  }
  if (overflow && op.overflow == FieldOverflow::kFail) {
    ctx.reply().Null();
    return false;
  }
  ctx.reply().Integer(reply);
  types::SetField(bits.data, op.offset, op.bits, new_raw);
  return bits.grown || old_raw != new_raw;
}

// BITFIELD and BITFIELD_RO. Only GETs: a read (missing key reads zeros,
// nothing is created). Any SET or INCRBY: the string is opened for writing
// (created, made raw, grown to the highest bit written) even if every write
// then fails under OVERFLOW FAIL; events and dirtiness count the changes.
void BitFieldGeneric(CommandContext& ctx, bool read_only_command) {
  std::vector<FieldOp> ops;
  bool writes = false;
  uint64_t highest_write = 0;
  if (!ParseFieldOps(ctx, &ops, &writes, &highest_write)) return;
  const std::string_view key = ctx.arg(1);
  if (!writes) {
    Entry e = ctx.db().LookupRead(key);
    if (e && !e.is_string()) {
      ctx.reply().Error(ErrorCode::kWrongType);
      return;
    }
    char int_buf[base::kMaxInt64Chars + 1];
    const std::string_view s = e ? e.StringValue(int_buf) : std::string_view();
    ctx.reply().ArrayLen(ops.size());
    for (const FieldOp& op : ops) ReplyFieldGet(ctx, s, op);
    return;
  }
  if (read_only_command) {
    ctx.reply().Error("ERR BITFIELD_RO only supports the GET subcommand");
    return;
  }
  WritableBits bits;
  if (!OpenForBitWrite(ctx, key, (highest_write >> 3) + 1, &bits)) return;
  ctx.reply().ArrayLen(ops.size());
  uint64_t changes = 0;
  for (const FieldOp& op : ops) {
    if (op.kind == FieldOpKind::kGet) {
      ReplyFieldGet(ctx, std::string_view(bits.data, bits.size), op);
    } else if (RunFieldWrite(ctx, bits, op)) {
      ++changes;
    }
  }
  BitsModified(ctx, key, changes);
}

}  // namespace

void BitFieldCommand(commands::CommandContext& ctx) { BitFieldGeneric(ctx, false); }

void BitFieldRoCommand(commands::CommandContext& ctx) { BitFieldGeneric(ctx, true); }

}  // namespace osprey::handlers
