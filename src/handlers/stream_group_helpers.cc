#include "handlers/stream_group_helpers.h"

#include <string>

#include "base/ascii.h"
#include "base/numbers.h"
#include "keyspace/notifications.h"

namespace osprey::handlers {

using commands::CommandContext;
using types::StreamConsumer;
using types::StreamGroup;
using types::StreamID;

std::string_view UpToNul(std::string_view text) {
  const size_t nul = text.find('\0');
  return nul == std::string_view::npos ? text : text.substr(0, nul);
}

std::string StreamSubcommandSyntaxError(const CommandContext& ctx) {
  // Redis prints at most 128 bytes of the subcommand.
  const std::string_view sub = UpToNul(ctx.arg(1)).substr(0, 128);
  std::string out = "ERR unknown subcommand or wrong number of arguments for '";
  out.append(sub);
  out.append("'. Try ");
  out.append(base::AsciiToUpper(UpToNul(ctx.arg(0))));
  out.append(" HELP.");
  return out;
}

std::string NoGroupError(std::string_view key, std::string_view group, std::string_view suffix) {
  std::string out = "NOGROUP No such key '";
  out.append(UpToNul(key));
  out.append("' or consumer group '");
  out.append(UpToNul(group));
  out.append("'");
  out.append(suffix);
  return out;
}

std::string NoConsumerGroupError(std::string_view group, std::string_view key) {
  std::string out = "NOGROUP No such consumer group '";
  out.append(UpToNul(group));
  out.append("' for key name '");
  out.append(UpToNul(key));
  out.append("'");
  return out;
}

StreamConsumer* LookupOrCreateConsumer(CommandContext& ctx, std::string_view key,
                                       StreamGroup* group, std::string_view name, bool* created) {
  bool is_new;
  StreamConsumer* consumer = group->FindOrCreateConsumer(name, ctx.now_ms(), &is_new);
  if (is_new) {
    ctx.AddDirty();
    ctx.Notify(keyspace::kNotifyStream, "xgroup-createconsumer", key);
  } else {
    consumer->seen_time_ms = ctx.now_ms();
  }
  if (created != nullptr) *created = is_new;
  return consumer;
}

bool StreamHasEntry(const types::StreamValue& stream, StreamID id) {
  types::StreamEntry entry;
  return stream.Find(id, &entry);
}

std::string StreamIdText(StreamID id) {
  char buf[types::kStreamIdMaxText];
  return std::string(buf, id.Format(buf));
}

void PropagateClaim(CommandContext& ctx, std::string_view key, std::string_view group_name,
                    const StreamGroup& group, std::string_view id_text,
                    const types::StreamPendingEntry& entry) {
  char time_buf[base::kMaxInt64Chars + 1];
  const std::string_view time(time_buf, base::FormatInt64(entry.delivery_time_ms, time_buf));
  char count_buf[base::kMaxInt64Chars + 1];
  const std::string_view count(
      count_buf, base::FormatInt64(static_cast<int64_t>(entry.delivery_count), count_buf));
  const std::string last_id = StreamIdText(group.last_id());
  ctx.AlsoPropagate({"XCLAIM", key, group_name, entry.consumer->name, "0", id_text, "TIME", time,
                     "RETRYCOUNT", count, "FORCE", "JUSTID", "LASTID", last_id});
}

void PropagateGroupPosition(CommandContext& ctx, std::string_view key, std::string_view group_name,
                            const StreamGroup& group) {
  const std::string last_id = StreamIdText(group.last_id());
  char read_buf[base::kMaxInt64Chars + 1];
  const std::string_view read(read_buf, base::FormatInt64(group.entries_read(), read_buf));
  ctx.AlsoPropagate({"XGROUP", "SETID", key, group_name, last_id, "ENTRIESREAD", read});
}

void PropagateConsumerCreation(CommandContext& ctx, std::string_view key,
                               std::string_view group_name, std::string_view consumer) {
  ctx.AlsoPropagate({"XGROUP", "CREATECONSUMER", key, group_name, consumer});
}

}  // namespace osprey::handlers
