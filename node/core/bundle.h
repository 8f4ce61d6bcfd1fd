// Sneakernet bundles (proto/council/v1/bundle.proto): a node's outbox for
// one peer, carried by hand as one self-verifying file, encoded, decoded and
// checked here without any I/O.
//
// Integrity. The seal holds the SHA-256 of every byte before it and the
// exporter's Ed25519 signature of that digest (prefixed by kBundleSealContext,
// so a seal can never pass for a record signature). A receiver decodes the
// whole file, checks the digest, the sender and the signature, and only then
// applies anything: a truncated, altered or misaddressed bundle applies
// nothing. The records keep their origins' signatures and are checked again
// when applied, as on a link.
#ifndef COUNCIL_NODE_CORE_BUNDLE_H_
#define COUNCIL_NODE_CORE_BUNDLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "council/v1/bundle.pb.h"
#include "council/v1/record.pb.h"
#include "node/core/routing.h"
#include "node/core/signing.h"
#include "node/core/unit_tree.h"

namespace council::core {

inline constexpr absl::string_view kBundleMagic = "COUNCIL-BUNDLE\n";
inline constexpr uint32_t kBundleFormat = 1;
// What the exporter signs is this followed by the 32-byte digest.
inline constexpr absl::string_view kBundleSealContext = "council bundle seal v1\n";
// The message of every error for a file that is not a bundle at all.
inline constexpr absl::string_view kNotABundle = "not a council bundle";

// Incremental SHA-256 (OpenSSL EVP), movable.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  void Update(absl::string_view bytes);
  // The 32-byte digest of everything given; the object is spent afterwards.
  std::string Final();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// Encodes one bundle: the magic and `header` at construction, then each
// record in outbox order, then the seal. The encoded bytes accumulate until
// taken, so a caller can emit them in chunks.
class BundleWriter {
 public:
  // REQUIRES: header.records() == last - first + 1, format set.
  explicit BundleWriter(const v1::BundleHeader& header);

  // FAILED_PRECONDITION once header.records() records were added.
  absl::Status AddRecord(const v1::Record& record);
  // The same, from its CanonicalBytes as stored.
  absl::Status AddEncodedRecord(std::string encoded);
  // Appends the seal signed by `signer`. FAILED_PRECONDITION if fewer records
  // than the header announces were added, or if already sealed.
  absl::Status Seal(const Signer& signer);

  // Encoded bytes not taken yet.
  size_t pending() const { return out_.size() - taken_; }
  // Removes and returns up to `max` of the pending bytes, oldest first.
  std::string Take(size_t max);

 private:
  void Frame(char tag, const std::string& payload, bool hashed);

  v1::BundleHeader header_;
  uint64_t added_ = 0;
  bool sealed_ = false;
  Sha256 sha_;
  std::string out_;
  size_t taken_ = 0;
};

// A decoded bundle whose digest matches its contents (the signature is
// checked by CheckBundleSender).
struct Bundle {
  v1::BundleHeader header;
  std::vector<v1::Record> records;  // position header.first() + i
  v1::BundleSeal seal;
};

// Decodes a bundle fed in pieces of any size. Every error is
// INVALID_ARGUMENT, is final, and says what is wrong: kNotABundle for a file
// that does not start with kBundleMagic; "truncated bundle: ..." for one that
// ends early; "corrupt bundle: ..." for one whose frames or digest are wrong.
class BundleReader {
 public:
  absl::Status Feed(absl::string_view bytes);
  // After the last byte: the bundle, its digest checked.
  absl::StatusOr<Bundle> Finish();

  // The header once its frame has been read, else nullptr (for progress).
  const v1::BundleHeader* header() const { return have_header_ ? &bundle_.header : nullptr; }
  uint64_t records_read() const { return bundle_.records.size(); }

 private:
  enum class Stage { kMagic, kHeader, kRecords, kSeal, kDone };
  // Decodes whole frames from buf_; OK when it needs more bytes.
  absl::Status Parse();
  absl::Status TakeFrame(absl::string_view payload, char tag);
  std::string Where() const;  // "inside the header", "inside record 3 of 9", ...

  Stage stage_ = Stage::kMagic;
  absl::Status error_;
  std::string buf_;     // bytes fed and not yet decoded
  uint64_t offset_ = 0;  // file offset of buf_[0]
  Sha256 sha_;  // of everything before the seal frame
  bool have_header_ = false;
  Bundle bundle_;
};

// Feed(bytes) then Finish().
absl::StatusOr<Bundle> DecodeBundle(absl::string_view bytes);

// What a receiving node checks before applying anything of `bundle`:
// it is addressed to place.self (FAILED_PRECONDITION otherwise); it comes
// from place.parent or from a child of place.self — by `tree`, or, for a
// child whose own unit record the node has not seen yet, by that record
// carried in the bundle (FAILED_PRECONDITION otherwise); and its seal is
// signed by the sender's key — the one `tree` knows, or else the one that
// record carries once `verifier` accepts its binding (PERMISSION_DENIED
// otherwise, and when no key is known).
absl::Status CheckBundleSender(const Bundle& bundle, const NodePlace& place,
                               const UnitTree& tree, const KeyVerifier& verifier);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_BUNDLE_H_
