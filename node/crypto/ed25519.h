// The node's Ed25519 record-signing key (core::Signer): key files through
// OpenSSL, signatures through libsodium (the same RFC 8032 signatures in
// little more than half the CPU here: BENCHMARKS.md).
//
//   absl::StatusOr<std::unique_ptr<Ed25519Signer>> key =
//       Ed25519Signer::LoadOrCreate(data_dir + "/signing.key");
//   std::string sig = (*key)->Sign(core::SigningBytes(rec));   // 64 bytes
//   (*key)->public_key();                                      // 32 bytes, raw
//
// Key files are PEM PKCS#8 ("-----BEGIN PRIVATE KEY-----"), as
// `openssl genpkey -algorithm ed25519` writes them.
//
// Thread safety: Sign and public_key may be called concurrently.
#ifndef COUNCIL_NODE_CRYPTO_ED25519_H_
#define COUNCIL_NODE_CRYPTO_ED25519_H_

#include <array>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "node/core/signing.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace council::crypto {

class Ed25519Signer : public core::Signer {
 public:
  // A new random key.
  static absl::StatusOr<std::unique_ptr<Ed25519Signer>> Generate();
  // Parses a PEM PKCS#8 Ed25519 private key; INVALID_ARGUMENT if it is not one.
  static absl::StatusOr<std::unique_ptr<Ed25519Signer>> FromPem(absl::string_view pem);
  // Reads the key file at `path`. NOT_FOUND if it cannot be read;
  // INVALID_ARGUMENT naming it if it is not an Ed25519 PEM key;
  // FAILED_PRECONDITION if group or others may access it (chmod 600 it).
  static absl::StatusOr<std::unique_ptr<Ed25519Signer>> Load(const std::string& path);
  // Load(path), or, if nothing is at `path`, a new key written there first:
  // mode 0600, synced, published atomically (a concurrent creator's key wins
  // and both return it). UNAVAILABLE if it cannot be written.
  static absl::StatusOr<std::unique_ptr<Ed25519Signer>> LoadOrCreate(const std::string& path);

  ~Ed25519Signer() override;
  Ed25519Signer(const Ed25519Signer&) = delete;
  Ed25519Signer& operator=(const Ed25519Signer&) = delete;

  // The 64-byte signature of `bytes`.
  std::string Sign(absl::string_view bytes) const override;
  // The raw 32-byte public key.
  std::string public_key() const override { return public_key_; }
  // The private key as PEM PKCS#8.
  std::string PrivateKeyPem() const;

 private:
  // A signer of `key` (taken; freed on failure). INVALID_ARGUMENT if it is
  // not an Ed25519 private key.
  static absl::StatusOr<std::unique_ptr<Ed25519Signer>> Adopt(evp_pkey_st* key);
  // Takes `key`; `seed` is its raw private key (RFC 8032's 32 bytes).
  Ed25519Signer(evp_pkey_st* key, std::string public_key, absl::string_view seed);
  evp_pkey_st* const key_;
  const std::string public_key_;
  std::array<unsigned char, 64> secret_;  // libsodium's expanded key: seed, public key
};

}  // namespace council::crypto

#endif  // COUNCIL_NODE_CRYPTO_ED25519_H_
