// Scrapes /metrics from running nodes (--metrics-listen) and checks that the
// figures move when records are written and synced.
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "common/scoped_temp_dir.h"
#include "gtest/gtest.h"
#include "harness.h"
#include "metrics_scrape.h"

namespace council::itest {
namespace {

std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

TEST(MetricsTest, FiguresMoveWhenRecordsAreWrittenAndSynced) {
  testing::ScopedTempDir temp("council_metrics_");
  NodeOptions province;
  province.unit = "51";
  province.level = "province";
  province.name = "HĐND tỉnh Quảng Ngãi";
  province.parent_unit = "";
  province.extra_args = {"--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"};
  auto p = NodeProcess::Start(temp.path() + "/p", province);
  ASSERT_TRUE(p.ok()) << p.status();
  NodeOptions district;  // 522 under 51
  district.extra_args = {"--parent", ReadLine(temp.path() + "/p/listen.addr"), "--metrics-listen",
                         "127.0.0.1:0"};
  auto d = NodeProcess::Start(temp.path() + "/d", district);
  ASSERT_TRUE(d.ok()) << d.status();
  const std::string p_metrics = ReadLine(temp.path() + "/p/metrics.addr");
  const std::string d_metrics = ReadLine(temp.path() + "/d/metrics.addr");

  ASSERT_EQ((*d)->Ctl({"sync", "wait", "--timeout", "30"}).exit_code, 0);
  auto before_d = Samples(Scrape(d_metrics));
  auto before_p = Samples(Scrape(p_metrics));
  ASSERT_FALSE(before_d.empty()) << "no metrics from " << d_metrics;
  EXPECT_EQ(before_d["council_link_up{peer=\"51\",role=\"parent\"}"], 1);
  EXPECT_EQ(before_p["council_link_up{peer=\"522\",role=\"child\"}"], 1);

  for (int i = 0; i < 3; ++i) {
    RunResult r = (*d)->Ctl({"report", "create", "--period", "2023-YTD08", "--title",
                             "Báo cáo kết quả hoạt động 8 tháng đầu năm 2023", "--metric",
                             "sessions_held=2"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  ASSERT_EQ((*d)->Ctl({"sync", "wait", "--timeout", "30"}).exit_code, 0);
  auto after_d = Samples(Scrape(d_metrics));
  auto after_p = Samples(Scrape(p_metrics));

  const std::string local = "council_records_applied_total{source=\"local\"}";
  const std::string link = "council_records_applied_total{source=\"link\"}";
  EXPECT_EQ(after_d[local] - before_d[local], 3);
  EXPECT_EQ(after_d["council_records{kind=\"report\"}"], 3);
  EXPECT_EQ(after_p[link] - before_p[link], 3);
  EXPECT_EQ(after_p["council_records{kind=\"report\"}"], 3);
  EXPECT_GT(after_d["council_link_bytes_sent_total{peer=\"51\"}"],
            before_d["council_link_bytes_sent_total{peer=\"51\"}"] + 300);
  EXPECT_GT(after_p["council_link_bytes_received_total{peer=\"522\"}"],
            before_p["council_link_bytes_received_total{peer=\"522\"}"] + 300);
  EXPECT_EQ(after_d["council_link_backlog_records{peer=\"51\",direction=\"out\"}"], 0);
  EXPECT_GE(after_d["council_apply_seconds_count"], before_d["council_apply_seconds_count"] + 3);
  EXPECT_GT(after_p["council_store_bytes"], 0);

  // The province goes away: the district's failed attempts to reach it count up.
  const std::string failed = "council_link_failed_attempts{peer=\"51\"}";
  ASSERT_TRUE(after_d.count(failed)) << "no " << failed;
  EXPECT_EQ(after_d[failed], 0);
  EXPECT_EQ((*p)->Stop(), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  double seen = 0;
  while ((seen = Samples(Scrape(d_metrics))[failed]) < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(seen, 2) << failed;
}

TEST(MetricsTest, OffByDefaultAndBadAddressRefused) {
  testing::ScopedTempDir temp("council_metrics_");
  auto n = NodeProcess::Start(temp.path() + "/n", NodeOptions{});
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_FALSE(std::ifstream(temp.path() + "/n/metrics.addr").good());
  NodeOptions bad;
  bad.extra_args = {"--metrics-listen", "localhost"};
  auto refused = NodeProcess::Start(temp.path() + "/bad", bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(std::string(refused.status().message()).find("--metrics-listen"), std::string::npos)
      << refused.status();
}

}  // namespace
}  // namespace council::itest
