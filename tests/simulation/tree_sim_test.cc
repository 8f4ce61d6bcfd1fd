// Deterministic simulation of replication over the council tree (issue:
// province, 3 districts, 9 communes; drops, delays, duplicates, reordering,
// partitions and crashes). After healing, every node holds exactly what
// routing says it should. Reproduce one schedule with SIM_SEED=<seed>.
#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "tests/simulation/sim_world.h"

namespace council::sim {
namespace {

std::string Describe(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < 10; ++i) out += "\n  " + v[i];
  if (v.size() > 10) out += "\n  ... " + std::to_string(v.size() - 10) + " more";
  return out;
}

void RunSchedule(uint64_t seed, const Faults& faults, int ticks) {
  World world(seed, 3, 3);
  world.Run(ticks, faults);
  ASSERT_TRUE(world.Heal(5000)) << "seed " << seed << ": links did not go idle after healing";
  std::vector<std::string> bad = world.Check();
  ASSERT_TRUE(bad.empty()) << "seed " << seed << " (rerun with SIM_SEED=" << seed << "), "
                           << world.records_written() << " records written:" << Describe(bad);
}

uint64_t Schedules() {
  const char* n = std::getenv("SIM_SCHEDULES");
  return n ? std::strtoull(n, nullptr, 10) : 2000;
}

TEST(TreeSimulation, ConvergesToExactlyWhatRoutingAddresses) {
  if (const char* one = std::getenv("SIM_SEED")) {
    RunSchedule(std::strtoull(one, nullptr, 10), Faults{}, 400);
    return;
  }
  for (uint64_t seed = 1; seed <= Schedules(); ++seed) {
    RunSchedule(seed, Faults{}, 400);
    if (HasFatalFailure()) return;
  }
}

TEST(TreeSimulation, SurvivesHarshNetworks) {
  Faults harsh;
  harsh.drop = 0.3;
  harsh.duplicate = 0.2;
  harsh.max_delay = 20;
  harsh.cut = 0.05;
  harsh.crash = 0.02;
  harsh.write = 0.2;
  for (uint64_t seed = 100000; seed < 100000 + Schedules() / 4; ++seed) {
    RunSchedule(seed, harsh, 300);
    if (HasFatalFailure()) return;
  }
}

// A district that alters every record of another origin it forwards, up or
// down (DESIGN.md property 6): its parent and children refuse each altered
// copy for its signature and never hold it, while everything that does not
// cross it still arrives everywhere it is addressed.
TEST(TreeSimulation, RelayThatAltersRecordsIsRefused) {
  size_t altered = 0;
  for (uint64_t seed = 200000; seed < 200000 + Schedules() / 10; ++seed) {
    World world(seed, 3, 3);
    world.AlterForwardedRecordsAt("D1");
    world.Run(400, Faults{});
    ASSERT_TRUE(world.Heal(5000)) << "seed " << seed << ": links did not go idle after healing";
    std::vector<std::string> bad = world.Check();
    ASSERT_TRUE(bad.empty()) << "seed " << seed << ", " << world.records_written()
                             << " records written:" << Describe(bad);
    // Each altered record reached a neighbour at least once after healing.
    if (world.records_altered() > 0) {
      ASSERT_GT(world.Refused("bad_signature"), 0) << "seed " << seed;
    }
    altered += world.records_altered();
  }
  EXPECT_GT(altered, 0u);
}

TEST(TreeSimulation, QuietNetworkConvergesWithoutResets) {
  Faults quiet{0, 0, 1, 0, 0, 0, 0, 0.3};
  World world(7, 3, 3);
  world.Run(300, quiet);
  ASSERT_TRUE(world.Heal(200));
  EXPECT_GT(world.records_written(), 50u);
  EXPECT_TRUE(world.Check().empty()) << Describe(world.Check());
}

}  // namespace
}  // namespace council::sim
