// A council node for the simulation: the core's apply logic over plain maps
// (the durable part) plus link sessions (the volatile part, lost in a crash).
#ifndef COUNCIL_TESTS_SIMULATION_SIM_NODE_H_
#define COUNCIL_TESTS_SIMULATION_SIM_NODE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "node/core/apply.h"
#include "node/core/kinds.h"
#include "node/core/link.h"
#include "tests/simulation/fake_signing.h"

namespace council::sim {

class SimNode : public core::ApplyTarget {
 public:
  SimNode(std::string self, std::string parent, v1::Level level)
      : place_{std::move(self), std::move(parent)}, level_(level), signer_(SimKeyOf(place_.self)) {}

  // --- core::ApplyTarget over maps; every write is durable at once. ---
  absl::StatusOr<std::optional<v1::Record>> Current(const std::string& id) override {
    auto it = current_.find(id);
    if (it == current_.end()) return std::nullopt;
    return it->second;
  }
  core::OriginHead Head(const std::string& origin) override {
    auto it = heads_.find(origin);
    return it == heads_.end() ? core::OriginHead{} : it->second;
  }
  void StoreHead(const std::string& origin, const core::OriginHead& head) override {
    heads_[origin] = head;
  }
  const core::UnitTree& Tree() override { return tree_; }
  void StoreVersion(const v1::Record& rec, const v1::Record*, std::string) override {
    ++applied_[{rec.id(), rec.version()}];
    current_[rec.id()] = rec;
  }
  void StoreTree(const core::UnitTree& tree) override { tree_ = tree; }
  void AppendOutbox(const std::string& peer, const v1::Record& rec) override {
    outbox_[peer].push_back(rec);
  }
  void TrackDirectiveTarget(const v1::Record&, const std::string&) override {}
  void TrackDirectiveUpdate(const v1::Record&) override {}
  bool Acknowledged(const std::string& unit, const std::string& directive_id) override {
    for (const auto& [id, r] : current_) {
      if (r.origin() == unit && r.directive_update().directive_id() == directive_id) return true;
    }
    return false;
  }
  absl::Status ForEachOfKind(const std::string& kind,
                             const std::function<void(const v1::Record&)>& fn) override {
    for (const auto& [id, r] : current_) {
      if (core::KindName(r) == kind) fn(r);
    }
    return absl::OkStatus();
  }

  // Signs this node's versions with SimKeyOf(self) and checks everyone's.
  core::ApplyContext Context(int64_t now_ms) {
    return {place_, &clock_, now_ms, &signer_, &verifier_};
  }
  // Versions from links that ApplyVersion refused, by core::RefusalReason.
  std::map<std::string, int>& refused() { return refused_; }

  const core::NodePlace& place() const { return place_; }
  v1::Level level() const { return level_; }
  const std::map<std::string, v1::Record>& records() const { return current_; }
  const std::vector<v1::Record>& outbox(const std::string& peer) { return outbox_[peer]; }
  uint64_t& inbound(const std::string& peer) { return inbound_[peer]; }
  // Versions applied more than once (must stay empty).
  std::vector<std::string> Duplicates() const;

  // Volatile link state towards one peer.
  struct Session {
    uint64_t epoch = 0;      // the stream this session belongs to
    bool established = false;
    bool dialing = false;    // child: hello sent, answer awaited
    int64_t last_progress = 0;
    core::OutboxSender sender{4};
  };
  std::map<std::string, Session>& sessions() { return sessions_; }
  bool alive = true;

 private:
  core::NodePlace place_;
  v1::Level level_;
  core::HybridClock clock_;
  FakeSigner signer_;
  FakeVerifier verifier_;
  std::map<std::string, int> refused_;
  std::map<std::string, v1::Record> current_;
  std::map<std::string, core::OriginHead> heads_;
  core::UnitTree tree_;
  std::map<std::string, std::vector<v1::Record>> outbox_;
  std::map<std::string, uint64_t> inbound_;
  std::map<std::pair<std::string, uint32_t>, int> applied_;
  std::map<std::string, Session> sessions_;
};

inline std::vector<std::string> SimNode::Duplicates() const {
  std::vector<std::string> out;
  for (const auto& [key, n] : applied_) {
    if (n > 1) out.push_back(key.first + " v" + std::to_string(key.second));
  }
  return out;
}

}  // namespace council::sim

#endif  // COUNCIL_TESTS_SIMULATION_SIM_NODE_H_
