// Live state of this node's replication links, for status and metrics.
// Thread-safe. Times are wall-clock Unix milliseconds from the caller.
#ifndef COUNCIL_NODE_APP_LINKS_H_
#define COUNCIL_NODE_APP_LINKS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"

namespace council::app {

struct LinkState {
  std::string peer;
  std::string role;  // "parent" or "child"
  std::string address;
  bool connected = false;
  int64_t since_ms = 0;
  int64_t last_exchange_ms = 0;
  uint64_t reconnects = 0;  // connections after the first
  uint64_t failed_attempts = 0;  // since last connected
  bool ever_connected = false;
  uint64_t peer_head = 0;  // the peer's outbox head for us, as last reported
  std::string last_error;
  std::map<std::string, uint64_t> refused;  // reason -> records
  std::string last_refusal;
  std::string compression;  // "gzip" or ""
};

class LinkRegistry {
 public:
  void Connected(const std::string& peer, const std::string& role, const std::string& address,
                 int64_t now_ms, const std::string& compression = "");
  void Disconnected(const std::string& peer, const std::string& error, int64_t now_ms);
  // A batch or an ack arrived; `peer_head` as the peer reported it.
  void Exchanged(const std::string& peer, uint64_t peer_head, int64_t now_ms);
  // Records a failed attempt to reach the parent (no peer unit known yet).
  void Failed(const std::string& peer, const std::string& role, const std::string& address,
              const std::string& error, int64_t now_ms);

  // Records `count` records refused from `peer` for `reason`.
  void Refused(const std::string& peer, const std::string& reason, uint64_t count,
               const std::string& detail);

  // Records a link attempt by or to `peer` refused before it was
  // established (e.g. a certificate naming another unit): counted as refused
  // `reason`, with `detail` as the last refusal. Leaves an established link
  // with that peer as it is.
  void RefusedLink(const std::string& peer, const std::string& role, const std::string& reason,
                   const std::string& detail);

  std::vector<LinkState> Snapshot() const;
  bool IsConnected(const std::string& peer) const;

 private:
  LinkState& Entry(const std::string& peer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  mutable std::mutex mu_;
  std::map<std::string, LinkState> links_ ABSL_GUARDED_BY(mu_);
};

}  // namespace council::app

#endif  // COUNCIL_NODE_APP_LINKS_H_
