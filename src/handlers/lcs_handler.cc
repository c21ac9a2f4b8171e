// LCS: the longest common subsequence of two string values, by the classic
// dynamic-programming table (O(N*M) time and 4*N*M bytes, capped by
// proto-max-bulk-len). The walk back through the table is the one Redis
// does, so ties resolve the same way and IDX lists the same ranges.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/numbers.h"
#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "protocol/reply_errors.h"

namespace osprey::handlers {

namespace {

using commands::CommandContext;
using keyspace::Entry;

struct LcsOptions {
  bool len = false;
  bool idx = false;
  bool with_match_len = false;
  int64_t min_match_len = 0;
};

// One run of matching bytes: [a_start, a_end] in the first string equals
// [b_start, b_end] in the second.
struct LcsRange {
  uint32_t a_start, a_end, b_start, b_end;
};

// Option names compare as C strings (Redis uses strcasecmp), so bytes after
// a NUL are ignored.
bool OptionIs(std::string_view arg, std::string_view token) {
  if (size_t nul = arg.find('\0'); nul != std::string_view::npos) arg = arg.substr(0, nul);
  return commands::IsOption(arg, token);
}

bool ParseLcsOptions(CommandContext& ctx, LcsOptions* opts) {
  for (size_t j = 3; j < ctx.argc(); ++j) {
    std::string_view opt = ctx.arg(j);
    if (OptionIs(opt, "IDX")) {
      opts->idx = true;
    } else if (OptionIs(opt, "LEN")) {
      opts->len = true;
    } else if (OptionIs(opt, "WITHMATCHLEN")) {
      opts->with_match_len = true;
    } else if (OptionIs(opt, "MINMATCHLEN") && j + 1 < ctx.argc()) {
      if (!commands::GetInt64(ctx, ctx.arg(++j), &opts->min_match_len)) return false;
      if (opts->min_match_len < 0) opts->min_match_len = 0;
    } else {
      ctx.reply().Error(protocol::ErrorCode::kSyntax);
      return false;
    }
  }
  if (opts->len && opts->idx) {
    ctx.reply().Error("ERR If you want both the length and indexes, please just use IDX.");
    return false;
  }
  return true;
}

// The table of LCS lengths of every pair of prefixes: at(i, j) is the LCS
// length of a[0..i) and b[0..j).
class LcsTable {
 public:
  LcsTable(std::string_view a, std::string_view b, uint32_t* cells)
      : a_(a), b_(b), width_(b.size() + 1), cells_(cells) {
    for (size_t i = 0; i <= a.size(); ++i) {
      for (size_t j = 0; j <= b.size(); ++j) {
        uint32_t v;
        if (i == 0 || j == 0) {
          v = 0;
        } else if (a[i - 1] == b[j - 1]) {
          v = at(i - 1, j - 1) + 1;
        } else {
          v = std::max(at(i - 1, j), at(i, j - 1));
        }
        cells_[i * width_ + j] = v;
      }
    }
  }

  uint32_t at(size_t i, size_t j) const { return cells_[i * width_ + j]; }
  uint32_t length() const { return at(a_.size(), b_.size()); }

  // Walks back from the end, building the subsequence and, when `ranges` is
  // not null, the ranges of contiguous matches (last ones first) that are at
  // least `min_len` long.
  void Walk(int64_t min_len, std::string* lcs, std::vector<LcsRange>* ranges) const {
    lcs->resize(length());
    size_t k = length();
    size_t i = a_.size(), j = b_.size();
    bool open = false;  // a range is being extended backwards
    LcsRange cur{};
    while (i > 0 && j > 0) {
      bool close = false;
      if (a_[i - 1] == b_[j - 1]) {
        (*lcs)[--k] = a_[i - 1];
        if (!open) {
          cur = {static_cast<uint32_t>(i - 1), static_cast<uint32_t>(i - 1),
                 static_cast<uint32_t>(j - 1), static_cast<uint32_t>(j - 1)};
          open = true;
        } else {
          // Matches step diagonally, so an open range always extends.
          --cur.a_start;
          --cur.b_start;
        }
        // Reaching the start of either string ends the walk: close now.
        if (cur.a_start == 0 || cur.b_start == 0) close = true;
        --i;
        --j;
      } else {
        if (at(i - 1, j) > at(i, j - 1)) {
          --i;
        } else {
          --j;
        }
        close = open;
      }
      if (close) {
        const int64_t match_len = static_cast<int64_t>(cur.a_end - cur.a_start) + 1;
        if (ranges && (min_len == 0 || match_len >= min_len)) ranges->push_back(cur);
        open = false;
      }
    }
  }

 private:
  std::string_view a_, b_;
  size_t width_;
  uint32_t* cells_;
};

void ReplyRanges(CommandContext& ctx, const std::vector<LcsRange>& ranges, bool with_len,
                 uint32_t total) {
  protocol::ReplyWriter& r = ctx.reply();
  r.MapLen(2);
  r.Bulk("matches");
  r.ArrayLen(ranges.size());
  for (const LcsRange& m : ranges) {
    r.ArrayLen(with_len ? 3 : 2);
    r.ArrayLen(2);
    r.Integer(m.a_start);
    r.Integer(m.a_end);
    r.ArrayLen(2);
    r.Integer(m.b_start);
    r.Integer(m.b_end);
    if (with_len) r.Integer(static_cast<int64_t>(m.a_end - m.a_start) + 1);
  }
  r.Bulk("len");
  r.Integer(total);
}

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

}  // namespace

void LcsCommand(commands::CommandContext& ctx) {
  keyspace::Db& db = ctx.db();
  // Both keys are looked up (stats, lazy expiry, keymiss events) before the
  // type check and before the options are read.
  Entry a = db.LookupRead(ctx.arg(1));
  const bool a_found = a.valid();
  const bool a_wrong = a_found && !a.is_string();
  Entry b = db.LookupRead(ctx.arg(2));
  if (a_wrong || (b && !b.is_string())) {
    ctx.reply().Error("ERR The specified keys must contain string values");
    return;
  }
  // The second lookup may have deleted an expired key and moved entries.
  if (a_found) a = db.table().Find(ctx.arg(1));

  LcsOptions opts;
  if (!ParseLcsOptions(ctx, &opts)) return;

  char a_buf[base::kMaxInt64Chars + 1], b_buf[base::kMaxInt64Chars + 1];
  std::string_view sa = a ? a.StringValue(a_buf) : std::string_view();
  std::string_view sb = b ? b.StringValue(b_buf) : std::string_view();
  if (sa.size() >= UINT32_MAX - 1 || sb.size() >= UINT32_MAX - 1) {
    ctx.reply().Error("ERR String too long for LCS");
    return;
  }
  const uint64_t cells = (uint64_t{sa.size()} + 1) * (uint64_t{sb.size()} + 1);
  std::unique_ptr<uint32_t, FreeDeleter> table;
  if (cells <= SIZE_MAX / sizeof(uint32_t)) {
    const uint64_t bytes = cells * sizeof(uint32_t);
    if (bytes > static_cast<uint64_t>(ctx.config().proto_max_bulk_len)) {
      ctx.reply().Error(
          "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
      return;
    }
    table.reset(static_cast<uint32_t*>(std::malloc(bytes)));
  }
  if (!table) {
    ctx.reply().Error("ERR Insufficient memory, failed allocating transient memory for LCS");
    return;
  }

  const LcsTable lcs(sa, sb, table.get());
  if (opts.len) {
    ctx.reply().Integer(lcs.length());
    return;
  }
  std::string text;
  std::vector<LcsRange> ranges;
  lcs.Walk(opts.min_match_len, &text, opts.idx ? &ranges : nullptr);
  if (opts.idx) {
    ReplyRanges(ctx, ranges, opts.with_match_len, lcs.length());
  } else {
    ctx.reply().Bulk(text);
  }
}

}  // namespace osprey::handlers
