#include "tests/bench/hub_rows.h"

#include "node/core/ids.h"
#include "node/core/kinds.h"
#include "node/core/serialize.h"
#include "node/store/keys.h"

namespace council::bench {
namespace {

namespace keys = store::keys;

std::string Be64(uint64_t v) {
  std::string s;
  keys::PutBe64(&s, v);
  return s;
}

}  // namespace

void HubRows::AddLogEntry(const v1::Record& rec, std::string bytes, std::string digest,
                          Rows* rows) {
  rows->emplace_back(keys::Log(rec.origin(), rec.seq()), std::move(bytes));
  Head& head = heads_[rec.origin()];
  head.seq = rec.seq();
  head.digest = std::move(digest);
}

void HubRows::AddDerived(const v1::Record& rec, Rows* rows) {
  const std::string& origin = rec.origin();
  const uint64_t n = rec.seq();  // a new record: its id's number is its first version's seq
  const std::string kind = core::KindName(rec);
  rows->emplace_back(keys::Current(origin, n), Be64(rec.seq()));
  rows->emplace_back(keys::ByKind(kind, origin, n), "");
  rows->emplace_back(keys::ByUnit(origin, kind, n), "");
  const std::string& period = core::PeriodOf(rec);
  if (!period.empty()) rows->emplace_back(keys::ByPeriod(period, origin, n), "");
  rows->emplace_back(keys::Feed(++feed_), keys::LogRef(origin, rec.seq()));
  ++counts_[kind];
  changed_counts_.insert(kind);
  if (rec.has_report()) {
    v1::ReportTally& tally = tallies_[{period, origin}];
    tally.set_reports(tally.reports() + 1);
    for (const auto& [name, value] : rec.report().metrics()) (*tally.mutable_metrics())[name] += value;
    changed_tallies_.insert({period, origin});
  }
}

void HubRows::EndBatch(const std::string& from, uint64_t cursor, Rows* rows) {
  for (auto& [origin, head] : heads_) {
    rows->emplace_back(keys::OriginMax(origin), Be64(head.seq) + head.digest);
  }
  heads_.clear();
  for (const auto& at : changed_tallies_) {
    rows->emplace_back(keys::Tally(at.first, at.second), core::CanonicalBytes(tallies_[at]));
  }
  changed_tallies_.clear();
  rows->emplace_back(keys::PeerKey(keys::kInbound, from), Be64(cursor));
  for (const std::string& kind : changed_counts_) rows->emplace_back(keys::Count(kind), Be64(counts_[kind]));
  changed_counts_.clear();
}

}  // namespace council::bench
