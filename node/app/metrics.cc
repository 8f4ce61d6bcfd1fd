#include "node/app/metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace council::app {
namespace {

std::string Label(const std::string& v) {
  return absl::StrReplaceAll(v, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}});
}

void Header(std::string* out, const char* name, const char* type, const char* help) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

void PerPeer(std::string* out, const char* name, const char* help,
             const std::map<std::string, uint64_t>& values) {
  Header(out, name, "counter", help);
  for (const auto& [peer, n] : values) absl::StrAppend(out, name, "{peer=\"", Label(peer), "\"} ", n, "\n");
}

}  // namespace

void Metrics::RecordsApplied(const std::string& source, uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  applied_[source] += n;
}

void Metrics::BytesSent(const std::string& peer, uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  sent_[peer] += n;
}

void Metrics::BytesReceived(const std::string& peer, uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  received_[peer] += n;
}

void Metrics::ApplyLatency(double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < kApplyBuckets.size(); ++i) {
    if (seconds <= kApplyBuckets[i]) ++buckets_[i];
  }
  ++apply_count_;
  apply_sum_ += seconds;
}

std::string Metrics::Render(const v1::StatusReply& status, uint64_t store_bytes) const {
  std::string out;
  Header(&out, "council_link_up", "gauge", "1 if the link to the peer is connected.");
  for (const v1::LinkStatus& l : status.links()) {
    absl::StrAppend(&out, "council_link_up{peer=\"", Label(l.peer()), "\",role=\"", l.role(), "\"} ",
                    l.connected() ? 1 : 0, "\n");
  }
  Header(&out, "council_link_reconnects_total", "counter", "Connections of the link after the first.");
  for (const v1::LinkStatus& l : status.links()) {
    absl::StrAppend(&out, "council_link_reconnects_total{peer=\"", Label(l.peer()), "\"} ",
                    l.reconnects(), "\n");
  }
  Header(&out, "council_link_failed_attempts", "gauge",
         "Attempts to reach the parent that failed since the link was last connected.");
  for (const v1::LinkStatus& l : status.links()) {
    if (l.role() != "parent") continue;
    absl::StrAppend(&out, "council_link_failed_attempts{peer=\"", Label(l.peer()), "\"} ",
                    l.failed_attempts(), "\n");
  }
  Header(&out, "council_link_backlog_records", "gauge",
         "Records not yet acknowledged by the peer (out) or not yet received from it (in).");
  for (const v1::LinkStatus& l : status.links()) {
    absl::StrAppend(&out, "council_link_backlog_records{peer=\"", Label(l.peer()),
                    "\",direction=\"out\"} ", l.outbound_backlog(), "\n",
                    "council_link_backlog_records{peer=\"", Label(l.peer()), "\",direction=\"in\"} ",
                    l.inbound_backlog(), "\n");
  }
  Header(&out, "council_records_refused_total", "counter",
         "Records received on a link and refused, by reason; none of them was applied.");
  for (const v1::LinkStatus& l : status.links()) {
    for (const auto& [reason, n] : l.refused()) {
      absl::StrAppend(&out, "council_records_refused_total{peer=\"", Label(l.peer()), "\",reason=\"",
                      Label(reason), "\"} ", n, "\n");
    }
  }
  Header(&out, "council_records", "gauge", "Current records held, by kind.");
  for (const v1::KindCount& c : status.counts()) {
    absl::StrAppend(&out, "council_records{kind=\"", Label(c.kind()), "\"} ", c.count(), "\n");
  }
  Header(&out, "council_store_bytes", "gauge", "Approximate size of the RocksDB store.");
  absl::StrAppend(&out, "council_store_bytes ", store_bytes, "\n");

  std::lock_guard<std::mutex> lock(mu_);
  Header(&out, "council_records_applied_total", "counter",
         "Record versions applied, by source (local writes or links).");
  for (const auto& [source, n] : applied_) {
    absl::StrAppend(&out, "council_records_applied_total{source=\"", source, "\"} ", n, "\n");
  }
  PerPeer(&out, "council_link_bytes_sent_total", "Bytes of messages sent to the peer.", sent_);
  PerPeer(&out, "council_link_bytes_received_total", "Bytes of messages received from the peer.",
          received_);
  Header(&out, "council_apply_seconds", "histogram", "Time to apply and durably commit a write.");
  for (size_t i = 0; i < kApplyBuckets.size(); ++i) {
    absl::StrAppend(&out, "council_apply_seconds_bucket{le=\"", kApplyBuckets[i], "\"} ", buckets_[i], "\n");
  }
  absl::StrAppend(&out, "council_apply_seconds_bucket{le=\"+Inf\"} ", apply_count_, "\n",
                  "council_apply_seconds_sum ", apply_sum_, "\n", "council_apply_seconds_count ",
                  apply_count_, "\n");
  return out;
}

}  // namespace council::app
