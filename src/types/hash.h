// The hash value: fields mapped to values, each field optionally with its
// own expire time (Redis 7.4's hash-field expiration).
//
// Encodings, as OBJECT ENCODING names them:
//  - "listpack": field, value, field, value... in one Listpack, insertion
//    order. A hash starts here.
//  - "listpackex": field, value, expire triples, once a field expire command
//    has touched the hash. Triples with an expire time come first, ordered by
//    it; those without one (stored as 0, as Redis stores them) follow. So the
//    earliest expire time is always the first triple's.
//  - "hashtable": a PackedTable keyed by field; the value inline (an int, or
//    bytes) or on the heap when long, the expire time in the entry.
// A listpack becomes a table once it holds more than max_listpack_entries
// fields or a field or value longer than max_listpack_value bytes, and never
// goes back (as in Redis).
//
// Expired fields stay stored until removed (RemoveExpired, or Delete); every
// read here returns them with their expire time and callers decide. The type
// knows nothing of clients, keys or notifications.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <span>
#include <string_view>
#include <vector>

#include "types/listpack.h"
#include "types/object.h"
#include "types/packed_table.h"

namespace osprey::types {

// The expire time of a field that has none.
inline constexpr int64_t kNoFieldExpire = -1;

// A field or a value as stored: an integer or bytes (see ListpackValue).
using HashScalar = ListpackValue;

// The hash-max-listpack-* thresholds.
struct HashLimits {
  size_t max_listpack_entries = 512;
  size_t max_listpack_value = 64;
};

class HashValue final : public Object {
 public:
  enum class Encoding : uint8_t { kListpack = 0, kListpackEx = 1, kTable = 2 };

  // One field as a reader sees it. The views point into the hash: valid
  // until it changes.
  struct FieldView {
    HashScalar field;
    HashScalar value;
    int64_t expire_ms = kNoFieldExpire;
  };

  // Whether an update of an existing field keeps its expire time (HINCRBY)
  // or drops it (HSET, as a new value is a new field for expiry purposes).
  enum class KeepTtl : bool { kNo = false, kYes = true };

  HashValue();
  ~HashValue() override;
  HashValue(const HashValue&) = delete;
  HashValue& operator=(const HashValue&) = delete;

  // A hash holding `lp` as it is (RDB, RESTORE): "listpackex" with
  // `field_ttls`, else "listpack". REQUIRES: lp passed Listpack::Validate and
  // holds field, value pairs (or field, value, expire triples in the order
  // described above, the expire an integer, 0 for none) with unique fields.
  static std::unique_ptr<HashValue> FromListpack(Listpack lp, bool field_ttls);
  // The listpack's bytes, as RDB stores them. REQUIRES: a listpack form.
  std::string_view ListpackBytes() const;

  ValueType type() const override { return ValueType::kHash; }
  std::string_view EncodingName() const override;
  std::unique_ptr<Object> Clone() const override;
  size_t MemoryUsage() const override;

  Encoding encoding() const { return static_cast<Encoding>(rep_ & kEncodingBits); }
  // Fields stored, expired ones included until they are removed.
  size_t Size() const;

  // Converts to "hashtable" now (DEBUG, tests). No-op when already one.
  void ConvertToTable();
  // What Redis does before HSET/HSETNX write: converts to a table when one
  // of `args` is longer than max_listpack_value, or when the listpack could
  // not safely grow by all of them.
  void ConvertForInput(std::span<const std::string_view> args, const HashLimits& limits);

  // --- reads ---

  // Finds `field` (expired or not); false when absent.
  bool Find(std::string_view field, FieldView* out) const;
  // Calls fn for every field, in storage order. fn must not change the hash.
  void ForEach(const std::function<void(const FieldView&)>& fn) const;
  // Every field, in storage order (HRANDFIELD works on these).
  void Collect(std::vector<FieldView>* out) const;
  // One step of HSCAN over a table (REQUIRES: encoding() == kTable): calls
  // fn for the fields of one cursor slot and returns the next cursor (0 when
  // the walk is complete). See PackedTable::Scan for the guarantees.
  uint64_t ScanTable(uint64_t cursor, const std::function<void(const FieldView&)>& fn) const;
  // A random field (REQUIRES: Size() > 0).
  FieldView RandomField(std::mt19937_64& rng) const;

  // --- writes ---

  // Sets `field` to `value`, converting first when the limits say so.
  // Returns true when the field is new.
  bool Set(std::string_view field, std::string_view value, const HashLimits& limits,
           KeepTtl keep_ttl = KeepTtl::kNo);
  // Removes `field`; false when absent.
  bool Delete(std::string_view field);

  // --- field expire times ---

  // Lets fields carry expire times: a "listpack" becomes "listpackex" (Redis
  // 7.4 converts when a field-expire command meets the hash, whether or not
  // a field gets a time). No-op for the other encodings.
  void EnableFieldExpiry();
  // Sets (ms >= 0) or removes (kNoFieldExpire) the expire time of an
  // existing field; false when the field is absent. REQUIRES for ms >= 0:
  // encoding() != kListpack (call EnableFieldExpiry first).
  bool SetFieldExpire(std::string_view field, int64_t ms);
  // No earlier than the earliest field expire time; kNoFieldExpire when no
  // field has one. Exact for listpacks and after RemoveExpired; a table only
  // tracks a lower bound between full passes, so a caller may find nothing
  // to remove when the bound comes due.
  int64_t NextExpireBound() const;
  // Removes every field whose expire time is before `now`, calling
  // on_removed(field) for each just before it goes. Returns how many went.
  // Afterwards NextExpireBound() is exact.
  size_t RemoveExpired(int64_t now,
                       const std::function<void(std::string_view)>& on_removed = nullptr);
  // The active-expiry form of RemoveExpired: a table is walked a slice at a
  // time, about `max_visits` fields with an expire time per call, resuming
  // where the last call stopped; the bound becomes exact when a pass over the
  // whole table completes. Listpacks are handled whole.
  size_t RemoveExpiredStep(int64_t now, size_t max_visits,
                           const std::function<void(std::string_view)>& on_removed = nullptr);

 private:
  struct Table;
  class ListpackRef;

  static constexpr uintptr_t kEncodingBits = 3;

  uint8_t* listpack_buffer() const { return reinterpret_cast<uint8_t*>(rep_ & ~kEncodingBits); }
  Table* table() const { return reinterpret_cast<Table*>(rep_ & ~kEncodingBits); }
  void SetRep(const void* p, Encoding e);
  // Frees the listpack (REQUIRES: a listpack form) and takes `lp` instead.
  void ReplaceListpack(Listpack lp, Encoding e);

  size_t Stride() const { return encoding() == Encoding::kListpackEx ? 3 : 2; }
  bool SetInListpack(std::string_view field, std::string_view value, KeepTtl keep_ttl);
  bool SetInTable(std::string_view field, std::string_view value, KeepTtl keep_ttl);
  void EraseFromTable(Entry e);
  size_t WalkTable(int64_t now, size_t max_visits,
                   const std::function<void(std::string_view)>& on_removed, bool* wrapped);
  void ResetWalk();

  // The listpack buffer (both listpack forms) or the Table, with the
  // Encoding in the two low bits, free since both come from malloc. A small
  // hash is then 16 bytes: this word and the vtable pointer.
  uintptr_t rep_;
};

}  // namespace osprey::types
