#include "persistence/aof_manifest.h"

#include <charconv>

#include "base/split_args.h"

namespace osprey::persistence {

namespace {

// A name is written bare unless SplitArgs would not read it back as one
// argument.
void AppendName(std::string& out, std::string_view name) {
  bool plain = !name.empty();
  for (unsigned char ch : name) {
    if (ch <= ' ' || ch >= 0x7f || ch == '"' || ch == '\'' || ch == '\\') plain = false;
  }
  if (plain) {
    out.append(name);
  } else {
    base::AppendQuoted(out, name);
  }
}

void AppendLine(std::string& out, const AofFileInfo& f) {
  out += "file ";
  AppendName(out, f.name);
  out += " seq ";
  out += std::to_string(f.seq);
  out += " type ";
  out += f.type;
  out += '\n';
}

// Redis reads a manifest line into a fixed buffer of this size.
constexpr size_t kMaxLine = 1024;

}  // namespace

std::string AofManifest::Encode() const {
  std::string out;
  if (base) AppendLine(out, *base);
  for (const auto& f : history) AppendLine(out, f);
  for (const auto& f : incrs) AppendLine(out, f);
  return out;
}

base::Result<AofManifest> AofManifest::Parse(std::string_view text) {
  AofManifest m;
  const auto invalid = [] { return base::Status::Corruption("Invalid AOF manifest file format"); };
  size_t pos = 0;
  bool any = false;
  while (pos < text.size()) {
    const size_t eol = text.find('\n', pos);
    const bool terminated = eol != std::string_view::npos;
    std::string_view line = text.substr(pos, (terminated ? eol : text.size()) - pos);
    pos = terminated ? eol + 1 : text.size();
    // As Redis reads it: comments go first; then a line must end in '\n'
    // within the limit, and be more than blanks.
    if (!line.empty() && line[0] == '#') continue;
    if (!terminated || line.size() + 1 > kMaxLine) {
      return base::Status::Corruption("The AOF manifest file contains too long line");
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t' || line.front() == '\r')) {
      line.remove_prefix(1);
    }
    if (line.empty()) return invalid();
    auto argv = base::SplitArgs(line);
    if (!argv || argv->size() < 6 || argv->size() % 2 != 0) return invalid();
    AofFileInfo f;
    bool have_name = false, have_seq = false, have_type = false;
    for (size_t i = 0; i + 1 < argv->size(); i += 2) {
      const std::string& key = (*argv)[i];
      const std::string& val = (*argv)[i + 1];
      if (key == "file") {
        // Only names inside the AOF folder, never a path elsewhere.
        if (val.find_first_of("/\\") != std::string::npos) {
          return base::Status::Corruption("File can't be a path, just a filename");
        }
        f.name = val;
        have_name = true;
      } else if (key == "seq") {
        auto [p, ec] = std::from_chars(val.data(), val.data() + val.size(), f.seq);
        if (ec != std::errc() || p != val.data() + val.size()) return invalid();
        have_seq = true;
      } else if (key == "type") {
        if (val.size() != 1) return invalid();
        f.type = val[0];
        have_type = true;
      }
      // Other keys are for later versions: ignored.
    }
    if (!have_name || !have_seq || !have_type) return invalid();
    any = true;
    switch (f.type) {
      case 'b':
        if (m.base) return base::Status::Corruption("Found duplicate base file information");
        m.base_seq = f.seq;
        m.base = std::move(f);
        break;
      case 'h':
        m.history.push_back(std::move(f));
        break;
      case 'i':
        if (f.seq <= m.incr_seq) {
          return base::Status::Corruption("Found a non-monotonic sequence number");
        }
        m.incr_seq = f.seq;
        m.incrs.push_back(std::move(f));
        break;
      default:
        return base::Status::Corruption("Unknown AOF file type");
    }
  }
  if (!any) return base::Status::Corruption("Found an empty AOF manifest");
  return m;
}

std::string AofBaseFileName(std::string_view filename, int64_t seq, bool rdb) {
  std::string s(filename);
  s += '.';
  s += std::to_string(seq);
  s += rdb ? ".base.rdb" : ".base.aof";
  return s;
}

std::string AofIncrFileName(std::string_view filename, int64_t seq) {
  std::string s(filename);
  s += '.';
  s += std::to_string(seq);
  s += ".incr.aof";
  return s;
}

std::string AofManifestFileName(std::string_view filename) {
  return std::string(filename) + ".manifest";
}

}  // namespace osprey::persistence
