#include "testing/reply.h"

#include <charconv>

namespace osprey::testing {

std::string Reply::ToString() const {
  switch (type) {
    case Type::kStatus:
    case Type::kBulk:
    case Type::kVerbatim:
    case Type::kBigNumber:
    case Type::kDouble:
    case Type::kError:
      return str;
    case Type::kInteger:
      return std::to_string(integer);
    case Type::kBool:
      return integer ? "true" : "false";
    case Type::kNull:
    case Type::kNullArray:
      return "(nil)";
    default: {
      std::string out = "[";
      for (size_t i = 0; i < elements.size(); ++i) {
        if (i) out += ", ";
        out += elements[i].ToString();
      }
      return out + "]";
    }
  }
}

std::ostream& operator<<(std::ostream& os, const Reply& r) { return os << r.ToString(); }

namespace {

bool ReadLine(std::string_view b, size_t* pos, std::string_view* line) {
  size_t end = b.find("\r\n", *pos);
  if (end == std::string_view::npos) return false;
  *line = b.substr(*pos, end - *pos);
  *pos = end + 2;
  return true;
}

bool ToInt(std::string_view s, int64_t* v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

bool ParseReply(std::string_view b, size_t* pos, Reply* out) {
  if (*pos >= b.size()) return false;
  char t = b[(*pos)++];
  std::string_view line;
  if (!ReadLine(b, pos, &line)) return false;
  int64_t n = 0;
  switch (t) {
    case '+': out->type = Reply::Type::kStatus; out->str = line; return true;
    case '-': out->type = Reply::Type::kError; out->str = line; return true;
    case ':':
      out->type = Reply::Type::kInteger;
      return ToInt(line, &out->integer);
    case ',': out->type = Reply::Type::kDouble; out->str = line; return true;
    case '(': out->type = Reply::Type::kBigNumber; out->str = line; return true;
    case '#':
      out->type = Reply::Type::kBool;
      out->integer = line == "t";
      return true;
    case '_': out->type = Reply::Type::kNull; return true;
    case '$':
    case '=': {
      if (!ToInt(line, &n)) return false;
      if (n < 0) {
        out->type = Reply::Type::kNull;
        return true;
      }
      if (*pos + static_cast<size_t>(n) + 2 > b.size()) return false;
      out->type = t == '$' ? Reply::Type::kBulk : Reply::Type::kVerbatim;
      out->str = b.substr(*pos, static_cast<size_t>(n));
      if (t == '=') out->str = out->str.substr(4);  // drop "txt:"
      *pos += static_cast<size_t>(n) + 2;
      return true;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      if (!ToInt(line, &n)) return false;
      if (n < 0) {
        out->type = Reply::Type::kNullArray;
        return true;
      }
      out->type = t == '*' ? Reply::Type::kArray
                  : t == '~' ? Reply::Type::kSet
                  : t == '>' ? Reply::Type::kPush
                  : t == '%' ? Reply::Type::kMap
                             : Reply::Type::kAttribute;
      size_t count = static_cast<size_t>(n) * ((t == '%' || t == '|') ? 2 : 1);
      out->elements.resize(count);
      for (size_t i = 0; i < count; ++i) {
        if (!ParseReply(b, pos, &out->elements[i])) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace osprey::testing
