// The node's durable store: RocksDB, laid out as in LAYOUT.md.
//
// Besides records, the store keeps what replication needs, committed in the
// same atomic batch as the records it covers: one outbox per peer (records
// routed to it, by position), each peer's inbound cursor, and the unit tree.
//
// Thread safety: every method may be called from any thread. Writes from
// concurrent callers are committed together (group commit), and the next
// group is staged while one is being synced; a call returns only after its
// records are durable (WAL synced) or known not to be stored.
#ifndef COUNCIL_NODE_STORE_STORE_H_
#define COUNCIL_NODE_STORE_STORE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "council/v1/config.pb.h"
#include "council/v1/record.pb.h"
#include "council/v1/store.pb.h"
#include "node/core/chain.h"
#include "node/core/hlc.h"
#include "node/core/routing.h"
#include "node/core/signing.h"
#include "node/core/unit_tree.h"

namespace council::store {

class RocksDb;

// One caller's write: applied entirely or not at all.
struct WriteRequest {
  // Drafts from this node's operator (see core::PrepareLocalWrite). They get
  // this node's origin, the next sequences and HLC stamps, in order.
  std::vector<v1::Record> drafts;
  // Complete versions from elsewhere (import, sync), applied as they are if
  // newer than what is stored. REQUIRES: core::ValidateComplete OK.
  std::vector<v1::Record> versions;
  // Optional: core::EncodeVersion of each of `versions`, computed by the
  // caller off the commit path (a link does it while the previous batch
  // commits); computed in the commit otherwise.
  std::vector<core::EncodedVersion> encoded;
  // Optional: given `versions` back once they are staged (their contents
  // unspecified), on the staging thread, for the caller to reuse; dropped
  // there otherwise. A link parses each batch it receives into the records
  // of one it submitted before, so that their memory is freed and reused by
  // the thread that allocated it: a free from another thread costs several
  // times more.
  std::function<void(std::vector<v1::Record>)> give_back;
  int64_t wall_ms = 0;  // the caller's clock, for HLC stamps
  // Set for a batch received on a link: the peer, and the position of that
  // peer's outbox through which this request brings us (the inbound cursor).
  std::string from;
  uint64_t inbound_cursor = 0;
  // Link recovery (sync.proto, "Recovery"): raise `outbox_peer`'s outbox head
  // to at least `outbox_floor`.
  std::string outbox_peer;
  uint64_t outbox_floor = 0;
  // Versions already held, appended to `outbox_peer`'s outbox (re-homing).
  std::vector<v1::Record> requeue;
};

enum class Outcome { kApplied, kUnchanged, kRejected };

struct WriteResult {
  std::vector<v1::Record> drafts;         // as stored, in request order
  std::vector<Outcome> version_outcomes;  // one per request.versions entry
  size_t stale = 0;                       // kUnchanged because older than what is held
  std::vector<std::string> rejections;    // why, for each kRejected in order
};

struct ListFilter {
  std::string kind;      // "" any
  std::string unit;      // origin; "" any
  std::string period;    // "" any
  std::string after_id;  // "" from the start
  size_t limit = 0;      // 0: no limit
};

// Records of one peer's outbox, positions [first, last].
struct OutboxSlice {
  uint64_t first = 0;
  uint64_t last = 0;
  std::vector<std::string> records;  // each a Record's CanonicalBytes, as stored
};

// Versions of one origin as stored (each a Record's CanonicalBytes), in
// sequence order; reading resumes at `next`.
struct LogSlice {
  std::vector<std::string> records;
  uint64_t next = 0;
};

// A backup taken by Store::Backup, or restored by Store::Restore.
struct BackupSummary {
  uint32_t id = 0;
  int64_t taken_unix_seconds = 0;
  uint64_t bytes = 0;
  uint32_t files = 0;
};

class Store {
 public:
  // Opens (creating if needed) the database in `dir`. `place` is this node's
  // unit (whose drafts the store stamps) and its parent ("" at the root).
  // `signer` signs this node's versions and `verifier` checks every version
  // from elsewhere before it is applied (core::ApplyContext); either may be
  // nullptr (not signed / not checked). Both are not owned and must outlive
  // the store.
  // Errors: FAILED_PRECONDITION if another process holds the directory,
  // UNAVAILABLE if RocksDB cannot open it.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& dir,
                                                     const core::NodePlace& place,
                                                     const core::Signer* signer = nullptr,
                                                     const core::KeyVerifier* verifier = nullptr);
  ~Store();

  // Restores the latest backup in `backup_dir` into `data_dir`, which must
  // not hold a database. The restored store is marked as recovering (see
  // RecoveryTarget). Errors: FAILED_PRECONDITION if `data_dir` holds one,
  // NOT_FOUND if `backup_dir` holds no backup, UNAVAILABLE on I/O errors.
  static absl::StatusOr<BackupSummary> Restore(const std::string& backup_dir,
                                               const std::string& data_dir);

  // An online, consistent backup into `dir` (created if needed; earlier
  // backups there are kept and share unchanged files). `progress` is called
  // with the bytes copied so far, from the calling thread.
  absl::StatusOr<BackupSummary> Backup(const std::string& dir,
                                       const std::function<void(uint64_t bytes)>& progress);

  // Recovery of this node's own log from its parent, after a restore or a
  // lost disk: nullopt when not recovering; 0 while the parent has not yet
  // said how far it holds this node's origin; otherwise that sequence.
  std::optional<uint64_t> RecoveryTarget() const;

  // Rows this Open moved into their column families from a store written
  // before those existed (LAYOUT.md, "Column families"); 0 for most opens.
  uint64_t RowsMovedAtOpen() const { return moved_at_open_; }
  // Sets (durably) or, with nullopt, ends the recovery.
  absl::Status SetRecoveryTarget(std::optional<uint64_t> target);

  // The parent this node left when it was re-homed under a new one, until
  // the new parent has been sent what it lacks; nullopt otherwise.
  std::optional<std::string> PendingRehome() const;
  absl::Status SetPendingRehome(std::optional<std::string> old_parent);

  // The identity stored at first start, or nullopt for a new directory.
  absl::StatusOr<std::optional<v1::NodeIdentity>> LoadIdentity();
  absl::Status SaveIdentity(const v1::NodeIdentity& identity);

  // Commits `req` atomically and durably, with its routing (outbox entries),
  // automatic directive receipts and cursor. A version refused on a link
  // (kRejected) is skipped and the rest applied; in an import (`from` empty)
  // it refuses the whole request. Errors (nothing stored): those of
  // core::PrepareLocalWrite for a bad draft; PERMISSION_DENIED naming the
  // record for a version of an import that is refused (a bad signature);
  // UNAVAILABLE if the commit failed (and for every later write: the failure
  // is sticky).
  absl::StatusOr<WriteResult> Write(WriteRequest req);
  // Write in two steps, so that a caller may prepare its next write while
  // this one reaches the disk: returns once `req` is staged in commit order
  // (every write staged before it is durable by then); the future yields
  // what Write would, once `req` is durable or known not to be stored.
  std::future<absl::StatusOr<WriteResult>> Submit(WriteRequest req);

  // The current version of a record, or NOT_FOUND.
  absl::StatusOr<v1::Record> Get(const std::string& id);
  // The version of `origin` with sequence `seq`, or NOT_FOUND.
  absl::StatusOr<v1::Record> GetVersion(const std::string& origin, uint64_t seq);
  // The versions of `origin` this node holds with sequences from `from`
  // through `through`, up to `max_records` and about `max_bytes`, by one
  // scan of the log (sequences not held are skipped); `next` is `through`
  // + 1 once the range is read.
  absl::StatusOr<LogSlice> ReadLog(const std::string& origin, uint64_t from, uint64_t through,
                                   size_t max_records, size_t max_bytes);

  // Current records matching `filter`, in id order (origin, then creation).
  // `fn` returns false to stop early.
  absl::Status List(const ListFilter& filter,
                    const std::function<bool(const v1::Record&)>& fn);

  // Current records by kind name.
  std::map<std::string, uint64_t> Counts() const;
  // Highest sequence held from `origin` (0 if none).
  uint64_t OriginMax(const std::string& origin) const;
  // Highest sequence held from `origin` and the digest of that version.
  core::OriginHead Head(const std::string& origin) const;
  // Every origin with its highest sequence held.
  std::map<std::string, uint64_t> OriginMaxima() const;
  core::UnitTree Tree() const;
  // Approximate bytes on disk and in memtables.
  uint64_t ApproximateBytes() const;
  // Blocks until RocksDB has no flush or compaction running or due, or
  // `deadline`; true iff it has none.
  bool WaitCompacted(std::chrono::steady_clock::time_point deadline) const;
  std::shared_ptr<const core::UnitTree> TreeSnapshot() const;

  // --- Hub views (LAYOUT.md, "Hub views") ---
  // The tally of `origin`'s current reports for `period` (empty if none).
  absl::StatusOr<v1::ReportTally> Tally(const std::string& period, const std::string& origin);
  // Follow-up of the directives `unit` is a target of.
  absl::StatusOr<std::vector<v1::DirectiveTargetState>> DirectiveStates(const std::string& unit);
  // Follow-up of the petitions recorded at `origin`.
  absl::StatusOr<std::vector<v1::PetitionState>> PetitionStates(const std::string& origin);
  // Record id -> weight, for every current record containing the folded word
  // (as far as the search index has caught up: see WaitIndexed).
  absl::StatusOr<std::map<std::string, uint32_t>> Postings(const std::string& token);
  // The search index is kept by a background indexer from a change feed
  // committed with the records (LAYOUT.md, "Search index"). Blocks until it
  // covers every write committed before the call, or `deadline`; true iff it does.
  bool WaitIndexed(std::chrono::steady_clock::time_point deadline);
  // Versions applied and not yet in the search index.
  uint64_t IndexLag() const;
  // How long the indexer waits after the last group of at least
  // kStreamGroup versions before it indexes again (a search does not wait
  // for it); kStreamQuiet unless set.
  void SetIndexStreamQuiet(std::chrono::milliseconds quiet);

  // --- Replication state (see core/link.h) ---
  // Reads `peer`'s outbox from position `from` on, up to `max_records` and
  // about `max_bytes`. An empty slice if nothing is there yet.
  absl::StatusOr<OutboxSlice> ReadOutbox(const std::string& peer, uint64_t from,
                                         size_t max_records, size_t max_bytes);
  uint64_t OutboxHead(const std::string& peer) const;
  // How far this node holds `peer`'s outbox for it.
  uint64_t InboundCursor(const std::string& peer) const;
  // Remembers (not synced: the peer's own cursor is authoritative) how far
  // `peer` has acknowledged our outbox for it.
  void SetAcked(const std::string& peer, uint64_t through);
  uint64_t Acked(const std::string& peer) const;
  // Blocks until OutboxHead(peer) > after, `deadline` passes, or Wake().
  // Returns true iff the head is past `after`.
  bool WaitForOutbox(const std::string& peer, uint64_t after,
                     std::chrono::steady_clock::time_point deadline);
  void Wake();

 private:
  struct Writer;
  struct Group;
  struct Commit;
  class Target;
  Store(std::unique_ptr<RocksDb> db, core::NodePlace place, const core::Signer* signer,
        const core::KeyVerifier* verifier);
  absl::Status LoadState();
  void IndexLoop();
  // Indexes feed entries after the cursor, up to `max`; how many it read.
  absl::StatusOr<size_t> IndexSome(size_t max);
  // Stages the writers' requests on top of `before` (in flight, or null)
  // into one commit.
  std::shared_ptr<Commit> Lead(const std::vector<std::shared_ptr<Writer>>& writers,
                               const Commit* before);
  // The committer thread: writes each staged commit, synced, in order.
  void CommitLoop();
  // Makes a written commit visible (or its failure sticky). REQUIRES: mu_.
  void Publish(const Commit& commit, const absl::Status& written);
  // Consumes req.encoded.
  absl::StatusOr<WriteResult> Stage(WriteRequest& req, Group& g);
  // Parses the row at `key` into `m`; false (and `m` untouched) if absent.
  bool ReadRow(const std::string& key, google::protobuf::MessageLite* m);
  // Visits the rows whose keys start with `prefix`.
  absl::Status ScanRows(const std::string& prefix,
                        const std::function<void(absl::string_view key, absl::string_view value)>& fn);

  std::unique_ptr<RocksDb> db_;
  const core::NodePlace place_;
  const core::Signer* const signer_;
  const core::KeyVerifier* const verifier_;

  mutable std::mutex mu_;
  std::condition_variable outbox_cv_;
  // Group commit, two deep: a leader stages the writers queued behind it
  // (one leader at a time, `staging_`) while the committer thread writes
  // the group before (`inflight_`, its staged effects seen through).
  std::deque<std::shared_ptr<Writer>> writers_ ABSL_GUARDED_BY(mu_);
  bool staging_ ABSL_GUARDED_BY(mu_) = false;
  std::shared_ptr<Commit> inflight_ ABSL_GUARDED_BY(mu_);
  bool stop_committer_ ABSL_GUARDED_BY(mu_) = false;
  std::condition_variable commit_cv_;  // a commit handed over or written, or stop
  std::thread committer_;
  absl::Status sticky_error_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> counts_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> origin_max_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> origin_digest_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> outbox_head_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> inbound_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> acked_ ABSL_GUARDED_BY(mu_);
  uint64_t wake_generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<uint64_t> recovery_ ABSL_GUARDED_BY(mu_);
  uint64_t moved_at_open_ = 0;  // set by Open, read-only after
  std::optional<std::string> rehome_ ABSL_GUARDED_BY(mu_);
  // Search index: the change feed's last position and how far it is indexed.
  uint64_t feed_head_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t index_cursor_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_indexer_ ABSL_GUARDED_BY(mu_) = false;
  int index_waiters_ ABSL_GUARDED_BY(mu_) = 0;  // in WaitIndexed: index now
  // The indexer waits for any feed entry; otherwise it lingers for a full
  // batch and a commit need not wake it (store_index.cc).
  bool indexer_idle_ ABSL_GUARDED_BY(mu_) = false;
  static constexpr size_t kIndexBatch = 2048;  // more records per block: fewer, longer posting rows
  // While groups of at least kStreamGroup versions commit (a link applying
  // a backlog, an import), the indexer starts no batch until the stream has
  // been quiet for kStreamQuiet, unless a search waits: it took a fifth of
  // a receiving hub's CPU even at a lower priority (BENCHMARKS.md).
  static constexpr uint64_t kStreamGroup = 256;
  static constexpr std::chrono::milliseconds kStreamQuiet{250};
  std::chrono::milliseconds stream_quiet_ ABSL_GUARDED_BY(mu_) = kStreamQuiet;
  std::chrono::steady_clock::time_point streaming_until_ ABSL_GUARDED_BY(mu_);
  // A batch is ready or the idle indexer has an entry, a search waits, the
  // cursor moved, or stop.
  std::condition_variable index_cv_;
  std::thread indexer_;
  // The leader stages into `tree_` under mu_; a failed commit is sticky, so
  // the tree never runs ahead of a store that still accepts writes.
  std::shared_ptr<const core::UnitTree> tree_ ABSL_GUARDED_BY(mu_) =
      std::make_shared<const core::UnitTree>();
  // Touched only by the current group leader (one at a time).
  core::HybridClock clock_;
};

}  // namespace council::store

#endif  // COUNCIL_NODE_STORE_STORE_H_
