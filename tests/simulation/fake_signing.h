// Stand-ins for the node's Ed25519 signer and OpenSSL verifier in the
// simulation: cheap, deterministic, and just as unforgiving of a changed byte
// (a "signature" is a 64-bit FNV-1a hash of the key and the bytes). Trust on
// first use: every binding is accepted.
#ifndef COUNCIL_TESTS_SIMULATION_FAKE_SIGNING_H_
#define COUNCIL_TESTS_SIMULATION_FAKE_SIGNING_H_

#include <cstdint>
#include <string>

#include "node/core/signing.h"

namespace council::sim {

inline std::string FakeSignature(absl::string_view key, absl::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&](absl::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  };
  mix(key);
  mix(absl::string_view("\0", 1));
  mix(bytes);
  return std::string(reinterpret_cast<const char*>(&h), sizeof(h));
}

class FakeSigner : public core::Signer {
 public:
  explicit FakeSigner(std::string key) : key_(std::move(key)) {}
  std::string Sign(absl::string_view bytes) const override { return FakeSignature(key_, bytes); }
  std::string public_key() const override { return key_; }

 private:
  std::string key_;
};

class FakeVerifier : public core::KeyVerifier {
 public:
  bool Verify(absl::string_view key, absl::string_view bytes,
              absl::string_view signature) const override {
    return !key.empty() && FakeSignature(key, bytes) == signature;
  }
  absl::Status CheckBinding(const v1::Unit&) const override { return absl::OkStatus(); }
  bool VerifiesBindings() const override { return false; }
};

// The key a simulated unit signs with.
inline std::string SimKeyOf(const std::string& unit) { return "key-of-" + unit; }

}  // namespace council::sim

#endif  // COUNCIL_TESTS_SIMULATION_FAKE_SIGNING_H_
