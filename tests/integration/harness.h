// Process harness for integration tests: start real `councild` and
// `councilctl` binaries, capture their output, wait with a bound, stop them.
//
// Every wait is bounded. A child is started with PR_SET_PDEATHSIG(SIGKILL),
// so if the test process dies the children die with it; a Subprocess or
// NodeProcess object kills and reaps its child in its destructor.
//
// Thread safety: Subprocess and NodeProcess objects are not shared between
// threads; distinct objects may be used from different threads (Start is
// safe to call concurrently: the child runs only async-signal-safe calls
// between fork and exec). REQUIRES: the thread that starts a child outlives
// it (the death signal follows the starting thread).
#ifndef COUNCIL_TESTS_INTEGRATION_HARNESS_H_
#define COUNCIL_TESTS_INTEGRATION_HARNESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace council::itest {

using std::chrono::milliseconds;

// Paths compiled in by CMake.
const char* CouncildPath();
const char* CouncilctlPath();
// deploy/pki.sh in the source tree.
std::string PkiScriptPath();
// tests/fixtures in the source tree, without a trailing slash.
std::string FixturePath(const std::string& name);

// How a finished process ended.
struct RunResult {
  int exit_code = -1;      // exit status; 128 + signal if killed; -1 on timeout
  bool timed_out = false;  // killed by the harness after the deadline
  std::string out;         // everything written to stdout
  std::string err;         // everything written to stderr
};

// "exit 1, stdout '...', stderr '...'" for assertion messages.
std::string Describe(const RunResult& r);

class Subprocess {
 public:
  // Starts argv (argv[0] is a path, not searched in PATH) with `stdin_data`
  // on its standard input and stdout/stderr captured to private files.
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(
      const std::vector<std::string>& argv, const std::string& stdin_data = "");
  // Kills (SIGKILL) and reaps the child if it still runs; removes the files.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  // True until the child has been reaped.
  bool Running();
  // Waits at most `timeout` for the child to exit; its exit code (as in
  // RunResult), or nullopt if it is still running at the deadline.
  std::optional<int> Wait(milliseconds timeout);
  // Sends `sig` if the child has not been reaped yet.
  void Signal(int sig);
  // SIGKILL and reap; returns the exit code.
  int Kill();
  // The output captured so far.
  std::string Stdout() const;
  std::string Stderr() const;

 private:
  Subprocess() = default;
  void Reaped(int wait_status);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string dir_;  // holds stdin, stdout, stderr files
};

// Runs argv to completion with a deadline (SIGKILL after it; timed_out set).
RunResult Run(const std::vector<std::string>& argv, const std::string& stdin_data = "",
              milliseconds timeout = milliseconds(30000));

// The councilctl command line `councilctl --node NODE [--token-file F] args...`:
// the admin token file of the node started at that address, if a
// NodeProcess (or RegisterAdminToken) made it known.
std::vector<std::string> CtlArgv(const std::string& node, const std::vector<std::string>& args);
// Makes `token_file` the admin credential RunCtl presents to `node`
// (NodeProcess::Start does this for the nodes it starts).
void RegisterAdminToken(const std::string& node, const std::string& token_file);

// Runs CtlArgv(node, args).
RunResult RunCtl(const std::string& node, const std::vector<std::string>& args,
                 const std::string& stdin_data = "",
                 milliseconds timeout = milliseconds(30000));

// A node's TLS files (deploy/pki.sh makes them; see MakePki).
struct TlsPaths {
  std::string ca;
  std::string cert;
  std::string key;
};

struct NodeOptions {
  std::string unit = "522";
  std::string level = "district";
  std::string name = "HĐND thị xã Đức Phổ";
  std::string parent_unit = "51";
  // Node links: mutual TLS with these files if set; else --insecure if
  // `insecure` (the default); else neither flag (a refused start).
  std::optional<TlsPaths> tls;
  bool insecure = true;
  std::string admin_token_file;         // --admin-token-file; "" for <data-dir>/admin.token
  std::vector<std::string> extra_args;  // appended to the command line
  std::string binary;                   // the councild to run; "" for this build's
};

// Runs deploy/pki.sh from the source tree: `init dir` (idempotent), then
// `issue dir unit hosts...`; the node's TLS files. Errors carry pki.sh's output.
absl::StatusOr<TlsPaths> MakePki(const std::string& dir, const std::string& unit,
                                 const std::vector<std::string>& hosts = {});

// The councild command line for `data_dir` and `options` (admin on port 0).
std::vector<std::string> CouncildArgs(const std::string& data_dir, const NodeOptions& options);

// A running councild.
class NodeProcess {
 public:
  // Starts councild on `data_dir` (created by the caller, kept by the caller)
  // and waits at most 15 s for it to write `data_dir`/admin.addr. Errors if
  // the daemon exits first or the deadline passes (then it is killed); the
  // message carries the daemon's stderr.
  static absl::StatusOr<std::unique_ptr<NodeProcess>> Start(const std::string& data_dir,
                                                            const NodeOptions& options = {});
  // Stop() if still running.
  ~NodeProcess();

  // "127.0.0.1:PORT", from admin.addr.
  const std::string& admin_addr() const { return admin_addr_; }
  const std::string& data_dir() const { return data_dir_; }
  // The node's admin credential file (registered for RunCtl).
  const std::string& token_file() const { return token_file_; }
  pid_t pid() const { return process_->pid(); }
  bool Running() { return process_->Running(); }

  // SIGTERM, wait at most `grace`, then SIGKILL. Returns the exit code.
  int Stop(milliseconds grace = milliseconds(10000));
  // SIGKILL now (a crash). Returns the exit code.
  int Kill();
  std::string Stderr() const { return process_->Stderr(); }

  // councilctl --node admin_addr() args...,   // with this node's admin token file.
  RunResult Ctl(const std::vector<std::string>& args, const std::string& stdin_data = "") const {
    std::vector<std::string> argv = {CouncilctlPath(), "--node", admin_addr_, "--token-file",
                                     token_file_};
    argv.insert(argv.end(), args.begin(), args.end());
    return Run(argv, stdin_data);
  }

 private:
  NodeProcess() = default;
  std::unique_ptr<Subprocess> process_;
  std::string data_dir_;
  std::string admin_addr_;
  std::string token_file_;
};

// Reads a whole file; nullopt if it cannot be read.
std::optional<std::string> ReadFile(const std::string& path);
// Writes (truncates) a file; false on failure.
bool WriteFile(const std::string& path, const std::string& content);

// `s` without trailing '\n' / '\r'.
std::string TrimNewlines(std::string s);
// Non-empty lines of `s`.
std::vector<std::string> Lines(const std::string& s);

// A TCP port on 127.0.0.1 that nothing listens on right now (bound and
// closed), outside the ephemeral range where the kernel can hand it out.
int UnusedPort();
// Whether a node failed to start because a port it was given is taken
// (another process bound it between UnusedPort and the start).
bool PortTaken(const absl::Status& start);

}  // namespace council::itest

#endif  // COUNCIL_TESTS_INTEGRATION_HARNESS_H_
