// Real councild processes for the benchmark driver: mutual TLS on node
// links (certificates from deploy/pki.sh), signed records (each node's own
// Ed25519 key, checked by every receiver), Prometheus metrics on, data
// directories on the disk under test.
//
// Ports: with a port base B, the k-th node added to a cluster listens on
// B+3k (node link), B+3k+1 (admin) and B+3k+2 (metrics); with base 0, on
// free ports picked at Add. A node keeps its ports across restarts, so
// its children keep dialling the same address.
//
// Every process started is stopped by its cluster (SIGTERM, then SIGKILL
// after a bound) and dies with the driver (itest::NodeProcess). Nodes are
// started from the driver's main thread only (the death signal follows the
// starting thread).
#ifndef COUNCIL_TESTS_BENCH_BENCH_NODES_H_
#define COUNCIL_TESTS_BENCH_BENCH_NODES_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "harness.h"
#include "tests/bench/admin_client.h"

namespace council::bench {

struct NodeSpec {
  std::string unit;
  std::string level;        // province, district, commune
  std::string parent_unit;  // "" at the root
};

class BenchCluster {
 public:
  // Data directories go under `root`/<unit>; certificates under `pki_dir`
  // (made on first use, shared by clusters).
  BenchCluster(std::string root, std::string pki_dir, int port_base);
  ~BenchCluster();  // stops every running node, last added first
  BenchCluster(const BenchCluster&) = delete;
  BenchCluster& operator=(const BenchCluster&) = delete;

  void Add(const NodeSpec& spec);
  // The councild binary of the nodes started from now on; "" (the default)
  // for this build's.
  void set_councild(std::string path) { councild_ = std::move(path); }
  // Starts `unit` (its data directory is kept across restarts) and connects
  // an admin client to it. `dial_parent`: pass --parent with the parent's
  // link address (the parent need not run).
  absl::Status Start(const std::string& unit, bool dial_parent,
                     const std::vector<std::string>& extra_args = {});
  // SIGTERM; SIGKILL after `grace`. The exit code.
  int Stop(const std::string& unit, std::chrono::milliseconds grace = std::chrono::seconds(60));
  bool Running(const std::string& unit);

  AdminClient& admin(const std::string& unit);
  // Another admin client of a running node, on its own connection.
  absl::StatusOr<std::unique_ptr<AdminClient>> NewAdmin(const std::string& unit);
  pid_t pid(const std::string& unit);
  std::string data_dir(const std::string& unit) const;
  std::string listen_addr(const std::string& unit) const;
  int listen_port(const std::string& unit) const { return member(unit).listen_port; }
  std::string metrics_addr(const std::string& unit) const;
  // The node's stderr so far (its key=value log).
  std::string Log(const std::string& unit);
  // GET /metrics of a running node.
  absl::StatusOr<std::string> Metrics(const std::string& unit);

 private:
  struct Member {
    NodeSpec spec;
    int listen_port = 0, admin_port = 0, metrics_port = 0;
    bool started = false;  // ever: its ports are then its own
    std::unique_ptr<itest::NodeProcess> process;
    std::unique_ptr<AdminClient> admin;
  };
  Member& member(const std::string& unit);
  const Member& member(const std::string& unit) const;
  int NextPort();
  void PickPorts(Member& m);

  const std::string root_;
  const std::string pki_dir_;
  const int port_base_;
  int next_port_;
  std::string councild_;
  std::vector<std::string> order_;
  std::map<std::string, Member> members_;
};

// Polls `done` every `interval` until it returns true (OK), returns an
// error (that error), or `timeout` passes (DEADLINE_EXCEEDED naming `what`).
absl::Status WaitUntil(const std::function<absl::StatusOr<bool>()>& done,
                       std::chrono::milliseconds timeout, const std::string& what,
                       std::chrono::microseconds interval = std::chrono::milliseconds(20));

// Polls `admin`'s Status every `interval` until its search_index_lag is 0
// (the search index covers every write made so far), as WaitUntil.
absl::Status AwaitSearchIndex(AdminClient& admin, std::chrono::milliseconds timeout,
                              const std::string& what, std::chrono::microseconds interval);

// A server the driver runs beside the nodes (council_put_ceiling,
// council_sync_ceiling), which prints "listening on HOST:PORT" first.
struct ListeningProcess {
  std::unique_ptr<itest::Subprocess> process;
  std::string address;  // HOST:PORT from that line
};
// Starts `argv` and waits at most 10 s for that line; UNAVAILABLE with the
// process's stderr if it exits or stays silent (it is then killed).
absl::StatusOr<ListeningProcess> StartListening(const std::vector<std::string>& argv);

// Peak resident set size of a running process (VmHWM), bytes; 0 if unknown.
uint64_t PeakRssBytes(pid_t pid);
// CPU time a running process has used, user and system, all its threads
// (/proc/<pid>/stat), seconds; 0 if unknown.
double CpuSeconds(pid_t pid);
// Waits until `pid` uses at most `max_share` of one core over a whole
// second (its background work — compaction, indexing — done), checking
// each second; DEADLINE_EXCEEDED naming `what` after `timeout`.
absl::Status AwaitIdle(pid_t pid, double max_share, std::chrono::milliseconds timeout,
                       const std::string& what);
// Context switches, voluntary and not, of a running process's live threads
// (/proc/<pid>/task/*/status; threads that have ended are not counted).
uint64_t ContextSwitches(pid_t pid);

// The value of the Prometheus sample `series` (name with its labels exactly
// as exposed, e.g. `council_link_bytes_sent_total{peer="51"}`); NOT_FOUND if
// the exposition has none.
absl::StatusOr<double> MetricValue(const std::string& exposition, const std::string& series);

// Bytes received so far, as the kernel counts them (TCP payload: TLS
// records with HTTP/2 frames inside), on the established TCP connections
// whose local port is `port` (`ss -ti`). NOT_FOUND if there is none;
// UNAVAILABLE if `ss` cannot be run.
absl::StatusOr<uint64_t> TcpBytesReceived(int port);

// A plain HTTP/1.0 GET of `path` from `host_port`; the body of a 200 answer.
absl::StatusOr<std::string> HttpGet(const std::string& host_port, const std::string& path,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace council::bench

#endif  // COUNCIL_TESTS_BENCH_BENCH_NODES_H_
