// Scrapes /metrics from running nodes (--metrics-listen) and checks that the
// figures move when records are written and synced.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/scoped_temp_dir.h"
#include "gtest/gtest.h"
#include "harness.h"

namespace council::itest {
namespace {

std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// GET http://addr/metrics; the body, or "" on any failure.
std::string Scrape(const std::string& addr) {
  size_t colon = addr.rfind(':');
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(std::stoi(addr.substr(colon + 1))));
  inet_pton(AF_INET, addr.substr(0, colon).c_str(), &sa.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    close(fd);
    return "";
  }
  std::string req = "GET /metrics HTTP/1.0\r\nHost: " + addr + "\r\n\r\n";
  (void)!write(fd, req.data(), req.size());
  std::string resp;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) resp.append(buf, static_cast<size_t>(n));
  close(fd);
  size_t body = resp.find("\r\n\r\n");
  return body == std::string::npos ? "" : resp.substr(body + 4);
}

// Sample name with labels -> value.
std::map<std::string, double> Samples(const std::string& text) {
  std::map<std::string, double> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    double v = 0;
    if (space != absl::string_view::npos && absl::SimpleAtod(line.substr(space + 1), &v)) {
      out[std::string(line.substr(0, space))] = v;
    }
  }
  return out;
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
