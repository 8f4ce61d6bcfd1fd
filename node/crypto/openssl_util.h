// Internal to node/crypto: ownership of OpenSSL objects, error text, files.
#ifndef COUNCIL_NODE_CRYPTO_OPENSSL_UTIL_H_
#define COUNCIL_NODE_CRYPTO_OPENSSL_UTIL_H_

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace council::crypto::crypto_internal {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

// The text of the oldest error on OpenSSL's queue (which it then clears),
// or `fallback` if the queue is empty.
std::string OpenSslError(absl::string_view fallback = "unknown OpenSSL error");

// The whole content of `path`; NOT_FOUND naming it if it cannot be read.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path, absl::string_view what);

// Parses a certificate given as PEM or DER; INVALID_ARGUMENT otherwise.
absl::StatusOr<X509Ptr> ParseCertificate(absl::string_view pem_or_der);

// The raw Ed25519 public key of `key`; INVALID_ARGUMENT if it is another type.
absl::StatusOr<std::string> RawEd25519PublicKey(const EVP_PKEY* key);

}  // namespace council::crypto::crypto_internal

#endif  // COUNCIL_NODE_CRYPTO_OPENSSL_UTIL_H_
