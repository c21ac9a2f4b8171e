// Fuzzes the listpack and intset validators, which guard RDB and RESTORE
// payloads: arbitrary bytes must never be read out of bounds, and whatever
// they accept must be safe to walk both ways, seek, search and change, and
// must still pass after the change.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/check.h"
#include "types/intset.h"
#include "types/listpack.h"

using osprey::types::Intset;
using osprey::types::kListpackIntBufSize;
using osprey::types::Listpack;
using osprey::types::ListpackValue;

namespace {

void ExerciseListpack(std::string_view bytes) {
  size_t seen = 0;
  const bool valid = Listpack::Validate(bytes, [&](const ListpackValue&) {
    ++seen;
    return true;
  });
  if (!valid) return;
  Listpack lp = Listpack::FromValidated(bytes);
  std::vector<std::string> forward;
  char buf[kListpackIntBufSize];
  for (Listpack::Entry p = lp.First(); p != nullptr; p = Listpack::Next(p)) {
    forward.emplace_back(Listpack::Get(p).ToString(buf));
  }
  OSPREY_CHECK(forward.size() == seen && forward.size() == lp.Size());
  size_t i = forward.size();
  for (Listpack::Entry p = lp.Last(); p != nullptr; p = lp.Prev(p)) {
    OSPREY_CHECK(i > 0 && Listpack::Get(p).Equals(forward[--i]));
  }
  OSPREY_CHECK(i == 0);
  for (size_t k = 0; k < forward.size(); ++k) {
    const auto index = static_cast<int64_t>(k);
    OSPREY_CHECK(Listpack::Get(lp.Seek(index)).Equals(forward[k]));
    OSPREY_CHECK(lp.Seek(index - static_cast<int64_t>(forward.size())) == lp.Seek(index));
    OSPREY_CHECK(lp.Find(lp.First(), forward[k], 0) != nullptr);
  }
  lp.Append("fuzz");
  lp.PrependInt(-12345);
  if (lp.Size() > 2) lp.Replace(lp.Seek(1), std::string(70, 'r'));
  lp.DeleteRange(-2, 1);
  OSPREY_CHECK(Listpack::Validate(lp.bytes()));
}

void ExerciseIntset(std::string_view bytes) {
  if (!Intset::Validate(bytes)) return;
  Intset s = Intset::FromValidated(bytes);
  for (size_t k = 0; k < s.Size(); ++k) {
    size_t pos = 0;
    OSPREY_CHECK(s.Find(s.Get(k), &pos) && pos == k);
    if (k > 0) OSPREY_CHECK(s.Get(k - 1) < s.Get(k));
  }
  const int64_t v = s.Get(s.Size() / 2);
  OSPREY_CHECK(s.Remove(v) && !s.Contains(v));
  OSPREY_CHECK(s.Add(v) && !s.Add(v));
  s.Add(INT64_MIN);
  OSPREY_CHECK(Intset::Validate(s.bytes()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // An exactly sized copy, so a read past the end is caught.
  std::vector<char> copy(data, data + size);
  const std::string_view bytes(copy.data(), copy.size());
  ExerciseListpack(bytes);
  ExerciseIntset(bytes);
  return 0;
}
