// The rows a province's store writes when it applies relayed records
// (node/store/LAYOUT.md), built for code that writes them with RocksDB
// alone: "the store's rows alone" (raw_ingest.h) and the sync ceiling's
// receiver (sync_ceiling_server.cc). Keys from node/store/keys.h; none of
// the store's staging, apply rules or search index.
#ifndef COUNCIL_TESTS_BENCH_HUB_ROWS_H_
#define COUNCIL_TESTS_BENCH_HUB_ROWS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "council/v1/record.pb.h"
#include "council/v1/store.pb.h"

namespace council::bench {

using Rows = std::vector<std::pair<std::string, std::string>>;

class HubRows {
 public:
  // The version's log entry (its stored bytes), and its origin's head at it
  // (`digest`: of those bytes, core/chain.h): what any store of the
  // records writes.
  void AddLogEntry(const v1::Record& rec, std::string bytes, std::string digest, Rows* rows);
  // The rest the store writes for a new record: its current pointer, kind,
  // unit and period index entries, change-feed entry and, for a report,
  // its tally's change.
  void AddDerived(const v1::Record& rec, Rows* rows);
  // Once per batch: each origin's head, the tallies changed, the inbound
  // cursor from `from` at `cursor` and the counts changed.
  void EndBatch(const std::string& from, uint64_t cursor, Rows* rows);

 private:
  struct Head {
    uint64_t seq = 0;
    std::string digest;
  };
  std::map<std::string, Head> heads_;  // origin -> head, staged this batch
  std::map<std::pair<std::string, std::string>, v1::ReportTally> tallies_;  // (period, origin)
  std::set<std::pair<std::string, std::string>> changed_tallies_;
  std::map<std::string, uint64_t> counts_;  // kind -> records
  std::set<std::string> changed_counts_;
  uint64_t feed_ = 0;
};

}  // namespace council::bench

#endif  // COUNCIL_TESTS_BENCH_HUB_ROWS_H_
