#include "node/store/keys.h"

#include "absl/strings/str_cat.h"
#include "node/core/ids.h"

namespace council::store::keys {

void PutBe64(std::string* dst, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) dst->push_back(static_cast<char>(v >> shift));
}

uint64_t GetBe64(absl::string_view src) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(src[i]);
  return v;
}

namespace {
std::string WithTail(std::string key, absl::string_view origin, uint64_t n) {
  absl::StrAppend(&key, origin, absl::string_view("\0", 1));
  PutBe64(&key, n);
  return key;
}
}  // namespace

std::string Prefix(char table, std::initializer_list<absl::string_view> parts) {
  std::string key(1, table);
  for (absl::string_view p : parts) absl::StrAppend(&key, p, absl::string_view("\0", 1));
  return key;
}

std::string Identity() { return std::string(1, kIdentity); }
std::string Recovery() { return std::string(1, kRecovery); }
std::string Rehome() { return std::string(1, kRehome); }
std::string Feed(uint64_t pos) {
  std::string key(1, kFeed);
  PutBe64(&key, pos);
  return key;
}
std::string Indexed(absl::string_view origin, uint64_t n) { return WithTail(std::string(1, kIndexed), origin, n); }
std::string IndexCursor() { return std::string(1, kIndexCursor); }
std::string Log(absl::string_view origin, uint64_t seq) { return WithTail(std::string(1, kLog), origin, seq); }
std::string LogPrefix(absl::string_view origin) { return Prefix(kLog, {origin}); }
std::string Current(absl::string_view origin, uint64_t n) { return WithTail(std::string(1, kCurrent), origin, n); }
std::string OriginMax(absl::string_view origin) { return absl::StrCat(std::string(1, kOriginMax), origin); }
std::string ByKind(absl::string_view kind, absl::string_view origin, uint64_t n) {
  return WithTail(Prefix(kByKind, {kind}), origin, n);
}
std::string ByUnit(absl::string_view origin, absl::string_view kind, uint64_t n) {
  return WithTail(Prefix(kByUnit, {origin, kind}), origin, n);
}
std::string ByPeriod(absl::string_view period, absl::string_view origin, uint64_t n) {
  return WithTail(Prefix(kByPeriod, {period}), origin, n);
}
std::string Count(absl::string_view kind) { return absl::StrCat(std::string(1, kCount), kind); }

std::string Tally(absl::string_view period, absl::string_view origin) {
  return absl::StrCat(Prefix(kTally, {period}), origin);
}
std::string DirectiveState(absl::string_view unit, absl::string_view directive_id) {
  return absl::StrCat(Prefix(kDirectiveState, {unit}), directive_id);
}
std::string PetitionState(absl::string_view origin, uint64_t n) {
  return WithTail(std::string(1, kPetitionState), origin, n);
}
std::string PostingBlock(absl::string_view token, uint64_t block) {
  std::string key = Prefix(kPosting, {token});
  PutBe64(&key, block);
  return key;
}

std::string Outbox(absl::string_view peer, uint64_t pos) {
  std::string key = Prefix(kOutbox, {peer});
  PutBe64(&key, pos);
  return key;
}
std::string PeerKey(char table, absl::string_view peer) { return absl::StrCat(std::string(1, table), peer); }

std::string LogRef(absl::string_view origin, uint64_t seq) { return WithTail("", origin, seq); }
bool ParseLogRef(absl::string_view ref, std::string* origin, uint64_t* seq) {
  if (ref.size() < 9 || ref[ref.size() - 9] != '\0') return false;
  *origin = std::string(ref.substr(0, ref.size() - 9));
  *seq = GetBe64(ref.substr(ref.size() - 8));
  return true;
}

std::string RecordIdFromKeyTail(absl::string_view key) {
  if (key.size() < 10) return "";
  absl::string_view head = key.substr(0, key.size() - 9);
  if (key[key.size() - 9] != '\0') return "";
  size_t start = head.rfind('\0');
  absl::string_view origin = start == absl::string_view::npos ? head.substr(1) : head.substr(start + 1);
  return core::MakeRecordId(origin, GetBe64(key.substr(key.size() - 8)));
}

}  // namespace council::store::keys
