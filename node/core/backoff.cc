#include "node/core/backoff.h"

#include <algorithm>

namespace council::core {

int64_t BackoffDelayMs(const BackoffPolicy& policy, int attempt, double jitter) {
  int64_t delay = policy.base_ms;
  for (int i = 0; i < attempt && delay < policy.cap_ms; ++i) delay *= 2;
  delay = std::min(delay, policy.cap_ms);
  jitter = std::clamp(jitter, 0.0, 1.0);
  return std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(delay) * (0.5 + jitter)));
}

}  // namespace council::core
