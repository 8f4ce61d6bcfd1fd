// kill -9 durability: a burst of creates from 8 threads, each spawning
// `councilctl report create`; SIGKILL the daemon mid-burst; after a restart
// on the same data directory every acknowledged id is there with the record
// that was sent, and new creates do not reuse any sequence.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "node_test.h"

namespace council::itest {
namespace {

constexpr int kThreads = 8;
constexpr int kPerThread = 50;        // 400 creates at most
constexpr size_t kKillAfterAcks = 120;  // SIGKILL once this many are acknowledged

class DurabilityTest : public NodeTest {};

TEST_F(DurabilityTest, AcknowledgedCreatesSurviveSigkill) {
  const std::string addr = node().admin_addr();
  std::mutex mu;
  std::map<std::string, std::string> acked;  // id -> title sent
  std::vector<std::string> duplicate_ids;
  std::atomic<bool> killed{false};
  std::atomic<int> attempts{0}, failures_before_kill{0};
  std::vector<std::string> failure_samples;

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread && !killed.load(); ++i) {
        ++attempts;
        std::string title = absl::StrCat("Báo cáo nhanh tháng 8 — luồng ", t, ", lần ", i);
        RunResult r = RunCtl(addr, {"report", "create", "--period", "2023-M08", "--title", title,
                                    "--metric", absl::StrCat("voter_meetings=", t * 1000 + i)},
                             "", milliseconds(20000));
        if (r.exit_code != 0) {
          if (!killed.load()) {
            ++failures_before_kill;
            std::lock_guard<std::mutex> lock(mu);
            if (failure_samples.size() < 3) failure_samples.push_back(Describe(r));
          }
          continue;
        }
        std::string id = TrimNewlines(r.out);
        std::lock_guard<std::mutex> lock(mu);
        if (!acked.emplace(id, title).second) duplicate_ids.push_back(id);
      }
    });
  }

  // Wait (bounded) until enough creates are acknowledged, then crash the node.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (acked.size() >= kKillAfterAcks) break;
    }
    if (attempts.load() >= kThreads * kPerThread) break;
    std::this_thread::sleep_for(milliseconds(5));
  }
  // The flag goes up first: a create that fails from here on may have been
  // cut by the kill; one that failed before it is a real failure.
  killed = true;
  int kill_code = node().Kill();
  for (std::thread& th : threads) th.join();

  EXPECT_EQ(kill_code, 128 + SIGKILL);
  EXPECT_EQ(failures_before_kill.load(), 0)
      << "creates failed while the node was up: "
      << (failure_samples.empty() ? "" : failure_samples[0]);
  EXPECT_TRUE(duplicate_ids.empty()) << "id acknowledged twice: " << duplicate_ids[0];
  ASSERT_GE(acked.size(), kKillAfterAcks) << "the burst was too slow to reach the kill point";
  EXPECT_LT(attempts.load(), kThreads * kPerThread) << "the kill came after the burst ended";

  uint64_t max_acked = 0;
  for (const auto& [id, title] : acked) {
    EXPECT_TRUE(LooksLikeRecordId(id)) << id;
    max_acked = std::max(max_acked, SeqOf(id));
  }

  // Restart on the same data directory.
  Restart();
  ASSERT_FALSE(HasFatalFailure());

  // Every acknowledged id is shown, with the title it was created with.
  std::vector<std::pair<std::string, std::string>> items(acked.begin(), acked.end());
  std::vector<std::string> missing;
  std::atomic<size_t> next{0};
  std::vector<std::thread> checkers;
  for (int t = 0; t < kThreads; ++t) {
    checkers.emplace_back([&] {
      for (size_t k = next++; k < items.size(); k = next++) {
        const auto& [id, title] = items[k];
        RunResult r = node().Ctl({"--json", "show", id});
        v1::Record rec;
        bool ok = r.exit_code == 0 && ParseJson(r.out, &rec) && rec.id() == id &&
                  rec.doc().title() == title && rec.report().period() == "2023-M08";
        if (!ok) {
          std::lock_guard<std::mutex> lock(mu);
          missing.push_back(absl::StrCat(id, " (", Describe(r), ")"));
        }
      }
    });
  }
  for (std::thread& th : checkers) th.join();
  EXPECT_TRUE(missing.empty()) << missing.size() << " acknowledged records lost, e.g. "
                               << missing[0];

  // Export agrees, and holds nothing twice.
  std::set<std::string> exported;
  for (const std::string& line : Lines(Export({"--kind", "report"}))) {
    v1::Record rec;
    ASSERT_TRUE(ParseJson(line, &rec));
    EXPECT_TRUE(exported.insert(rec.id()).second) << "exported twice: " << rec.id();
  }
  for (const auto& [id, title] : acked) EXPECT_EQ(exported.count(id), 1u) << id;

  // The origin's sequence resumes past everything handed out before.
  v1::StatusReply status = Status();
  EXPECT_GE(status.last_seq(), max_acked);
  for (int i = 0; i < 3; ++i) {
    std::string id = CreateOk({"report", "create", "--period", "2023-M09", "--title",
                               absl::StrCat("Sau sự cố ", i)});
    EXPECT_EQ(acked.count(id), 0u) << "id reused: " << id;
    EXPECT_GT(SeqOf(id), max_acked) << id;
    EXPECT_GT(SeqOf(id), status.last_seq()) << id;
  }
}

}  // namespace
}  // namespace council::itest
