#include "keyspace/string_value.h"

#include "base/numbers.h"

namespace osprey::keyspace {

ValueSpec EncodeRawStringValue(std::string_view s) {
  if (s.size() <= kInlineStringMaxLength) return ValueSpec::Inline(s, /*raw=*/true);
  return ValueSpec::Heap(types::HeapString::Create(s));
}

ValueSpec EncodeStringNoInt(std::string_view s) {
  if (s.size() <= kEmbstrMaxLength) return ValueSpec::Inline(s, /*raw=*/false);
  return EncodeRawStringValue(s);
}

ValueSpec EncodeStringValue(std::string_view s) {
  int64_t v;
  if (s.size() <= kIntEncodingMaxLength && base::ParseInt64(s, &v)) return ValueSpec::Int(v);
  return EncodeStringNoInt(s);
}

std::string_view StringOf(Entry e, char* buf) {
  if (e.kind() == ValueKind::kInt) {
    size_t n = base::FormatInt64(e.int_value(), buf);
    return std::string_view(buf, n);
  }
  return e.string_bytes();
}

void DiscardValueSpec(const ValueSpec& v) {
  if (v.kind == ValueKind::kRawHeap) {
    types::HeapString::Destroy(static_cast<types::HeapString*>(v.pointer));
  } else if (v.kind == ValueKind::kObject) {
    delete static_cast<types::Object*>(v.pointer);
  }
}

}  // namespace osprey::keyspace
