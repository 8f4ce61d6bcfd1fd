// A district's store holding a log of N records from its communes, for the
// routing-cost benchmark (issue #6, figure 7): what goes down to one child
// must be found by that child's outbox, not by scanning the log, so its
// cost must not grow with N.
#ifndef COUNCIL_TESTS_BENCH_ROUTING_HUB_H_
#define COUNCIL_TESTS_BENCH_ROUTING_HUB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "node/store/store.h"

namespace council::bench {

class RoutingHub {
 public:
  // Opens a fresh store in `dir` (must not exist) as district 522 under
  // province 51, registers BenchCommunes() under it and applies `records`
  // reports spread evenly over them (as an import: complete versions,
  // unsigned, in batches of 1,000). Every report is routed up, so the
  // province's outbox is `records` long too. Returns once the store is at
  // rest: indexed, flushed and compacted.
  static absl::StatusOr<std::unique_ptr<RoutingHub>> Fill(const std::string& dir, uint64_t records);

  store::Store& store() { return *store_; }

  // Applies a directive of this district addressed to `commune` alone and
  // reads that commune's outbox from the position the directive took; the
  // records read (1 unless routing is wrong).
  absl::StatusOr<size_t> DirectiveDown(const std::string& commune);

 private:
  explicit RoutingHub(std::unique_ptr<store::Store> store) : store_(std::move(store)) {}
  std::unique_ptr<store::Store> store_;
  uint64_t directives_ = 0;
};

}  // namespace council::bench

#endif  // COUNCIL_TESTS_BENCH_ROUTING_HUB_H_
