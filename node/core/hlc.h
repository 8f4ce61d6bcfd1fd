// Hybrid logical clock. Values are (wall milliseconds << 16) | counter, so
// they order like wall time while staying strictly increasing on one node
// even if the wall clock steps back. Not thread-safe: the owner serializes.
#ifndef COUNCIL_NODE_CORE_HLC_H_
#define COUNCIL_NODE_CORE_HLC_H_

#include <cstdint>

namespace council::core {

class HybridClock {
 public:
  // Returns a value greater than every value returned or observed before.
  uint64_t Tick(int64_t wall_ms);
  // Moves the clock past a value seen on another node's record.
  void Observe(uint64_t remote);
  uint64_t last() const { return last_; }

 private:
  uint64_t last_ = 0;
};

// The wall-clock milliseconds part of an HLC value.
inline int64_t HlcMillis(uint64_t hlc) { return static_cast<int64_t>(hlc >> 16); }

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_HLC_H_
