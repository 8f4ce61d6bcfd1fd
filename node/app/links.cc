#include "node/app/links.h"

namespace council::app {

LinkState& LinkRegistry::Entry(const std::string& peer) {
  LinkState& s = links_[peer];
  s.peer = peer;
  return s;
}

void LinkRegistry::Connected(const std::string& peer, const std::string& role,
                             const std::string& address, int64_t now_ms,
                             const std::string& compression) {
  std::lock_guard<std::mutex> lock(mu_);
  LinkState& s = Entry(peer);
  if (s.ever_connected) ++s.reconnects;
  s.ever_connected = true;
  s.role = role;
  s.address = address;
  s.connected = true;
  s.since_ms = now_ms;
  s.failed_attempts = 0;
  s.last_error.clear();
  s.compression = compression;
}

void LinkRegistry::Disconnected(const std::string& peer, const std::string& error,
                                int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  LinkState& s = Entry(peer);
  s.connected = false;
  s.since_ms = now_ms;
  s.last_error = error;
}

void LinkRegistry::Exchanged(const std::string& peer, uint64_t peer_head, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  LinkState& s = Entry(peer);
  s.last_exchange_ms = now_ms;
  s.peer_head = peer_head;
}

void LinkRegistry::Failed(const std::string& peer, const std::string& role,
                          const std::string& address, const std::string& error, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  LinkState& s = Entry(peer);
  s.role = role;
  s.address = address;
  if (s.connected || s.since_ms == 0) s.since_ms = now_ms;
  s.connected = false;
  ++s.failed_attempts;
  s.last_error = error;
}

void LinkRegistry::Refused(const std::string& peer, const std::string& reason, uint64_t count,
                           const std::string& detail) {
  std::lock_guard<std::mutex> lock(mu_);
  LinkState& s = Entry(peer);
  s.refused[reason] += count;
  s.last_refusal = detail;
}

void LinkRegistry::RefusedLink(const std::string& peer, const std::string& role,
                               const std::string& reason, const std::string& detail) {
  std::lock_guard<std::mutex> lock(mu_);
  LinkState& s = Entry(peer);
  if (s.role.empty()) s.role = role;
  s.refused[reason] += 1;
  s.last_refusal = detail;
}

std::vector<LinkState> LinkRegistry::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<LinkState> out;
  for (const auto& [peer, s] : links_) out.push_back(s);
  return out;
}

bool LinkRegistry::IsConnected(const std::string& peer) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = links_.find(peer);
  return it != links_.end() && it->second.connected;
}

}  // namespace council::app
