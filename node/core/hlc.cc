#include "node/core/hlc.h"

namespace council::core {

uint64_t HybridClock::Tick(int64_t wall_ms) {
  uint64_t physical = wall_ms > 0 ? static_cast<uint64_t>(wall_ms) << 16 : 0;
  last_ = physical > last_ ? physical : last_ + 1;
  return last_;
}

void HybridClock::Observe(uint64_t remote) {
  if (remote > last_) last_ = remote;
}

}  // namespace council::core
