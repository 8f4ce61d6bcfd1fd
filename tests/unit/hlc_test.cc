// Hybrid logical clock (node/core/hlc.h).
#include "node/core/hlc.h"

#include <random>

#include "gtest/gtest.h"

namespace council::core {
namespace {

constexpr int64_t kWall = 1692921600000;  // 2023-08-25T00:00:00Z in ms

TEST(HybridClock, FollowsTheWallClock) {
  HybridClock c;
  uint64_t a = c.Tick(kWall);
  EXPECT_EQ(HlcMillis(a), kWall);
  EXPECT_EQ(a & 0xFFFF, 0u);
  uint64_t b = c.Tick(kWall + 250);
  EXPECT_EQ(HlcMillis(b), kWall + 250);
  EXPECT_EQ(c.last(), b);
}

TEST(HybridClock, SameMillisecondCountsUp) {
  HybridClock c;
  uint64_t a = c.Tick(kWall);
  uint64_t b = c.Tick(kWall);
  uint64_t d = c.Tick(kWall);
  EXPECT_EQ(b, a + 1);
  EXPECT_EQ(d, a + 2);
  EXPECT_EQ(HlcMillis(d), kWall);
}

TEST(HybridClock, MonotonicWhenTheWallClockStepsBack) {
  HybridClock c;
  uint64_t before = c.Tick(kWall + 60'000);
  uint64_t after = c.Tick(kWall);  // NTP stepped back one minute
  EXPECT_GT(after, before);
  EXPECT_EQ(HlcMillis(after), kWall + 60'000);  // stays with the later time
  uint64_t zero = c.Tick(0);
  EXPECT_GT(zero, after);
  uint64_t negative = c.Tick(-5);
  EXPECT_GT(negative, zero);
  // Once the wall clock passes the old value again, it takes over.
  uint64_t caught_up = c.Tick(kWall + 60'001);
  EXPECT_EQ(HlcMillis(caught_up), kWall + 60'001);
  EXPECT_EQ(caught_up & 0xFFFF, 0u);
}

TEST(HybridClock, StrictlyIncreasingUnderAJitteryClock) {
  std::mt19937_64 rng(20230825);  // fixed seed
  std::uniform_int_distribution<int64_t> jitter(-5000, 5000);
  HybridClock c;
  uint64_t prev = 0;
  for (int i = 0; i < 100000; ++i) {
    uint64_t v = c.Tick(kWall + jitter(rng));
    ASSERT_GT(v, prev) << "step " << i;
    prev = v;
  }
}

TEST(HybridClock, CounterOverflowStillIncreases) {
  HybridClock c;
  uint64_t prev = c.Tick(kWall);
  for (int i = 0; i < 70000; ++i) {  // more than 2^16 ticks in one millisecond
    uint64_t v = c.Tick(kWall);
    ASSERT_GT(v, prev);
    prev = v;
  }
}

TEST(HybridClock, ObserveMovesPastRemoteValues) {
  HybridClock c;
  c.Tick(kWall);
  uint64_t remote = (static_cast<uint64_t>(kWall + 5000) << 16) | 7;
  c.Observe(remote);
  EXPECT_EQ(c.last(), remote);
  uint64_t next = c.Tick(kWall + 1);
  EXPECT_GT(next, remote);
  // Observing an older value changes nothing.
  c.Observe(remote - 100);
  EXPECT_EQ(c.last(), next);
  EXPECT_GT(c.Tick(kWall), next);
}

}  // namespace
}  // namespace council::core
