#include "keyspace/digest.h"

#include <cstring>

#include "base/numbers.h"
#include "keyspace/keyspace.h"
#include "keyspace/string_value.h"
#include "types/list.h"
#include "types/hash.h"
#include "types/set.h"
#include "types/stream.h"
#include "types/zset.h"

namespace osprey::keyspace {

namespace {

inline uint32_t Rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

inline uint32_t LoadBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

void PutLe(uint64_t v, size_t bytes, uint8_t* out) {
  for (size_t i = 0; i < bytes; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

Sha1::Sha1() : h_{0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u} {}

void Sha1::Block(const uint8_t* p) {
  uint32_t w[80];
  for (int t = 0; t < 16; ++t) w[t] = LoadBe32(p + 4 * t);
  for (int t = 16; t < 80; ++t) w[t] = Rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
  uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4];
  for (int t = 0; t < 80; ++t) {
    uint32_t f, k;
    if (t < 20) {
      f = (b & c) | (~b & d);
      k = 0x5A827999u;
    } else if (t < 40) {
      f = b ^ c ^ d;
      k = 0x6ED9EBA1u;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8F1BBCDCu;
    } else {
      f = b ^ c ^ d;
      k = 0xCA62C1D6u;
    }
    const uint32_t temp = Rotl(a, 5) + f + e + k + w[t];
    e = d;
    d = c;
    c = Rotl(b, 30);
    b = a;
    a = temp;
  }
  h_[0] += a;
  h_[1] += b;
  h_[2] += c;
  h_[3] += d;
  h_[4] += e;
}

void Sha1::Update(const void* data, size_t len) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  total_ += len;
  while (len > 0) {
    if (buf_len_ == 0 && len >= 64) {
      Block(p);
      p += 64;
      len -= 64;
      continue;
    }
    const size_t n = std::min(len, 64 - buf_len_);
    std::memcpy(buf_ + buf_len_, p, n);
    buf_len_ += n;
    p += n;
    len -= n;
    if (buf_len_ == 64) {
      Block(buf_);
      buf_len_ = 0;
    }
  }
}

Digest Sha1::Finish() {
  const uint64_t bits = total_ * 8;
  const uint8_t pad = 0x80;
  Update(&pad, 1);
  const uint8_t zero = 0;
  while (buf_len_ != 56) Update(&zero, 1);
  uint8_t len_be[8];
  for (int i = 0; i < 8; ++i) len_be[i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  Update(len_be, 8);
  Digest out;
  for (int i = 0; i < 5; ++i) {
    out[4 * i] = static_cast<uint8_t>(h_[i] >> 24);
    out[4 * i + 1] = static_cast<uint8_t>(h_[i] >> 16);
    out[4 * i + 2] = static_cast<uint8_t>(h_[i] >> 8);
    out[4 * i + 3] = static_cast<uint8_t>(h_[i]);
  }
  return out;
}

namespace {

// A set's members in no particular order: the XOR of their SHA-1s.
Digest SetContentDigest(const types::SetValue& set) {
  Digest acc{};
  set.ForEach([&](std::string_view member) {
    Sha1 sha;
    sha.Update(member);
    const Digest d = sha.Finish();
    for (size_t j = 0; j < acc.size(); ++j) acc[j] ^= d[j];
  });
  return acc;
}

// A hash's fields in no particular order: the XOR of the SHA-1s of each
// field (length first) with its value and, when it has an expire time, the
// bytes "\0expire" (the time itself left out, as for keys).
Digest HashContentDigest(const types::HashValue& hash) {
  Digest acc{};
  char field_buf[types::kListpackIntBufSize];
  char value_buf[types::kListpackIntBufSize];
  hash.ForEach([&](const types::HashValue::FieldView& f) {
    const std::string_view field = f.field.ToString(field_buf);
    uint8_t len[8];
    PutLe(field.size(), 8, len);
    Sha1 sha;
    sha.Update(len, sizeof(len));
    sha.Update(field);
    sha.Update(f.value.ToString(value_buf));
    if (f.expire_ms != types::kNoFieldExpire) sha.Update(std::string_view("\0expire", 7));
    const Digest d = sha.Finish();
    for (size_t j = 0; j < acc.size(); ++j) acc[j] ^= d[j];
  });
  return acc;
}

// A sorted set's elements in order: each member, length first, then its
// score as ZSCORE prints it and a NUL (no score text contains one).
Digest ZSetContentDigest(const types::ZSetValue& z) {
  Sha1 sha;
  char score[base::kMaxDoubleChars];
  for (auto it = z.First(); it.Valid(); it.Next()) {
    const std::string_view member = it.member();
    uint8_t len[8];
    PutLe(member.size(), 8, len);
    sha.Update(len, sizeof(len));
    sha.Update(member);
    const size_t n = base::FormatDoubleReply(it.score(), score, sizeof(score));
    sha.Update(score, n);
    sha.Update("", 1);
  }
  return sha.Finish();
}

// A list's elements in order: each one's length (8 bytes, little-endian)
// and bytes, integers in decimal.
Digest ListContentDigest(const types::ListValue& list) {
  Sha1 sha;
  char buf[types::kListpackIntBufSize];
  list.ForEach([&](const types::ListElement& e) {
    const std::string_view s = e.ToString(buf);
    uint8_t len[8];
    PutLe(s.size(), 8, len);
    sha.Update(len, sizeof(len));
    sha.Update(s);
  });
  return sha.Finish();
}

void UpdateLen(Sha1* sha, std::string_view s) {
  uint8_t len[8];
  PutLe(s.size(), 8, len);
  sha->Update(len, sizeof(len));
  sha->Update(s);
}

void UpdateId(Sha1* sha, types::StreamID id) {
  uint8_t raw[16];
  id.EncodeBigEndian(raw);
  sha->Update(raw, sizeof(raw));
}

void UpdateCount(Sha1* sha, uint64_t n) {
  uint8_t raw[8];
  PutLe(n, 8, raw);
  sha->Update(raw, sizeof(raw));
}

// A consumer group: name, last ID, read counter, then each consumer (in
// name order) with the IDs it owns and their delivery counts. Times are
// left out, as for keys: two servers that applied the same writes moments
// apart (or a load of a rewritten AOF) hold other times.
void UpdateGroup(Sha1* sha, std::string_view name, const types::StreamGroup& g) {
  UpdateLen(sha, name);
  UpdateId(sha, g.last_id());
  UpdateCount(sha, static_cast<uint64_t>(g.entries_read()));
  UpdateCount(sha, g.consumers().size());
  for (const auto& [consumer, c] : g.consumers()) {
    UpdateLen(sha, consumer);
    UpdateCount(sha, c->pel.size());
    for (const auto& [id, p] : c->pel) {
      UpdateId(sha, id);
      UpdateCount(sha, p->delivery_count);
    }
  }
}

// A stream's entries in order (ID, field count, each field and value
// length first), its last ID, entries-added count and largest deleted ID,
// then its groups in name order.
Digest StreamContentDigest(const types::StreamValue& s) {
  Sha1 sha;
  char buf[types::kListpackIntBufSize];
  s.Range(types::StreamID::Min(), types::StreamID::Max(), false,
          [&](const types::StreamEntry& e) {
            UpdateId(&sha, e.id);
            UpdateCount(&sha, e.field_values.size());
            for (const types::ListpackValue& v : e.field_values) UpdateLen(&sha, v.ToString(buf));
            return true;
          });
  UpdateId(&sha, s.last_id());
  UpdateCount(&sha, s.entries_added());
  UpdateId(&sha, s.max_deleted_id());
  UpdateCount(&sha, s.groups().size());
  for (const auto& [name, g] : s.groups()) UpdateGroup(&sha, name, *g);
  return sha.Finish();
}

}  // namespace

Digest ValueDigest(Entry e) {
  Sha1 sha;
  const uint8_t type = static_cast<uint8_t>(e.type());
  sha.Update(&type, 1);
  if (e.is_string()) {
    char buf[32];
    sha.Update(StringOf(e, buf));
  } else if (e.type() == types::ValueType::kSet) {
    const Digest members = SetContentDigest(static_cast<const types::SetValue&>(*e.object()));
    sha.Update(members.data(), members.size());
  } else if (e.type() == types::ValueType::kHash) {
    const Digest fields = HashContentDigest(static_cast<const types::HashValue&>(*e.object()));
    sha.Update(fields.data(), fields.size());
  } else if (e.type() == types::ValueType::kZSet) {
    const Digest elements = ZSetContentDigest(static_cast<const types::ZSetValue&>(*e.object()));
    sha.Update(elements.data(), elements.size());
  }
  if (e.type() == types::ValueType::kList) {
    const Digest elements = ListContentDigest(static_cast<const types::ListValue&>(*e.object()));
    sha.Update(elements.data(), elements.size());
  } else if (e.type() == types::ValueType::kStream) {
    const Digest content = StreamContentDigest(static_cast<const types::StreamValue&>(*e.object()));
    sha.Update(content.data(), content.size());
  }
  if (e.has_expire()) sha.Update(std::string_view("\0expire", 7));
  return sha.Finish();
}

Digest DatasetDigest(const Keyspace& ks) {
  Digest total{};
  for (int i = 0; i < ks.db_count(); ++i) {
    const Db& db = ks.db(i);
    if (db.size() == 0) continue;
    db.table().ForEach([&](Entry e) {
      std::string_view key = e.key();
      uint8_t header[12];
      PutLe(static_cast<uint32_t>(i), 4, header);
      PutLe(key.size(), 8, header + 4);
      const Digest value = ValueDigest(e);
      Sha1 sha;
      sha.Update(header, sizeof(header));
      sha.Update(key);
      sha.Update(value.data(), value.size());
      const Digest d = sha.Finish();
      for (size_t j = 0; j < total.size(); ++j) total[j] ^= d[j];
    });
  }
  return total;
}

std::string DigestHex(const Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(40);
  for (uint8_t b : d) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

}  // namespace osprey::keyspace
