// One council node's application service: its identity, its store, and the
// operations the admin API offers. Transport adapters decode a request, call
// one method here, and encode the answer.
//
// Thread safety: all methods may be called concurrently.
#ifndef COUNCIL_NODE_APP_NODE_SERVICE_H_
#define COUNCIL_NODE_APP_NODE_SERVICE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "council/v1/admin.pb.h"
#include "council/v1/config.pb.h"
#include "council/v1/sync.pb.h"
#include "node/app/links.h"
#include "node/app/metrics.h"
#include "node/app/node_keys.h"
#include "node/store/store.h"

namespace council::app {

// Wall-clock milliseconds since the Unix epoch. Injected so tests control time.
using Clock = std::function<int64_t()>;
int64_t SystemClockMillis();

class NodeService {
 public:
  // Opens the data directory. On first start it records the node's identity
  // (unit, level and name are then required) and publishes the node's own
  // unit record. On later starts an empty identity field is taken from the
  // directory, a different unit or level is refused (FAILED_PRECONDITION
  // naming both), and a changed name or parent is published as a new version
  // of the unit record. The node signs its records with the key of
  // LoadNodeKeys(config) (created in the data directory at the first start),
  // publishes that key and its certificate in its unit record (a new version
  // when they change), and checks every version from elsewhere before
  // applying it. Errors of LoadNodeKeys and CheckOwnBinding too.
  static absl::StatusOr<std::unique_ptr<NodeService>> Open(const v1::NodeConfig& config,
                                                           Clock clock);

  const v1::NodeIdentity& identity() const { return identity_; }
  const v1::NodeConfig& config() const { return config_; }

  // Admin.Put: creates (no id) or amends (id of this origin) one record.
  // NOT_FOUND / INVALID_ARGUMENT if it refers to a record not held here or
  // of the wrong kind.
  absl::StatusOr<v1::Record> Put(const v1::Record& draft);
  // Admin.Import: validates every record, then commits all atomically.
  absl::StatusOr<v1::ImportReply> Import(const std::vector<v1::Record>& records);
  // Admin.Reorganise: the drafts of core/reorganise.h, committed atomically.
  absl::StatusOr<v1::ReorganiseReply> Reorganise(const v1::ReorganiseRequest& request);
  absl::StatusOr<v1::Record> Get(const std::string& id);
  absl::Status List(const store::ListFilter& filter,
                    const std::function<bool(const v1::Record&)>& fn);
  // Identity, record counts, and every link with its backlog.
  v1::StatusReply Status() const;
  // The known tree, depth-first, with each unit's last contact.
  v1::UnitsReply Units() const;

  // The addresses the servers actually bound (port 0 resolved), for Status.
  void SetBoundAddresses(const std::string& admin, const std::string& listen);

  // For the replication transport.
  store::Store& store() { return *store_; }
  LinkRegistry& links() { return links_; }
  Metrics& metrics() { return metrics_; }
  // Commits a write to the store, recording its latency and what it applied.
  absl::StatusOr<store::WriteResult> Commit(store::WriteRequest req);
  // Commit in two steps (store::Store::Submit): Submit returns once the
  // write is staged in commit order, Finish once it is durable.
  struct PendingCommit {
    std::future<absl::StatusOr<store::WriteResult>> result;
    const char* source = "local";
    bool from_parent = false;
    std::chrono::steady_clock::time_point start;
  };
  PendingCommit Submit(store::WriteRequest req);
  absl::StatusOr<store::WriteResult> Finish(PendingCommit pending);
  int64_t NowMillis() const { return clock_(); }
  // This node's record-signing key, and the checker of everyone's keys.
  const core::Signer& signer() const { return *keys_.signer; }
  const core::KeyVerifier& verifier() const { return *keys_.verifier; }

  // Recovery of this node's own log (store::Store::RecoveryTarget): the
  // parent's hello says how far it holds this origin (Hello.your_seq); the
  // recovery ends, and the node publishes its unit record and takes local
  // writes again, once this node holds its log that far.
  // A node re-homed under a new parent (its configured parent changed) then
  // sends it what it lacks of this node's subtree (Hello.subtree_heads).
  absl::Status OnParentHello(const v1::Hello& hello);

 private:
  NodeService(NodeKeys keys, std::unique_ptr<store::Store> store, v1::NodeIdentity identity,
              v1::NodeConfig config, Clock clock);
  absl::Status PublishOwnUnit();
  // After a re-homing: queues for the new parent the versions of this node's
  // subtree it lacks according to its hello.
  absl::Status SendWhatTheNewParentLacks(const v1::Hello& hello);
  // Ends the recovery if this node holds its log through the target.
  absl::Status MaybeFinishRecovery();
  // A local draft may only refer to a record this node holds, of the right
  // kind (an update to a directive, an answer to a petition...).
  absl::Status CheckReferences(const v1::Record& draft);
  absl::Status CheckReference(const std::string& id, const std::string& kind);

  NodeKeys keys_;  // declared before store_, which uses it, so it outlives it
  std::unique_ptr<store::Store> store_;
  v1::NodeIdentity identity_;
  v1::NodeConfig config_;
  Clock clock_;
  LinkRegistry links_;
  Metrics metrics_;
  std::mutex recovery_mu_;  // one caller at a time ends the recovery
  mutable std::mutex bound_mu_;
  std::string bound_admin_, bound_listen_;  // guarded by bound_mu_
};

}  // namespace council::app

#endif  // COUNCIL_NODE_APP_NODE_SERVICE_H_
