// A tree of real councild processes on 127.0.0.1 for replication tests:
// each node listens for its children on a fixed port chosen when it is
// added, so a node restarted after SIGTERM or SIGKILL comes back on the same
// address its children keep dialling.
//
//   CouncilTree tree(temp.path());
//   for (const UnitSpec& u : StandardTree()) tree.Add(u);
//   ASSERT_TRUE(tree.StartAll().ok());
//   std::string id = *tree.Create("21550", {"report", "create", ...});
//   ASSERT_TRUE(tree.WaitSyncedUp("21550").ok());   // commune, then district
//   tree.Stop("522"); ... tree.Restart("522");
//
// Every wait is bounded and returns DEADLINE_EXCEEDED with what it last saw.
// The destructor stops every node still running (SIGTERM, then SIGKILL).
//
// "Synced" (a node and its parent have exchanged everything pending) means
// `councilctl sync wait` succeeds at the child (when the client has that
// command) and then `status --json` on both ends of the link shows it
// connected with no outbound or inbound backlog on either side.
//
// Thread safety: none; one test thread drives a tree.
#ifndef COUNCIL_TESTS_INTEGRATION_TREE_HARNESS_H_
#define COUNCIL_TESTS_INTEGRATION_TREE_HARNESS_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "council/v1/admin.pb.h"
#include "council/v1/record.pb.h"
#include "common/scoped_temp_dir.h"
#include "gtest/gtest.h"
#include "harness.h"

namespace council::itest {

struct UnitSpec {
  std::string unit;
  std::string level;   // province, district, commune
  std::string name;
  std::string parent;  // "" at the root
};

// Province 51; districts 522 and 523; communes 21550, 21551 under 522 and
// 21580, 21581 under 523. Parents before children.
std::vector<UnitSpec> StandardTree();
// The units of StandardTree() named in `units`, in tree order.
std::vector<UnitSpec> StandardTreeOf(const std::set<std::string>& units);

// Waits, polling every `interval`, until `done()` is true; DEADLINE_EXCEEDED
// naming `what` (and `last()` if given) otherwise.
absl::Status WaitFor(const std::function<bool()>& done, milliseconds timeout,
                     const std::string& what,
                     const std::function<std::string()>& last = nullptr,
                     milliseconds interval = milliseconds(50));

// True iff this councilctl has the `sync wait` command (asked once).
bool CtlHasSyncWait();

class CouncilTree {
 public:
  // Data directories go under `root_dir` (kept by the caller).
  explicit CouncilTree(std::string root_dir);
  ~CouncilTree();  // StopAll()
  CouncilTree(const CouncilTree&) = delete;
  CouncilTree& operator=(const CouncilTree&) = delete;

  // From now on, nodes start with mutual TLS: certificates made with
  // deploy/pki.sh in `pki_dir` (one CA; each unit's own certificate, issued
  // when the unit first starts). Without this call, nodes run --insecure.
  void EnableTls(std::string pki_dir);
  bool tls() const { return !pki_dir_.empty(); }

  // Registers a node and picks its listen port. REQUIRES: its parent, if
  // any, was added before.
  void Add(const UnitSpec& spec);
  // Starts a registered node (its parent need not be running: the child
  // keeps redialling). A first start that cannot bind its port retries on
  // another one; a restart uses the same port.
  absl::Status Start(const std::string& unit);
  // Starts every registered node not running, parents first.
  absl::Status StartAll();
  // From the next start on, `unit` runs on data directory `dir` (a restored
  // or rebuilt disk) with `extra_args` added at the end of its command line
  // (overriding the harness's own flags, e.g. --parent through a forwarder).
  void Relocate(const std::string& unit, std::string dir, std::vector<std::string> extra_args = {});
  // From the next start on, `unit` dials `parent` (a reorganisation).
  void Reparent(const std::string& unit, const std::string& parent);
  // SIGTERM (then SIGKILL after 10 s); the exit code.
  int Stop(const std::string& unit);
  // SIGKILL; the exit code.
  int Kill(const std::string& unit);
  // Stop() (if running) then Start().
  absl::Status Restart(const std::string& unit);
  // Stops every running node, children first.
  void StopAll();

  bool Running(const std::string& unit);
  NodeProcess& node(const std::string& unit);
  const UnitSpec& spec(const std::string& unit) const;
  std::string admin_addr(const std::string& unit);
  std::string listen_addr(const std::string& unit) const;  // "127.0.0.1:PORT"
  std::string data_dir(const std::string& unit) const;

  // councilctl against a running node.
  RunResult Ctl(const std::string& unit, const std::vector<std::string>& args,
                milliseconds timeout = milliseconds(30000));
  // A create command; the new id, or an error with councilctl's output.
  absl::StatusOr<std::string> Create(const std::string& unit,
                                     const std::vector<std::string>& args);
  absl::StatusOr<v1::StatusReply> Status(const std::string& unit);
  // `--json show ID`; nullopt if the node does not hold it (any failure of
  // show counts as "not held"; the output is kept in *why if given).
  std::optional<v1::Record> Find(const std::string& unit, const std::string& id,
                                 std::string* why = nullptr);
  // Polls Find until the record is there.
  absl::StatusOr<v1::Record> WaitForRecord(const std::string& unit, const std::string& id,
                                           milliseconds timeout = milliseconds(20000));
  // `--json list --kind K` at `unit`, decoded.
  absl::StatusOr<std::vector<v1::Record>> List(const std::string& unit,
                                               const std::vector<std::string>& args);
  // Writes `drafts` to `file` as JSON lines and imports them at `unit` in one
  // `import --file`; an error with councilctl's output if it fails.
  absl::Status Import(const std::string& unit, const std::vector<v1::Record>& drafts,
                      const std::string& file);
  // `export args...` at `unit`: the raw output.
  absl::StatusOr<std::string> Export(const std::string& unit,
                                     const std::vector<std::string>& args);

  // Waits until `unit` and its parent have exchanged everything pending.
  // REQUIRES: `unit` has a parent. Both must be running to succeed.
  absl::Status WaitSynced(const std::string& unit, milliseconds timeout = milliseconds(20000));
  // WaitSynced for `unit`, then its parent, ... up to the root's child:
  // everything `unit` and its ancestors hold has reached the root.
  absl::Status WaitSyncedUp(const std::string& unit, milliseconds timeout = milliseconds(30000));
  // WaitSynced for every running non-root node, top-down then bottom-up, so
  // that records travelling down and receipts travelling back up have landed.
  absl::Status WaitAllSynced(milliseconds timeout = milliseconds(30000));

  // The status link of `unit` towards `peer`, if listed.
  static std::optional<v1::LinkStatus> LinkTo(const v1::StatusReply& status,
                                              const std::string& peer);

 private:
  struct Member {
    UnitSpec spec;
    std::string data_dir;
    std::vector<std::string> extra_args;  // Relocate()
    int port = 0;
    bool started_once = false;
    std::unique_ptr<NodeProcess> process;
  };
  Member& member(const std::string& unit);
  const Member& member(const std::string& unit) const;
  int PickPort();
  absl::Status StartMember(Member& m);
  // One look at both ends of `unit`'s parent link; "" if synced, else why not.
  std::string SyncGap(const std::string& unit);

  std::string root_dir_;
  std::string pki_dir_;  // EnableTls()
  std::vector<std::string> order_;  // Add order: parents before children
  std::map<std::string, Member> members_;
  std::set<int> ports_;
};

// A gtest fixture owning a temp dir and a CouncilTree of units of
// StandardTree(). TearDown stops every node still running, children first,
// and expects each to exit 0 on SIGTERM.
class TreeTest : public ::testing::Test {
 protected:
  void TearDown() override;

  // Adds `units` (of StandardTree()), starts them parents first, and waits
  // (bounded) until the root holds every unit record of the tree and every
  // link has exchanged everything pending. Fails the test otherwise.
  void StartTree(const std::set<std::string>& units);
  // Adds one more unit of StandardTree() to a started tree and starts it
  // (its parent must be in the tree). Fails the test if it does not come up.
  void JoinTree(const std::string& unit);

  CouncilTree& tree() { return tree_; }
  const ::council::testing::ScopedTempDir& temp() const { return temp_; }

 private:
  ::council::testing::ScopedTempDir temp_{"council_tree_"};
  CouncilTree tree_{temp_.path()};
  std::vector<std::string> started_;
};

}  // namespace council::itest

#endif  // COUNCIL_TESTS_INTEGRATION_TREE_HARNESS_H_
