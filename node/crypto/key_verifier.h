// Checking record signatures (libsodium) and key certificates (OpenSSL):
// core::KeyVerifier.
//
// A key certificate is an X.509 certificate from the province CA whose
// subject CN is a unit id and whose key is that unit's Ed25519 signing key.
// With a CA, CheckBinding requires one that chains to it; validity dates are
// not checked, so that a record verifies the same way whenever and wherever
// it arrives (replicas must converge) — retiring a key is done by issuing a
// new certificate and publishing a new unit record, not by expiry.
//
// Thread safety: every method may be called concurrently.
#ifndef COUNCIL_NODE_CRYPTO_KEY_VERIFIER_H_
#define COUNCIL_NODE_CRYPTO_KEY_VERIFIER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "node/core/signing.h"

struct x509_store_st;  // OpenSSL's X509_STORE

namespace council::crypto {

class Ed25519Verifier : public core::KeyVerifier {
 public:
  // `ca_path`: a PEM file of the CA certificate(s) that certify unit keys,
  // or "" for none (trust on first use). NOT_FOUND / INVALID_ARGUMENT naming
  // the file if it cannot be read or holds no certificate.
  static absl::StatusOr<std::unique_ptr<Ed25519Verifier>> Create(const std::string& ca_path);
  ~Ed25519Verifier() override;
  Ed25519Verifier(const Ed25519Verifier&) = delete;
  Ed25519Verifier& operator=(const Ed25519Verifier&) = delete;

  bool Verify(absl::string_view public_key, absl::string_view bytes,
              absl::string_view signature) const override;
  absl::Status CheckBinding(const v1::Unit& unit) const override;
  bool VerifiesBindings() const override { return ca_ != nullptr; }

 private:
  explicit Ed25519Verifier(x509_store_st* ca);  // takes `ca` (may be null)

  x509_store_st* const ca_;
};

// OK iff `certificate` (PEM or DER) names `unit` as its subject CN and
// certifies the raw Ed25519 key `public_key`; INVALID_ARGUMENT saying what
// differs. Checks no chain (see Ed25519Verifier::CheckBinding for that).
absl::Status CheckCertificateNames(absl::string_view certificate, absl::string_view unit,
                                   absl::string_view public_key);

// The certificate in the file at `path` (PEM or DER), as DER. NOT_FOUND /
// INVALID_ARGUMENT naming the file.
absl::StatusOr<std::string> ReadCertificateDer(const std::string& path);

}  // namespace council::crypto

#endif  // COUNCIL_NODE_CRYPTO_KEY_VERIFIER_H_
