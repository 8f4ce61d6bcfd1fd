// Reconnection delays: exponential, capped, with jitter so that a thousand
// communes cut off together do not all redial at the same instant.
#ifndef COUNCIL_NODE_CORE_BACKOFF_H_
#define COUNCIL_NODE_CORE_BACKOFF_H_

#include <cstdint>

namespace council::core {

struct BackoffPolicy {
  int64_t base_ms = 250;
  int64_t cap_ms = 30000;
};

// Delay before reconnect attempt `attempt` (0 for the first retry):
// min(cap, base * 2^attempt), scaled by a factor in [0.5, 1.5) drawn from
// `jitter` in [0, 1). Never more than 1.5 * cap, never less than 1 ms.
int64_t BackoffDelayMs(const BackoffPolicy& policy, int attempt, double jitter);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_BACKOFF_H_
