#include "tests/bench/bench_nodes.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "node/core/status_macros.h"

namespace council::bench {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

BenchCluster::BenchCluster(std::string root, std::string pki_dir, int port_base)
    : root_(std::move(root)), pki_dir_(std::move(pki_dir)), port_base_(port_base),
      next_port_(port_base) {}

BenchCluster::~BenchCluster() {
  for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
    if (Running(*it)) Stop(*it);
  }
}

BenchCluster::Member& BenchCluster::member(const std::string& unit) {
  auto it = members_.find(unit);
  if (it == members_.end()) {
    fprintf(stderr, "council_bench: unit %s is not in the cluster\n", unit.c_str());
    std::abort();
  }
  return it->second;
}

const BenchCluster::Member& BenchCluster::member(const std::string& unit) const {
  return const_cast<BenchCluster*>(this)->member(unit);
}

int BenchCluster::NextPort() { return port_base_ > 0 ? next_port_++ : itest::UnusedPort(); }

void BenchCluster::PickPorts(Member& m) {
  m.listen_port = NextPort();
  m.admin_port = NextPort();
  m.metrics_port = NextPort();
}

void BenchCluster::Add(const NodeSpec& spec) {
  Member m;
  m.spec = spec;
  PickPorts(m);
  std::filesystem::create_directories(data_dir(spec.unit));
  order_.push_back(spec.unit);
  members_.emplace(spec.unit, std::move(m));
}

std::string BenchCluster::data_dir(const std::string& unit) const {
  return absl::StrCat(root_, "/", unit);
}
std::string BenchCluster::listen_addr(const std::string& unit) const {
  return absl::StrCat("127.0.0.1:", member(unit).listen_port);
}
std::string BenchCluster::metrics_addr(const std::string& unit) const {
  return absl::StrCat("127.0.0.1:", member(unit).metrics_port);
}

absl::Status BenchCluster::Start(const std::string& unit, bool dial_parent,
                                 const std::vector<std::string>& extra_args) {
  Member& m = member(unit);
  if (m.process && m.process->Running()) return absl::FailedPreconditionError(unit + " runs already");
  absl::StatusOr<itest::TlsPaths> tls = itest::MakePki(pki_dir_, unit);
  if (!tls.ok()) return tls.status();
  absl::StatusOr<std::unique_ptr<itest::NodeProcess>> p;
  for (int attempt = 1;; ++attempt) {
    itest::NodeOptions o;
    o.unit = unit;
    o.level = m.spec.level;
    o.name = absl::StrCat("HĐND ", unit);
    o.parent_unit = m.spec.parent_unit;
    o.tls = *tls;
    o.binary = councild_;
    // Later flags win: these replace the harness's --admin-listen 127.0.0.1:0.
    o.extra_args = {"--listen", listen_addr(unit),
                    "--admin-listen", absl::StrCat("127.0.0.1:", m.admin_port),
                    "--metrics-listen", metrics_addr(unit)};
    if (dial_parent && !m.spec.parent_unit.empty()) {
      o.extra_args.push_back("--parent");
      o.extra_args.push_back(listen_addr(m.spec.parent_unit));
    }
    o.extra_args.insert(o.extra_args.end(), extra_args.begin(), extra_args.end());
    p = itest::NodeProcess::Start(data_dir(unit), o);
    // Ports picked free (--port-base 0) can be taken by another process
    // before a node's first start binds them: then others, up to 3 times.
    if (p.ok() || !itest::PortTaken(p.status()) || port_base_ > 0 || m.started || attempt == 3) break;
    fprintf(stderr, "council_bench: %s's ports were taken (%s); picking others\n", unit.c_str(),
            std::string(p.status().message()).c_str());
    PickPorts(m);
  }
  if (!p.ok()) return absl::Status(p.status().code(), absl::StrCat("starting ", unit, ": ", p.status().message()));
  m.started = true;
  m.process = *std::move(p);
  absl::StatusOr<std::unique_ptr<AdminClient>> admin =
      AdminClient::Connect(m.process->admin_addr(), m.process->token_file());
  if (!admin.ok()) return admin.status();
  m.admin = *std::move(admin);
  return absl::OkStatus();
}

int BenchCluster::Stop(const std::string& unit, milliseconds grace) {
  Member& m = member(unit);
  m.admin.reset();
  if (!m.process) return -1;
  return m.process->Stop(grace);
}

bool BenchCluster::Running(const std::string& unit) {
  Member& m = member(unit);
  return m.process && m.process->Running();
}

AdminClient& BenchCluster::admin(const std::string& unit) {
  Member& m = member(unit);
  if (!m.admin) {
    fprintf(stderr, "council_bench: %s is not running\n", unit.c_str());
    std::abort();
  }
  return *m.admin;
}

absl::StatusOr<std::unique_ptr<AdminClient>> BenchCluster::NewAdmin(const std::string& unit) {
  Member& m = member(unit);
  if (!m.process) return absl::FailedPreconditionError(unit + " was never started");
  return AdminClient::Connect(m.process->admin_addr(), m.process->token_file());
}

pid_t BenchCluster::pid(const std::string& unit) { return member(unit).process->pid(); }

std::string BenchCluster::Log(const std::string& unit) {
  Member& m = member(unit);
  return m.process ? m.process->Stderr() : "";
}

absl::StatusOr<std::string> BenchCluster::Metrics(const std::string& unit) {
  return HttpGet(metrics_addr(unit), "/metrics");
}

absl::Status WaitUntil(const std::function<absl::StatusOr<bool>()>& done, milliseconds timeout,
                       const std::string& what, std::chrono::microseconds interval) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    absl::StatusOr<bool> d = done();
    if (!d.ok()) return d.status();
    if (*d) return absl::OkStatus();
    if (Clock::now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat("not within ", timeout.count(), " ms: ", what));
    }
    std::this_thread::sleep_for(interval);
  }
}

absl::Status AwaitSearchIndex(AdminClient& admin, milliseconds timeout, const std::string& what,
                              std::chrono::microseconds interval) {
  return WaitUntil(
      [&]() -> absl::StatusOr<bool> {
        ASSIGN_OR_RETURN(v1::StatusReply status, admin.Status());
        return status.search_index_lag() == 0;
      },
      timeout, what, interval);
}

namespace {

// The number after `key` in a /proc status file (its " kB" unit dropped);
// 0 if absent.
uint64_t StatusField(const std::string& path, absl::string_view key) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, key)) continue;
    rest = absl::StripAsciiWhitespace(rest);
    absl::ConsumeSuffix(&rest, " kB");
    uint64_t n = 0;
    return absl::SimpleAtoi(rest, &n) ? n : 0;
  }
  return 0;
}

}  // namespace

absl::StatusOr<ListeningProcess> StartListening(const std::vector<std::string>& argv) {
  constexpr std::string_view kListening = "listening on ";
  ListeningProcess server;
  ASSIGN_OR_RETURN(server.process, itest::Subprocess::Start(argv));
  for (int i = 0; i < 200 && server.process->Running(); ++i) {  // 10 s at most
    const std::string out = server.process->Stdout();
    const size_t at = out.find(kListening);
    const size_t end = at == std::string::npos ? at : out.find('\n', at);
    if (end != std::string::npos) {
      server.address = out.substr(at + kListening.size(), end - at - kListening.size());
      return server;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  server.process->Kill();
  return absl::UnavailableError(absl::StrCat(argv[0], " did not start: ", server.process->Stderr()));
}

uint64_t PeakRssBytes(pid_t pid) {
  return StatusField(absl::StrCat("/proc/", pid, "/status"), "VmHWM:") * 1024;
}

uint64_t ContextSwitches(pid_t pid) {
  uint64_t n = 0;
  std::error_code ec;
  std::filesystem::directory_iterator task(absl::StrCat("/proc/", pid, "/task"), ec);
  for (; !ec && task != std::filesystem::directory_iterator(); task.increment(ec)) {
    const std::string status = task->path().string() + "/status";
    n += StatusField(status, "voluntary_ctxt_switches:") +
         StatusField(status, "nonvoluntary_ctxt_switches:");
  }
  return n;
}

double CpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command (which may hold spaces) in parentheses:
  // state is field 3, utime 14, stime 15 (proc(5)).
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<absl::string_view> f = absl::StrSplit(absl::string_view(stat).substr(close + 2), ' ');
  uint64_t utime = 0, stime = 0;
  if (f.size() < 13 || !absl::SimpleAtoi(f[11], &utime) || !absl::SimpleAtoi(f[12], &stime)) return 0;
  return double(utime + stime) / sysconf(_SC_CLK_TCK);
}

absl::Status AwaitIdle(pid_t pid, double max_share, milliseconds timeout, const std::string& what) {
  double before = -1;  // WaitUntil checks at once: the first second starts there
  return WaitUntil(
      [&]() -> absl::StatusOr<bool> {
        const double now = CpuSeconds(pid);
        const bool idle = before >= 0 && now - before <= max_share;
        before = now;
        return idle;
      },
      timeout, what, std::chrono::seconds(1));
}

absl::StatusOr<double> MetricValue(const std::string& exposition, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(exposition, '\n')) {
    if (!absl::ConsumePrefix(&line, series) || !absl::ConsumePrefix(&line, " ")) continue;
    double value = 0;
    if (absl::SimpleAtod(line, &value)) return value;
  }
  return absl::NotFoundError(absl::StrCat("no metric ", series));
}

absl::StatusOr<uint64_t> TcpBytesReceived(int port) {
  itest::RunResult r = itest::Run(
      {"/bin/sh", "-c", absl::StrCat("ss -tinH state established '( sport = :", port, " )'")}, "",
      milliseconds(10000));
  if (r.exit_code != 0) return absl::UnavailableError("ss: " + itest::Describe(r));
  uint64_t total = 0;
  bool found = false;
  for (absl::string_view word : absl::StrSplit(r.out, absl::ByAnyChar(" \t\n"), absl::SkipEmpty())) {
    uint64_t n = 0;
    if (absl::ConsumePrefix(&word, "bytes_received:") && absl::SimpleAtoi(word, &n)) {
      total += n;
      found = true;
    }
  }
  if (!found) return absl::NotFoundError(absl::StrCat("no established connection on port ", port));
  return total;
}

absl::StatusOr<std::string> HttpGet(const std::string& host_port, const std::string& path,
                                    milliseconds timeout) {
  std::vector<std::string> parts = absl::StrSplit(host_port, ':');
  int port = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &port)) {
    return absl::InvalidArgumentError(absl::StrCat("bad address ", host_port));
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError("socket");
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, parts[0].c_str(), &addr.sin_addr);
  std::string response;
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  if (ok) {
    std::string request = absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: ", host_port, "\r\n\r\n");
    ok = send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size());
  }
  char buf[16384];
  for (ssize_t n; ok && (n = recv(fd, buf, sizeof buf, 0)) != 0;) {
    if (n < 0) {
      ok = false;
      break;
    }
    response.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (!ok) return absl::UnavailableError(absl::StrCat("GET http://", host_port, path, " failed"));
  size_t body = response.find("\r\n\r\n");
  if (!absl::StartsWith(response, "HTTP/1.") || body == std::string::npos ||
      response.find(" 200 ") > body) {
    return absl::UnavailableError(absl::StrCat("GET http://", host_port, path, ": ",
                                               response.substr(0, response.find('\r'))));
  }
  return response.substr(body + 4);
}

}  // namespace council::bench
