#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace council::itest {

using Clock = std::chrono::steady_clock;

const char* CouncildPath() { return COUNCILD_PATH; }
const char* CouncilctlPath() { return COUNCILCTL_PATH; }
std::string FixturePath(const std::string& name) {
  return absl::StrCat(COUNCIL_FIXTURES_DIR, "/", name);
}
std::string PkiScriptPath() { return absl::StrCat(COUNCIL_SOURCE_DIR, "/deploy/pki.sh"); }

std::string Describe(const RunResult& r) {
  return absl::StrCat(r.timed_out ? "timed out" : absl::StrCat("exit ", r.exit_code),
                      ", stdout '", r.out, "', stderr '", r.err, "'");
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  return static_cast<bool>(out);
}

std::string TrimNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

namespace {

// Binds 127.0.0.1:`port` (0: any) and closes it; the port bound, or -1.
int BindLoopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t len = sizeof(addr);
  int bound = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    bound = ntohs(addr.sin_port);
  }
  close(fd);
  return bound;
}

}  // namespace

bool PortTaken(const absl::Status& start) {
  return absl::StrContains(start.message(), "cannot listen on") ||
         absl::StrContains(start.message(), "cannot serve metrics on");
}

int UnusedPort() {
  // Outside the kernel's ephemeral range: a port from it can be taken by any
  // outgoing connection between this pick and the node's bind (or a restart's
  // bind), and the node then fails to start with "address in use".
  int low = 32768, high = 60999;
  if (std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range"); range) range >> low >> high;
  int from = 10000, to = low - 1;
  if (to - from < 2000) from = high + 1, to = 65535;
  static std::mutex mu;
  static absl::BitGen gen;
  for (int i = 0; i < 200 && to - from >= 2000; ++i) {
    int port;
    {
      std::lock_guard<std::mutex> lock(mu);
      port = absl::Uniform<int>(absl::IntervalClosed, gen, from, to);
    }
    if (BindLoopback(port) == port) return port;
  }
  return BindLoopback(0);
}

// ---------------------------------------------------------------- Subprocess

namespace {

int ExitCodeOf(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

std::string MakeScratchDir() {
  std::string base = ::testing::TempDir();
  if (!base.empty() && base.back() != '/') base += '/';
  std::string templ = base + "council_proc_XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) return "";
  return templ;
}

// Blocks until `pid` can be reaped or `deadline` passes. Uses a pidfd when
// the kernel has one, else polls waitpid with short sleeps.
void AwaitExit(pid_t pid, Clock::time_point deadline) {
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    pollfd p{pidfd, POLLIN, 0};
    while (left > 0) {
      int r = poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1000)));
      if (r > 0) break;
      if (r < 0 && errno != EINTR) break;
      left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    }
    close(pidfd);
    return;
  }
  milliseconds nap(1);
  while (Clock::now() < deadline) {
    siginfo_t info{};
    if (waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid != 0) return;
    std::this_thread::sleep_for(std::min<Clock::duration>(nap, deadline - Clock::now()));
    nap = std::min(nap * 2, milliseconds(10));
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Start(
    const std::vector<std::string>& argv, const std::string& stdin_data) {
  if (argv.empty()) return absl::InvalidArgumentError("empty argv");
  std::unique_ptr<Subprocess> p(new Subprocess());
  p->dir_ = MakeScratchDir();
  if (p->dir_.empty()) return absl::InternalError("mkdtemp failed");
  std::string in_path = p->dir_ + "/stdin";
  if (!WriteFile(in_path, stdin_data)) return absl::InternalError("cannot write " + in_path);
  int in = open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
  int out = open((p->dir_ + "/stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int err = open((p->dir_ + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (in < 0 || out < 0 || err < 0) {
    for (int fd : {in, out, err}) {
      if (fd >= 0) close(fd);
    }
    return absl::InternalError(absl::StrCat("cannot open capture files: ", strerror(errno)));
  }
  // Everything the child needs is prepared before fork: after it, the child
  // may only make async-signal-safe calls.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  static const char kExecFailed[] = "harness: execv failed\n";

  pid_t pid = fork();
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
    execv(args[0], args.data());
    ssize_t ignored = write(2, kExecFailed, sizeof(kExecFailed) - 1);
    (void)ignored;
    _exit(127);
  }
  int fork_errno = errno;
  close(in);
  close(out);
  close(err);
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(fork_errno)));
  p->pid_ = pid;
  return p;
}

Subprocess::~Subprocess() {
  if (Running()) Kill();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

void Subprocess::Reaped(int wait_status) { exit_code_ = ExitCodeOf(wait_status); }

bool Subprocess::Running() {
  if (exit_code_.has_value() || pid_ <= 0) return false;
  int status;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) Reaped(status);
  if (r < 0) exit_code_ = -1;  // not our child any more: nothing to wait for
  return !exit_code_.has_value();
}

std::optional<int> Subprocess::Wait(milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  if (!Running()) return exit_code_;
  AwaitExit(pid_, deadline);
  if (!Running()) return exit_code_;
  return std::nullopt;
}

void Subprocess::Signal(int sig) {
  if (Running()) kill(pid_, sig);
}

int Subprocess::Kill() {
  if (Running()) {
    kill(pid_, SIGKILL);
    int status;
    while (true) {  // SIGKILL cannot be ignored: this returns promptly.
      pid_t r = waitpid(pid_, &status, 0);
      if (r == pid_) {
        Reaped(status);
        break;
      }
      if (r < 0 && errno != EINTR) {
        exit_code_ = -1;
        break;
      }
    }
  }
  return exit_code_.value_or(-1);
}

std::string Subprocess::Stdout() const { return ReadFile(dir_ + "/stdout").value_or(""); }
std::string Subprocess::Stderr() const { return ReadFile(dir_ + "/stderr").value_or(""); }

RunResult Run(const std::vector<std::string>& argv, const std::string& stdin_data,
              milliseconds timeout) {
  RunResult result;
  absl::StatusOr<std::unique_ptr<Subprocess>> p = Subprocess::Start(argv, stdin_data);
  if (!p.ok()) {
    result.err = absl::StrCat("harness: ", p.status().ToString());
    return result;
  }
  std::optional<int> code = (*p)->Wait(timeout);
  if (code.has_value()) {
    result.exit_code = *code;
  } else {
    (*p)->Kill();
    result.timed_out = true;
  }
  result.out = (*p)->Stdout();
  result.err = (*p)->Stderr();
  return result;
}

namespace {

std::mutex& TokenMutex() {
  static std::mutex mu;
  return mu;
}
// Admin address -> token file of the node last started there.
std::map<std::string, std::string>& TokenFiles() {
  static auto* files = new std::map<std::string, std::string>();
  return *files;
}

}  // namespace

void RegisterAdminToken(const std::string& node, const std::string& token_file) {
  std::lock_guard<std::mutex> lock(TokenMutex());
  TokenFiles()[node] = token_file;
}

std::vector<std::string> CtlArgv(const std::string& node, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {CouncilctlPath(), "--node", node};
  {
    std::lock_guard<std::mutex> lock(TokenMutex());
    auto it = TokenFiles().find(node);
    if (it != TokenFiles().end()) {
      argv.push_back("--token-file");
      argv.push_back(it->second);
    }
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

RunResult RunCtl(const std::string& node, const std::vector<std::string>& args,
                 const std::string& stdin_data, milliseconds timeout) {
  return Run(CtlArgv(node, args), stdin_data, timeout);
}

absl::StatusOr<TlsPaths> MakePki(const std::string& dir, const std::string& unit,
                                 const std::vector<std::string>& hosts) {
  RunResult init = Run({"/bin/bash", PkiScriptPath(), "init", dir}, "", milliseconds(30000));
  if (init.exit_code != 0) return absl::InternalError("pki.sh init: " + Describe(init));
  std::vector<std::string> argv = {"/bin/bash", PkiScriptPath(), "issue", dir, unit};
  argv.insert(argv.end(), hosts.begin(), hosts.end());
  RunResult issue = Run(argv, "", milliseconds(30000));
  if (issue.exit_code != 0) return absl::InternalError("pki.sh issue: " + Describe(issue));
  return TlsPaths{dir + "/ca.crt", absl::StrCat(dir, "/", unit, "/node.crt"),
                  absl::StrCat(dir, "/", unit, "/node.key")};
}

// --------------------------------------------------------------- NodeProcess

std::vector<std::string> CouncildArgs(const std::string& data_dir, const NodeOptions& o) {
  std::vector<std::string> argv = {o.binary.empty() ? CouncildPath() : o.binary,
                                   "--data-dir", data_dir, "--unit", o.unit,
                                   "--level", o.level, "--name", o.name,
                                   "--admin-listen", "127.0.0.1:0"};
  if (!o.parent_unit.empty()) {
    argv.push_back("--parent-unit");
    argv.push_back(o.parent_unit);
  }
  if (o.tls) {
    argv.insert(argv.end(), {"--tls-ca", o.tls->ca, "--tls-cert", o.tls->cert, "--tls-key",
                             o.tls->key});
  } else if (o.insecure) {
    argv.push_back("--insecure");
  }
  if (!o.admin_token_file.empty()) {
    argv.push_back("--admin-token-file");
    argv.push_back(o.admin_token_file);
  }
  argv.insert(argv.end(), o.extra_args.begin(), o.extra_args.end());
  return argv;
}

absl::StatusOr<std::unique_ptr<NodeProcess>> NodeProcess::Start(const std::string& data_dir,
                                                                const NodeOptions& options) {
  constexpr milliseconds kStartBound(15000);
  const std::string addr_file = data_dir + "/admin.addr";
  // A file left by an earlier run must not be mistaken for this one's.
  std::error_code ec;
  std::filesystem::remove(addr_file, ec);

  std::unique_ptr<NodeProcess> node(new NodeProcess());
  node->data_dir_ = data_dir;
  node->token_file_ = options.admin_token_file.empty() ? data_dir + "/admin.token"
                                                       : options.admin_token_file;
  absl::StatusOr<std::unique_ptr<Subprocess>> p = Subprocess::Start(CouncildArgs(data_dir, options));
  if (!p.ok()) return p.status();
  node->process_ = *std::move(p);

  const Clock::time_point deadline = Clock::now() + kStartBound;
  milliseconds nap(2);
  while (true) {
    std::optional<std::string> content = ReadFile(addr_file);
    if (content.has_value() && !content->empty() && content->back() == '\n') {
      node->admin_addr_ = TrimNewlines(*content);
      RegisterAdminToken(node->admin_addr_, node->token_file_);
      return node;
    }
    if (!node->process_->Running()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "councild exited with ", node->process_->Wait(milliseconds(0)).value_or(-1),
          " before writing admin.addr; stderr: ", node->process_->Stderr()));
    }
    if (Clock::now() >= deadline) {
      node->process_->Kill();
      return absl::DeadlineExceededError(absl::StrCat(
          "councild wrote no admin.addr within 15 s; stderr: ", node->process_->Stderr()));
    }
    std::this_thread::sleep_for(nap);
    nap = std::min(nap * 2, milliseconds(20));
  }
}

NodeProcess::~NodeProcess() {
  if (process_ && process_->Running()) Stop();
}

int NodeProcess::Stop(milliseconds grace) {
  process_->Signal(SIGTERM);
  std::optional<int> code = process_->Wait(grace);
  if (code.has_value()) return *code;
  return process_->Kill();
}

int NodeProcess::Kill() { return process_->Kill(); }

}  // namespace council::itest
