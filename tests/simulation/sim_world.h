// A seeded, deterministic world of SimNodes: a network that drops, delays,
// duplicates and reorders messages and cuts links, nodes that crash and lose
// their volatile state, and operators writing records at random.
#ifndef COUNCIL_TESTS_SIMULATION_SIM_WORLD_H_
#define COUNCIL_TESTS_SIMULATION_SIM_WORLD_H_

#include <cstdint>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "tests/simulation/sim_node.h"

namespace council::sim {

struct Faults {
  double drop = 0.05;        // per message
  double duplicate = 0.03;   // per message
  int max_delay = 6;         // ticks; random delays reorder messages
  double cut = 0.01;         // per link per tick: the link goes down
  double heal = 0.05;        // per down link per tick
  double crash = 0.003;      // per node per tick
  double restart = 0.05;     // per crashed node per tick
  double write = 0.08;       // per tick: an operator writes somewhere
};

struct Msg {
  enum Kind { kHello, kBatch, kAck } kind;
  std::string from, to;
  uint64_t epoch = 0;
  uint64_t a = 0, b = 0;  // hello: have, head; batch: first, last; ack: through, head
  std::vector<v1::Record> records;
  int64_t at = 0;
  uint64_t order = 0;
  static Msg Of(Kind kind, std::string from, std::string to, uint64_t epoch, uint64_t a,
                uint64_t b) {
    Msg m;
    m.kind = kind;
    m.from = std::move(from);
    m.to = std::move(to);
    m.epoch = epoch;
    m.a = a;
    m.b = b;
    return m;
  }
  bool operator>(const Msg& o) const { return at != o.at ? at > o.at : order > o.order; }
};

class World {
 public:
  // One province "A", districts "D1".."Dd", communes "D1C1".. (c per district).
  World(uint64_t seed, int districts, int communes_per_district);

  void Run(int ticks, const Faults& faults);
  // Ends all faults and runs until every link is idle. False if not within `ticks`.
  bool Heal(int ticks);

  // Makes `unit` a dishonest relay: in every batch it sends, each record of
  // another origin (unit records aside, so the tree stays known) has a byte
  // of its text changed. Its own records and its outboxes stay intact.
  void AlterForwardedRecordsAt(const std::string& unit) { tamperer_ = unit; }

  // Every violation of "each node holds exactly what routing says it should,
  // at the origin's current version, each version applied once, each signed
  // by its origin". With a dishonest relay, a record must not reach the
  // nodes whose path from its origin crosses the relay (each copy was altered
  // and refused) and must reach every other node it addresses; without one,
  // no version may have been refused for its signature.
  std::vector<std::string> Check();

  int64_t now() const { return now_; }
  size_t records_written() const { return written_; }
  // Records the dishonest relay altered in batches it sent.
  size_t records_altered() const { return altered_; }
  // Versions refused on links, over all nodes, for `reason` (bad_signature...).
  int Refused(const std::string& reason);

 private:
  struct Link {
    std::string child, parent;
    bool up = true;
    uint64_t epoch = 0;
  };
  SimNode& Node(const std::string& id) { return *nodes_.at(id); }
  void Tick(const Faults& f, bool faults_on);
  void Send(Msg m, const Faults& f, bool faults_on);
  void Deliver(const Msg& m, const Faults& f, bool faults_on);
  void Reset(Link& link);
  void Dial(Link& link, const Faults& f, bool faults_on);
  void Pump(SimNode& n, const std::string& peer, uint64_t epoch, const Faults& f, bool on);
  void OperatorWrite();
  Link* LinkOf(const std::string& a, const std::string& b);
  bool Idle();
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng_)];
  }
  // Oracle over the true tree, independent of core/routing.
  bool AncestorOrSelf(const std::string& a, const std::string& u) const;
  std::vector<std::string> ScopeTargets(const v1::Record& r) const;
  bool ShouldHold(const std::string& n, const v1::Record& r) const;
  // True iff the dishonest relay lies strictly between `a` and `b` in the tree.
  bool RelayBetween(const std::string& a, const std::string& b) const;
  // Whether `n` must hold `r`: ShouldHold, unless the relay altered it.
  bool MustHold(const std::string& n, const v1::Record& r) const;
  void Tamper(v1::Record& r);

  std::mt19937_64 rng_;
  int64_t now_ = 0;
  uint64_t order_ = 0;
  size_t written_ = 0;
  std::string tamperer_;
  size_t altered_ = 0;
  std::map<std::string, std::unique_ptr<SimNode>> nodes_;
  std::map<std::string, std::string> parent_;
  std::map<std::string, v1::Level> level_;
  std::vector<std::string> ids_;
  std::vector<Link> links_;
  std::priority_queue<Msg, std::vector<Msg>, std::greater<Msg>> net_;
};

}  // namespace council::sim

#endif  // COUNCIL_TESTS_SIMULATION_SIM_WORLD_H_
