#include "base/split_args.h"

#include <cctype>

namespace osprey::base {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsBlank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Reads one argument starting at line[i] (not a blank). Advances i past it.
// Returns false on unbalanced quotes.
bool ReadToken(std::string_view line, size_t& i, std::string& token) {
  const size_t n = line.size();
  auto at = [&](size_t k) { return k < n ? line[k] : '\0'; };
  bool in_double = false;
  bool in_single = false;
  while (true) {
    char c = at(i);
    if (in_double) {
      if (c == '\0') return false;
      if (c == '\\' && at(i + 1) == 'x' && HexValue(at(i + 2)) >= 0 && HexValue(at(i + 3)) >= 0) {
        token.push_back(static_cast<char>(HexValue(at(i + 2)) * 16 + HexValue(at(i + 3))));
        i += 4;
        continue;
      }
      if (c == '\\' && at(i + 1) != '\0') {
        char e = at(i + 1);
        switch (e) {
          case 'n': e = '\n'; break;
          case 'r': e = '\r'; break;
          case 't': e = '\t'; break;
          case 'b': e = '\b'; break;
          case 'a': e = '\a'; break;
          default: break;
        }
        token.push_back(e);
        i += 2;
        continue;
      }
      if (c == '"') {
        if (at(i + 1) != '\0' && !IsBlank(at(i + 1))) return false;
        ++i;
        return true;
      }
      token.push_back(c);
      ++i;
    } else if (in_single) {
      if (c == '\0') return false;
      if (c == '\\' && at(i + 1) == '\'') {
        token.push_back('\'');
        i += 2;
        continue;
      }
      if (c == '\'') {
        if (at(i + 1) != '\0' && !IsBlank(at(i + 1))) return false;
        ++i;
        return true;
      }
      token.push_back(c);
      ++i;
    } else {
      switch (c) {
        case ' ':
        case '\n':
        case '\r':
        case '\t':
        case '\0':
          return true;
        case '"':
          in_double = true;
          break;
        case '\'':
          in_single = true;
          break;
        default:
          token.push_back(c);
          break;
      }
      ++i;
    }
  }
}

}  // namespace

std::optional<std::vector<std::string>> SplitArgs(std::string_view line) {
  // Everything after a NUL is invisible, as in a C string.
  if (size_t nul = line.find('\0'); nul != std::string_view::npos) line = line.substr(0, nul);
  std::vector<std::string> args;
  size_t i = 0;
  while (true) {
    while (i < line.size() && IsBlank(line[i])) ++i;
    if (i >= line.size()) return args;
    std::string token;
    if (!ReadToken(line, i, token)) return std::nullopt;
    args.push_back(std::move(token));
  }
}

void AppendQuoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      default:
        if (std::isprint(c)) {
          out.push_back(static_cast<char>(c));
        } else {
          out += "\\x";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        }
    }
  }
  out.push_back('"');
}

}  // namespace osprey::base
