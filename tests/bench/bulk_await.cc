#include "tests/bench/bulk_await.h"

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "node/core/status_macros.h"
#include "tests/bench/figures.h"

namespace council::bench {
namespace {

int64_t WallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

absl::StatusOr<Convergence> AwaitParentHolds(BenchCluster& cluster, uint64_t want,
                                             BenchClock::time_point started,
                                             std::chrono::milliseconds timeout,
                                             std::chrono::microseconds interval, bool progress) {
  int64_t link_up_ms = 0;
  Convergence c;
  std::string last_seen = "no status yet";
  auto last_progress = BenchClock::now();
  absl::Status s = WaitUntil(
      [&]() -> absl::StatusOr<bool> {
        for (const char* unit : {kBulkParent, kBulkChild}) {
          if (!cluster.Running(unit)) {
            return absl::InternalError(absl::StrCat(unit, " exited; its log:\n", cluster.Log(unit)));
          }
        }
        ASSIGN_OR_RETURN(v1::StatusReply status, cluster.admin(kBulkParent).Status());
        const int64_t now_ms = WallMillis();
        uint64_t held = CountOf(status, "report");
        last_seen = absl::StrCat(held, " held");
        for (const v1::LinkStatus& l : status.links()) {
          if (l.peer() != kBulkChild) continue;
          if (l.connected() && link_up_ms == 0) link_up_ms = l.since_ms();
          c.reconnects = l.reconnects();
          absl::StrAppend(&last_seen, ", link ", l.connected() ? "up" : "down", " (",
                          l.last_error(), "), inbound backlog ", l.inbound_backlog());
          for (const auto& [reason, n] : l.refused()) absl::StrAppend(&last_seen, ", refused ", reason, " ", n);
        }
        if (progress && BenchClock::now() - last_progress > std::chrono::seconds(10)) {
          last_progress = BenchClock::now();
          fprintf(stderr, "council_bench: %s of %s reports at the parent\n", Thousands(held).c_str(),
                  Thousands(want).c_str());
        }
        if (held < want) return false;
        if (link_up_ms == 0) return absl::InternalError("parent holds everything but saw no link");
        c.seconds_from_link_up = (now_ms - link_up_ms) / 1000.0;
        c.seconds_from_start = Seconds(BenchClock::now() - started);
        return true;
      },
      timeout, absl::StrCat("the parent holding ", want, " reports"), interval);
  if (!s.ok()) return absl::Status(s.code(), absl::StrCat(s.message(), "; last seen: ", last_seen));
  return c;
}

NodesCpu CpuOf(BenchCluster& cluster) {
  return {CpuSeconds(cluster.pid(kBulkParent)), CpuSeconds(cluster.pid(kBulkChild))};
}

}  // namespace council::bench
