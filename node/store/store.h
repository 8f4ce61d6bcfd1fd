// The node's durable store: RocksDB, laid out as in LAYOUT.md.
//
// Thread safety: every method may be called from any thread. Writes from
// concurrent callers are committed together (group commit); a call returns
// only after its records are durable (WAL synced) or known not to be stored.
#ifndef COUNCIL_NODE_STORE_STORE_H_
#define COUNCIL_NODE_STORE_STORE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "council/v1/config.pb.h"
#include "council/v1/record.pb.h"
#include "node/core/hlc.h"

namespace rocksdb {
class DB;
}

namespace council::store {

// One caller's write: applied entirely or not at all.
struct WriteRequest {
  // Drafts from this node's operator (see core::PrepareLocalWrite). They get
  // this node's origin, the next sequences and HLC stamps, in order.
  std::vector<v1::Record> drafts;
  // Complete versions from elsewhere (import, later sync), applied as they
  // are if newer than what is stored. REQUIRES: core::ValidateComplete OK.
  std::vector<v1::Record> versions;
  int64_t wall_ms = 0;  // the caller's clock, for HLC stamps
};

enum class Outcome { kCreated, kAmended, kApplied, kUnchanged };

struct WriteResult {
  std::vector<v1::Record> drafts;    // as stored, in request order
  std::vector<Outcome> version_outcomes;  // one per request.versions entry
};

struct ListFilter {
  std::string kind;    // "" any
  std::string unit;    // origin; "" any
  std::string period;  // "" any
  std::string after_id;  // "" from the start
  size_t limit = 0;      // 0: no limit
};

class Store {
 public:
  // Opens (creating if needed) the database in `dir`. `origin` is this node's
  // unit id, whose drafts the store stamps. Errors: UNAVAILABLE if RocksDB
  // cannot open the directory (locked by another process, unreadable...).
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& dir,
                                                     const std::string& origin);
  ~Store();

  // The identity stored at first start, or nullopt for a new directory.
  absl::StatusOr<std::optional<v1::NodeIdentity>> LoadIdentity();
  absl::Status SaveIdentity(const v1::NodeIdentity& identity);

  // Commits `req` atomically and durably. Errors (nothing stored):
  // those of core::PrepareLocalWrite for a bad draft; UNAVAILABLE if the
  // commit failed (and for every later write: the failure is sticky).
  absl::StatusOr<WriteResult> Write(WriteRequest req);

  // The current version of a record, or NOT_FOUND.
  absl::StatusOr<v1::Record> Get(const std::string& id);

  // Current records matching `filter`, in id order (origin, then creation).
  // `fn` returns false to stop early.
  absl::Status List(const ListFilter& filter,
                    const std::function<bool(const v1::Record&)>& fn);

  // Current records by kind name.
  std::map<std::string, uint64_t> Counts() const;
  // Highest sequence held from `origin` (0 if none).
  uint64_t OriginMax(const std::string& origin) const;

 private:
  struct Writer;
  struct Group;
  Store(rocksdb::DB* db, std::string origin);
  absl::Status LoadCounters();
  absl::Status Lead(std::vector<Writer*>& writers);
  absl::StatusOr<std::optional<v1::Record>> CurrentOf(const std::string& id, const Group& g);
  absl::StatusOr<WriteResult> Stage(const WriteRequest& req, Group& g);
  absl::Status StageVersion(const v1::Record& rec, const v1::Record* prev, Group& g);

  std::unique_ptr<rocksdb::DB> db_;
  const std::string origin_;

  mutable std::mutex mu_;
  std::deque<Writer*> writers_ ABSL_GUARDED_BY(mu_);
  absl::Status sticky_error_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> counts_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> origin_max_ ABSL_GUARDED_BY(mu_);
  // Touched only by the current group leader (one at a time).
  core::HybridClock clock_;
};

}  // namespace council::store

#endif  // COUNCIL_NODE_STORE_STORE_H_
