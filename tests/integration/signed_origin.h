// A unit that signs its records as a real node does, for tests that hand a
// node records from outside (`councilctl import`, or a Sync link spoken by
// the test): its own Ed25519 key, its unit record carrying that key, and
// records signed with it.
//
//   SignedOrigin commune("21550", "522", v1::LEVEL_COMMUNE);
//   std::string file = JsonLine(commune.UnitRecord()) +
//                      JsonLine(commune.Sign(report));     // then import it
#ifndef COUNCIL_TESTS_INTEGRATION_SIGNED_ORIGIN_H_
#define COUNCIL_TESTS_INTEGRATION_SIGNED_ORIGIN_H_

#include <cstdint>
#include <memory>
#include <string>

#include "council/v1/record.pb.h"
#include "node/crypto/ed25519.h"

namespace council::itest {

class SignedOrigin {
 public:
  // A fresh key; aborts the test binary if OpenSSL cannot make one.
  SignedOrigin(std::string unit, std::string parent, v1::Level level);

  const std::string& unit() const { return unit_; }
  std::string public_key() const { return key_->public_key(); }

  // Its own unit record "<unit>:1", version 1, carrying its key, signed.
  v1::Record UnitRecord(uint64_t hlc = kHlc) const;
  // A complete version of `draft` from this origin ("<unit>:<n>", version 1,
  // seq n), signed.
  v1::Record Version(v1::Record draft, uint64_t n, uint64_t hlc = kHlc) const;
  // `r` with its signature (re)set by this origin's key.
  v1::Record Sign(v1::Record r) const;

  // 2023-08-25 in HLC form (milliseconds << 16).
  static constexpr uint64_t kHlc = 1692921600000ull << 16;

 private:
  std::string unit_, parent_;
  v1::Level level_;
  std::shared_ptr<crypto::Ed25519Signer> key_;
};

// `r` as one line of `councilctl import` input: protobuf JSON with the proto
// field names, and a newline.
std::string JsonLine(const v1::Record& r);

}  // namespace council::itest

#endif  // COUNCIL_TESTS_INTEGRATION_SIGNED_ORIGIN_H_
