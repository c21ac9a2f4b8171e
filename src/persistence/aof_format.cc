#include "persistence/aof_format.h"

#include <charconv>
#include <cstring>

#include "base/crc64.h"

namespace osprey::persistence {

namespace {

template <typename Str>
void AppendCommand(std::string& out, std::span<const Str> args) {
  out += '*';
  out += std::to_string(args.size());
  out += "\r\n";
  for (const auto& a : args) {
    out += '$';
    out += std::to_string(a.size());
    out += "\r\n";
    out.append(a.data(), a.size());
    out += "\r\n";
  }
}

// Arrays and bulk strings longer than this are no command we wrote (Redis
// bounds a bulk by proto-max-bulk-len, at most 512 MB by default; allow
// what a larger setting could have let in, but refuse absurd counts that
// would only exhaust memory).
constexpr int64_t kMaxArgs = int64_t{1} << 31;
constexpr int64_t kMaxBulk = int64_t{1} << 40;

}  // namespace

void AppendAofCommand(std::string& out, std::span<const std::string_view> args) {
  AppendCommand(out, args);
}
void AppendAofCommand(std::string& out, std::span<const std::string> args) {
  AppendCommand(out, args);
}

void AppendAofTimestamp(std::string& out, int64_t unix_seconds) {
  out += "#TS:";
  out += std::to_string(unix_seconds);
  out += "\r\n";
}

size_t FindRdbPreambleEnd(std::string_view data) {
  constexpr size_t kTrailer = 8;
  uint64_t crc = 0;
  size_t crc_upto = 0;  // crc covers data[0, crc_upto)
  size_t from = 0;
  while (from < data.size()) {
    const void* hit = std::memchr(data.data() + from, 0xFF, data.size() - from);
    if (hit == nullptr) break;
    const size_t eof = static_cast<size_t>(static_cast<const char*>(hit) - data.data());
    from = eof + 1;
    if (data.size() - from < kTrailer) break;
    crc = base::Crc64(crc, data.data() + crc_upto, from - crc_upto);
    crc_upto = from;
    uint64_t stored = 0;
    for (size_t i = 0; i < kTrailer; ++i) {
      stored |= static_cast<uint64_t>(static_cast<uint8_t>(data[from + i])) << (8 * i);
    }
    const size_t end = from + kTrailer;
    if ((stored == crc || stored == 0) && (end == data.size() || data[end] == '*')) return end;
  }
  return std::string_view::npos;
}

bool AofParser::ReadCount(char prefix, int64_t* n, bool* torn) {
  *torn = false;
  if (pos_ >= data_.size()) {
    *torn = true;
    return false;
  }
  if (data_[pos_] != prefix) {
    error_offset_ = pos_;
    return false;
  }
  const size_t eol = data_.find("\r\n", pos_ + 1);
  if (eol == std::string_view::npos) {
    // No line end yet: torn unless what is there already is no number.
    for (size_t i = pos_ + 1; i < data_.size(); ++i) {
      const char ch = data_[i];
      if ((ch < '0' || ch > '9') && !(ch == '\r' && i + 1 == data_.size())) {
        error_offset_ = i;
        return false;
      }
    }
    *torn = true;
    return false;
  }
  const char* first = data_.data() + pos_ + 1;
  const char* last = data_.data() + eol;
  auto [ptr, ec] = std::from_chars(first, last, *n);
  if (ec != std::errc() || ptr != last || first == last) {
    error_offset_ = pos_;
    return false;
  }
  pos_ = eol + 2;
  ++lines_;
  return true;
}

AofParse AofParser::Next(std::vector<std::string_view>* args) {
  args->clear();
  // Annotations: whole lines starting with '#'.
  while (pos_ < data_.size() && data_[pos_] == '#') {
    const size_t eol = data_.find('\n', pos_);
    command_offset_ = pos_;
    if (eol == std::string_view::npos) return AofParse::kTruncated;
    pos_ = eol + 1;
    if (report_annotations_) {
      args->push_back(data_.substr(command_offset_, pos_ - command_offset_));
      return AofParse::kAnnotation;
    }
  }
  command_offset_ = pos_;
  if (pos_ >= data_.size()) return AofParse::kEnd;
  int64_t argc = 0;
  bool torn = false;
  if (!ReadCount('*', &argc, &torn)) return torn ? AofParse::kTruncated : AofParse::kBadFormat;
  if (argc < 1 || argc > kMaxArgs) {
    error_offset_ = command_offset_;
    return AofParse::kBadFormat;
  }
  for (int64_t i = 0; i < argc; ++i) {
    int64_t len = 0;
    if (!ReadCount('$', &len, &torn)) return torn ? AofParse::kTruncated : AofParse::kBadFormat;
    if (len < 0 || len > kMaxBulk) {
      error_offset_ = pos_;
      return AofParse::kBadFormat;
    }
    const auto ulen = static_cast<size_t>(len);
    if (data_.size() - pos_ < ulen + 2) {
      // The payload or its line end is cut short; a wrong byte where the
      // line end must be is corruption even so.
      const size_t have = data_.size() - pos_;
      if (have > ulen && data_[pos_ + ulen] != '\r') {
        error_offset_ = pos_ + ulen;
        return AofParse::kBadFormat;
      }
      return AofParse::kTruncated;
    }
    if (data_[pos_ + ulen] != '\r' || data_[pos_ + ulen + 1] != '\n') {
      error_offset_ = pos_ + ulen;
      return AofParse::kBadFormat;
    }
    args->push_back(data_.substr(pos_, ulen));
    pos_ += ulen + 2;
    ++lines_;
  }
  return AofParse::kCommand;
}

}  // namespace osprey::persistence
