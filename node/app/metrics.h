// The node's counters and the Prometheus text exposition of them (format
// 0.0.4). Thread-safe: counters are updated from any thread.
#ifndef COUNCIL_NODE_APP_METRICS_H_
#define COUNCIL_NODE_APP_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "council/v1/admin.pb.h"

namespace council::app {

class Metrics {
 public:
  // Upper bounds (seconds) of the apply-latency histogram buckets.
  static constexpr std::array<double, 10> kApplyBuckets = {0.0005, 0.001, 0.002, 0.005, 0.01,
                                                           0.025,  0.05,  0.1,   0.25,  1.0};

  void RecordsApplied(const std::string& source, uint64_t n);  // source: "local" or "link"
  void BytesSent(const std::string& peer, uint64_t n);
  void BytesReceived(const std::string& peer, uint64_t n);
  // One durable commit took `seconds` (group commit included).
  void ApplyLatency(double seconds);

  // The exposition of these counters plus the node's state from `status`
  // (links, backlogs, refusals, record counts) and the store's size.
  std::string Render(const v1::StatusReply& status, uint64_t store_bytes) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> applied_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> sent_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> received_ ABSL_GUARDED_BY(mu_);
  std::array<uint64_t, kApplyBuckets.size()> buckets_ ABSL_GUARDED_BY(mu_) = {};
  uint64_t apply_count_ ABSL_GUARDED_BY(mu_) = 0;
  double apply_sum_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace council::app

#endif  // COUNCIL_NODE_APP_METRICS_H_
