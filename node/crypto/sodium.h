// Internal to node/crypto: libsodium, initialised once per process.
#ifndef COUNCIL_NODE_CRYPTO_SODIUM_H_
#define COUNCIL_NODE_CRYPTO_SODIUM_H_

#include <sodium.h>

namespace council::crypto::crypto_internal {

// True once libsodium is ready; call before any of its functions. Thread-safe.
inline bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace council::crypto::crypto_internal

#endif  // COUNCIL_NODE_CRYPTO_SODIUM_H_
