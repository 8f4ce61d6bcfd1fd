// Key encoding for the tables in LAYOUT.md. Internal to the store.
#ifndef COUNCIL_NODE_STORE_KEYS_H_
#define COUNCIL_NODE_STORE_KEYS_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

namespace council::store::keys {

inline constexpr char kIdentity = 'I';
inline constexpr char kLog = 'L';
inline constexpr char kCurrent = 'R';
inline constexpr char kOriginMax = 'C';
inline constexpr char kByKind = 'K';
inline constexpr char kByUnit = 'U';
inline constexpr char kByPeriod = 'P';
inline constexpr char kCount = 'N';
inline constexpr char kOutbox = 'O';
inline constexpr char kOutboxHead = 'Q';
inline constexpr char kInbound = 'J';
inline constexpr char kAcked = 'A';
inline constexpr char kTally = 'G';
inline constexpr char kDirectiveState = 'D';
inline constexpr char kPetitionState = 'V';
inline constexpr char kPosting = 'W';
inline constexpr char kRecovery = 'X';
inline constexpr char kRehome = 'Y';
inline constexpr char kFeed = 'F';
inline constexpr char kIndexed = 'T';
inline constexpr char kIndexCursor = 'Z';

void PutBe64(std::string* dst, uint64_t v);
// REQUIRES: src.size() >= 8.
uint64_t GetBe64(absl::string_view src);

std::string Identity();
std::string Recovery();
std::string Rehome();
std::string Feed(uint64_t pos);
std::string Indexed(absl::string_view origin, uint64_t n);
std::string IndexCursor();
std::string Log(absl::string_view origin, uint64_t seq);
std::string LogPrefix(absl::string_view origin);
std::string Current(absl::string_view origin, uint64_t n);
std::string OriginMax(absl::string_view origin);
std::string ByKind(absl::string_view kind, absl::string_view origin, uint64_t n);
std::string ByUnit(absl::string_view origin, absl::string_view kind, uint64_t n);
std::string ByPeriod(absl::string_view period, absl::string_view origin, uint64_t n);
std::string Count(absl::string_view kind);
std::string Outbox(absl::string_view peer, uint64_t pos);
std::string Tally(absl::string_view period, absl::string_view origin);
std::string DirectiveState(absl::string_view unit, absl::string_view directive_id);
std::string PetitionState(absl::string_view origin, uint64_t n);
std::string PostingBlock(absl::string_view token, uint64_t block);

// Tables keyed by a peer's unit id alone.
std::string PeerKey(char table, absl::string_view peer);

// The value of an outbox entry: which log entry it stands for.
std::string LogRef(absl::string_view origin, uint64_t seq);
bool ParseLogRef(absl::string_view ref, std::string* origin, uint64_t* seq);

// Prefix of a table, optionally narrowed by leading key parts ("K" "report" 0x00).
std::string Prefix(char table, std::initializer_list<absl::string_view> parts);

// The trailing "origin 0x00 be64(n)" of an index or `R` key, as a record id.
// Returns "" if the key is malformed.
std::string RecordIdFromKeyTail(absl::string_view key);

}  // namespace council::store::keys

#endif  // COUNCIL_NODE_STORE_KEYS_H_
