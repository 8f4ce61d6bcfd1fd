#include "tests/simulation/sim_world.h"

#include <algorithm>

#include "node/core/ids.h"

namespace council::sim {
namespace {

constexpr size_t kBatchRecords = 3;
constexpr int64_t kTimeoutTicks = 25;

v1::Record Draft(const std::string& title) {
  v1::Record r;
  r.mutable_doc()->set_title(title);
  return r;
}

}  // namespace

World::World(uint64_t seed, int districts, int communes) : rng_(seed) {
  auto add = [&](const std::string& id, const std::string& parent, v1::Level level) {
    nodes_[id] = std::make_unique<SimNode>(id, parent, level);
    parent_[id] = parent;
    level_[id] = level;
    ids_.push_back(id);
    if (!parent.empty()) links_.push_back({id, parent});
  };
  add("A", "", v1::LEVEL_PROVINCE);  // sorts before its children, as "51" before "522"
  for (int d = 1; d <= districts; ++d) {
    std::string did = "D" + std::to_string(d);
    add(did, "A", v1::LEVEL_DISTRICT);
    for (int c = 1; c <= communes; ++c) add(did + "C" + std::to_string(c), did, v1::LEVEL_COMMUNE);
  }
  for (const std::string& id : ids_) {  // each node publishes itself at first start
    v1::Record u = Draft(id);
    u.mutable_unit()->set_id(id);
    u.mutable_unit()->set_level(level_[id]);
    u.mutable_unit()->set_name("HĐND " + id);
    u.mutable_unit()->set_parent(parent_[id]);
    (void)core::ApplyLocalDraft(Node(id), u, Node(id).Context(now_));
  }
}

World::Link* World::LinkOf(const std::string& a, const std::string& b) {
  for (Link& l : links_) {
    if ((l.child == a && l.parent == b) || (l.child == b && l.parent == a)) return &l;
  }
  return nullptr;
}

void World::Send(Msg m, const Faults& f, bool on) {
  m.order = order_++;
  if (!on) {
    m.at = now_ + 1;
    net_.push(std::move(m));
    return;
  }
  if (Chance(f.drop)) return;
  auto delay = [&] { return std::uniform_int_distribution<int>(1, f.max_delay)(rng_); };
  if (Chance(f.duplicate)) {
    Msg copy = m;
    copy.at = now_ + delay();
    copy.order = order_++;
    net_.push(std::move(copy));
  }
  m.at = now_ + delay();
  net_.push(std::move(m));
}

void World::Reset(Link& link) {
  ++link.epoch;
  Node(link.child).sessions().erase(link.parent);
  Node(link.parent).sessions().erase(link.child);
}

void World::Dial(Link& link, const Faults& f, bool on) {
  SimNode& c = Node(link.child);
  SimNode::Session& s = c.sessions()[link.parent];
  if (!c.alive || s.established || s.dialing) return;
  if (on && !Chance(0.3)) return;  // backoff
  s.epoch = ++link.epoch;
  s.dialing = true;
  s.last_progress = now_;
  Send(Msg::Of(Msg::kHello, link.child, link.parent, s.epoch, c.inbound(link.parent),
        c.outbox(link.parent).size()), f, on);
}

void World::Pump(SimNode& n, const std::string& peer, uint64_t epoch, const Faults& f, bool on) {
  SimNode::Session& s = n.sessions()[peer];
  const std::vector<v1::Record>& out = n.outbox(peer);
  while (s.sender.CanSend(out.size())) {
    Msg m = Msg::Of(Msg::kBatch, n.place().self, peer, epoch, s.sender.next(),
                    std::min<uint64_t>(out.size(), s.sender.next() + kBatchRecords - 1));
    m.records.assign(out.begin() + (m.a - 1), out.begin() + m.b);
    if (n.place().self == tamperer_) {
      for (v1::Record& r : m.records) Tamper(r);
    }
    if (s.sender.in_flight() == 0) s.last_progress = now_;
    s.sender.OnSent(m.b);
    Send(std::move(m), f, on);
  }
}

void World::Deliver(const Msg& m, const Faults& f, bool on) {
  SimNode& n = Node(m.to);
  Link* link = LinkOf(m.from, m.to);
  if (!n.alive || !link->up) return;
  SimNode::Session& s = n.sessions()[m.from];
  if (m.kind == Msg::kHello) {
    if (link->parent == m.to) {  // the parent accepts a (newer) stream
      if (m.epoch < s.epoch) return;
      s = SimNode::Session{m.epoch, true, false, now_};
      s.sender.Start(m.a);
      Send(Msg::Of(Msg::kHello, m.to, m.from, m.epoch, n.inbound(m.from), n.outbox(m.from).size()), f, on);
    } else if (s.dialing && s.epoch == m.epoch) {
      s.dialing = false;
      s.established = true;
      s.last_progress = now_;
      s.sender.Start(m.a);
    }
    return;
  }
  if (!s.established || s.epoch != m.epoch) return;  // a message of a dead stream
  if (m.kind == Msg::kAck) {
    s.sender.OnAck(m.a);
    s.last_progress = now_;
    return;
  }
  uint64_t& cursor = n.inbound(m.from);
  switch (core::CheckBatch(cursor, m.a, m.b)) {
    case core::BatchCheck::kInvalid:
    case core::BatchCheck::kGap:
      Reset(*link);
      return;
    case core::BatchCheck::kApply: {
      core::ApplyContext ctx = n.Context(now_ * 1000);
      std::vector<core::EncodedVersion> encoded = core::EncodeVersions(m.records);
      core::ChainProof proof(m.records, encoded, ctx.verifier);  // as the store applies a batch
      for (size_t i = 0; i < m.records.size(); ++i) {
        std::string why;
        const bool proven = proof.Proven(i, n.Tree());
        absl::StatusOr<core::ApplyDecision> d =
            core::ApplyVersion(n, m.records[i], m.from, ctx, &why, proven, &encoded[i]);
        if (d.ok() && *d == core::ApplyDecision::kRejected) ++n.refused()[core::RefusalReason(why)];
      }
      cursor = m.b;
      break;
    }
    case core::BatchCheck::kStale:
      break;
  }
  Send(Msg::Of(Msg::kAck, m.to, m.from, m.epoch, cursor, n.outbox(m.from).size()), f, on);
}

void World::Tamper(v1::Record& r) {
  if (r.origin() == tamperer_ || r.has_unit()) return;
  std::string text = r.text();
  size_t at = text.find_last_of("abcdefghijklmnopqrstuvwxyz .");
  if (at == std::string::npos) {
    text += ".";
  } else {
    text[at] ^= 0x01;  // stays ASCII, so still valid UTF-8
  }
  r.set_text(text);
  ++altered_;
}

int World::Refused(const std::string& reason) {
  int total = 0;
  for (const std::string& id : ids_) total += Node(id).refused()[reason];
  return total;
}

void World::Tick(const Faults& f, bool on) {
  ++now_;
  if (on) {
    for (Link& l : links_) {
      if (l.up && Chance(f.cut)) {
        l.up = false;
        if (Chance(0.5)) Reset(l);  // the stream breaks at once, or times out later
      } else if (!l.up && Chance(f.heal)) {
        l.up = true;
      }
    }
    for (const std::string& id : ids_) {
      SimNode& n = Node(id);
      if (n.alive && Chance(f.crash)) {  // its streams die with it
        n.alive = false;
        for (Link& l : links_) {
          if (l.child == id || l.parent == id) Reset(l);
        }
      } else if (!n.alive && Chance(f.restart)) {
        n.alive = true;
      }
    }
    if (Chance(f.write)) OperatorWrite();
  }
  while (!net_.empty() && net_.top().at <= now_) {
    Msg m = net_.top();
    net_.pop();
    Deliver(m, f, on);
  }
  for (Link& l : links_) Dial(l, f, on);
  // A stream that waits too long is torn down at both ends, like a gRPC
  // stream whose keepalive fails.
  for (Link& l : links_) {
    for (SimNode* n : {&Node(l.child), &Node(l.parent)}) {
      auto it = n->sessions().find(n == &Node(l.child) ? l.parent : l.child);
      if (it == n->sessions().end()) continue;
      bool waiting = it->second.dialing || it->second.sender.in_flight() > 0;
      if (waiting && now_ - it->second.last_progress > kTimeoutTicks) {
        Reset(l);
        break;
      }
    }
  }
  for (const std::string& id : ids_) {
    SimNode& n = Node(id);
    if (!n.alive) continue;
    for (auto& [peer, s] : n.sessions()) {
      if (s.established) Pump(n, peer, s.epoch, f, on);
    }
  }
}

void World::Run(int ticks, const Faults& f) {
  for (int i = 0; i < ticks; ++i) Tick(f, true);
}

bool World::Idle() {
  if (!net_.empty()) return false;
  for (const Link& l : links_) {
    SimNode& c = Node(l.child);
    SimNode& p = Node(l.parent);
    auto cs = c.sessions().find(l.parent);
    auto ps = p.sessions().find(l.child);
    if (cs == c.sessions().end() || ps == p.sessions().end()) return false;
    if (!cs->second.established || !ps->second.established) return false;
    if (cs->second.sender.acked() != c.outbox(l.parent).size()) return false;
    if (ps->second.sender.acked() != p.outbox(l.child).size()) return false;
  }
  return true;
}

bool World::Heal(int ticks) {
  for (Link& l : links_) l.up = true;
  for (const std::string& id : ids_) Node(id).alive = true;
  Faults none;
  int idle = 0;
  for (int i = 0; i < ticks; ++i) {
    Tick(none, false);
    idle = Idle() ? idle + 1 : 0;
    if (idle >= 3) return true;
  }
  return false;
}

}  // namespace council::sim
