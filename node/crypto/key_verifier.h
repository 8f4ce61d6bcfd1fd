// Checking record signatures and key certificates (core::KeyVerifier over
// OpenSSL).
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

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "node/core/signing.h"

struct evp_pkey_st;    // OpenSSL's EVP_PKEY
struct x509_store_st;  // OpenSSL's X509_STORE

namespace council::crypto {

class OpenSslVerifier : public core::KeyVerifier {
 public:
  // `ca_path`: a PEM file of the CA certificate(s) that certify unit keys,
  // or "" for none (trust on first use). NOT_FOUND / INVALID_ARGUMENT naming
  // the file if it cannot be read or holds no certificate.
  static absl::StatusOr<std::unique_ptr<OpenSslVerifier>> Create(const std::string& ca_path);
  ~OpenSslVerifier() override;
  OpenSslVerifier(const OpenSslVerifier&) = delete;
  OpenSslVerifier& operator=(const OpenSslVerifier&) = delete;

  bool Verify(absl::string_view public_key, absl::string_view bytes,
              absl::string_view signature) const override;
  absl::Status CheckBinding(const v1::Unit& unit) const override;
  bool VerifiesBindings() const override { return ca_ != nullptr; }

  // Parsed keys kept for reuse; beyond this many the cache starts afresh.
  static constexpr size_t kMaxCachedKeys = 4096;

 private:
  explicit OpenSslVerifier(x509_store_st* ca);  // takes `ca` (may be null)
  // A new reference to the parsed key (the caller frees it), or nullptr.
  evp_pkey_st* KeyFor(absl::string_view public_key) const;

  x509_store_st* const ca_;
  mutable std::mutex mu_;
  mutable std::map<std::string, evp_pkey_st*, std::less<>> keys_ ABSL_GUARDED_BY(mu_);
};

// OK iff `certificate` (PEM or DER) names `unit` as its subject CN and
// certifies the raw Ed25519 key `public_key`; INVALID_ARGUMENT saying what
// differs. Checks no chain (see OpenSslVerifier::CheckBinding for that).
absl::Status CheckCertificateNames(absl::string_view certificate, absl::string_view unit,
                                   absl::string_view public_key);

// The certificate in the file at `path` (PEM or DER), as DER. NOT_FOUND /
// INVALID_ARGUMENT naming the file.
absl::StatusOr<std::string> ReadCertificateDer(const std::string& path);

}  // namespace council::crypto

#endif  // COUNCIL_NODE_CRYPTO_KEY_VERIFIER_H_
