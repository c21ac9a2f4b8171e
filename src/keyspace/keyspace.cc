#include "keyspace/keyspace.h"

namespace osprey::keyspace {

Keyspace::Keyspace(int databases, uint64_t seed) : rng_(seed ^ 0x9e3779b97f4a7c15ull), seed_(seed) {
  dbs_.reserve(static_cast<size_t>(databases));
  for (int i = 0; i < databases; ++i) dbs_.push_back(std::make_unique<Db>(this, i, seed));
}

Keyspace::~Keyspace() = default;

void Keyspace::SwapDbs(int a, int b) {
  if (a == b) return;
  db(a).table().Swap(db(b).table());
  db(a).field_expiry().Swap(db(b).field_expiry());
  std::swap(db(a).expire_cursor_, db(b).expire_cursor_);
}

size_t Keyspace::TotalKeys() const {
  size_t total = 0;
  for (const auto& d : dbs_) total += d->size();
  return total;
}

}  // namespace osprey::keyspace
