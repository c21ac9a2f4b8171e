// Helpers for the RDB tests: hex, the fixtures redis-server wrote into
// tests/data/rdb (see generate.py there), DUMP payloads around hand-made
// value bytes, and encoders for the legacy ziplist and zipmap layouts,
// which no current Redis writes.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/crc64.h"

namespace osprey::testing {

inline std::string FromHex(std::string_view hex) {
  std::string out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    if (hex[i] == ' ') {
      --i;
      continue;
    }
    out.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

inline std::string ToHex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// tests/data/rdb/<name>, found from this file's own path.
inline std::string RdbDataPath(std::string_view name) {
  std::string here = __FILE__;
  const size_t cut = here.rfind("/unit/persistence/");
  return here.substr(0, cut) + "/data/rdb/" + std::string(name);
}

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// dumps.txt: case name -> payload bytes.
inline std::map<std::string, std::string> RedisDumps() {
  std::map<std::string, std::string> out;
  std::ifstream in(RdbDataPath("dumps.txt"));
  std::string name;
  std::string hex;
  while (in >> name >> hex) out[name] = FromHex(hex);
  return out;
}

// A DUMP payload around `body` (type byte and value): version and CRC-64.
inline std::string Payload(std::string body, int version = 10) {
  body.push_back(static_cast<char>(version & 0xff));
  body.push_back(static_cast<char>(version >> 8));
  const uint64_t crc = base::Crc64(0, body);
  for (int i = 0; i < 8; ++i) body.push_back(static_cast<char>(crc >> (8 * i)));
  return body;
}

// An RDB string of plain bytes (length prefix as RDB writes it).
inline std::string RdbString(std::string_view s) {
  std::string out;
  const size_t n = s.size();
  if (n < 64) {
    out.push_back(static_cast<char>(n));
  } else if (n < 16384) {
    out.push_back(static_cast<char>(0x40 | (n >> 8)));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(0x80));
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>(n >> (8 * i)));
  }
  return out + std::string(s);
}

inline std::string RdbLen(uint64_t n) {
  std::string out;
  if (n < 64) {
    out.push_back(static_cast<char>(n));
  } else if (n < 16384) {
    out.push_back(static_cast<char>(0x40 | (n >> 8)));
    out.push_back(static_cast<char>(n & 0xff));
  } else if (n <= 0xFFFFFFFFu) {
    out.push_back(static_cast<char>(0x80));
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>(n >> (8 * i)));
  } else {
    out.push_back(static_cast<char>(0x81));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(n >> (8 * i)));
  }
  return out;
}

inline void PutLe(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

using ZiplistItem = std::variant<int64_t, std::string>;

// A ziplist as Redis 2.6-6.2 wrote it, integers in their narrowest form.
inline std::string Ziplist(const std::vector<ZiplistItem>& items) {
  std::string body;
  size_t prev = 0;
  size_t tail = 10;
  for (const ZiplistItem& item : items) {
    std::string e;
    if (prev < 254) {
      e.push_back(static_cast<char>(prev));
    } else {
      e.push_back(static_cast<char>(0xFE));
      PutLe(&e, prev, 4);
    }
    if (const auto* s = std::get_if<std::string>(&item)) {
      const size_t n = s->size();
      if (n < 64) {
        e.push_back(static_cast<char>(n));
      } else if (n < 16384) {
        e.push_back(static_cast<char>(0x40 | (n >> 8)));
        e.push_back(static_cast<char>(n & 0xff));
      } else {
        e.push_back(static_cast<char>(0x80));
        for (int i = 3; i >= 0; --i) e.push_back(static_cast<char>(n >> (8 * i)));
      }
      e += *s;
    } else {
      const int64_t v = std::get<int64_t>(item);
      if (v >= 0 && v <= 12) {
        e.push_back(static_cast<char>(0xF1 + v));
      } else if (v >= INT8_MIN && v <= INT8_MAX) {
        e.push_back(static_cast<char>(0xFE));
        PutLe(&e, static_cast<uint64_t>(v), 1);
      } else if (v >= INT16_MIN && v <= INT16_MAX) {
        e.push_back(static_cast<char>(0xC0));
        PutLe(&e, static_cast<uint64_t>(v), 2);
      } else if (v >= -(1 << 23) && v < (1 << 23)) {
        e.push_back(static_cast<char>(0xF0));
        PutLe(&e, static_cast<uint64_t>(v), 3);
      } else if (v >= INT32_MIN && v <= INT32_MAX) {
        e.push_back(static_cast<char>(0xD0));
        PutLe(&e, static_cast<uint64_t>(v), 4);
      } else {
        e.push_back(static_cast<char>(0xE0));
        PutLe(&e, static_cast<uint64_t>(v), 8);
      }
    }
    tail = 10 + body.size();
    body += e;
    prev = e.size();
  }
  std::string zl;
  PutLe(&zl, 10 + body.size() + 1, 4);
  PutLe(&zl, tail, 4);
  PutLe(&zl, items.size() < 65535 ? items.size() : 65535, 2);
  return zl + body + "\xff";
}

// A zipmap as Redis 2.4 wrote it (no free bytes).
inline std::string Zipmap(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string zm;
  zm.push_back(static_cast<char>(pairs.size() < 254 ? pairs.size() : 254));
  auto len = [&zm](size_t n) {
    if (n < 254) {
      zm.push_back(static_cast<char>(n));
    } else {
      zm.push_back(static_cast<char>(254));
      PutLe(&zm, n, 4);
    }
  };
  for (const auto& [f, v] : pairs) {
    len(f.size());
    zm += f;
    len(v.size());
    zm.push_back(0);  // free
    zm += v;
  }
  zm.push_back(static_cast<char>(0xFF));
  return zm;
}

}  // namespace osprey::testing
