#include "node/core/bundle.h"

#include <openssl/evp.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "node/core/chain.h"
#include "node/core/ids.h"
#include "node/core/serialize.h"
#include "node/core/validate.h"

namespace council::core {
namespace {

constexpr char kHeaderTag = 'H';
constexpr char kRecordTag = 'R';
constexpr char kSealTag = 'S';
constexpr size_t kFrameHead = 5;  // tag, be32 length
// Payload limits: an honest exporter stays far below them, so a length
// beyond one is a corrupt file, found at once rather than at its end.
constexpr size_t kMaxHeaderBytes = 4096;
constexpr size_t kMaxRecordFrameBytes = kMaxRecordBytes + (64 << 10);
constexpr size_t kMaxSealBytes = 1024;

absl::Status NotABundle() {
  return absl::InvalidArgumentError(
      absl::StrCat(kNotABundle, " (it does not start with \"COUNCIL-BUNDLE\")"));
}

absl::Status Truncated(const std::string& where) {
  return absl::InvalidArgumentError(absl::StrCat("truncated bundle: the file ends ", where));
}

absl::Status Corrupt(const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("corrupt bundle: ", what));
}

std::string SealedBytes(absl::string_view digest) {
  return absl::StrCat(kBundleSealContext, digest);
}

absl::Status CheckHeader(const v1::BundleHeader& h) {
  if (h.format() != kBundleFormat) {
    return absl::InvalidArgumentError(absl::StrCat("bundle format ", h.format(),
                                                   " is not supported; this node reads format ",
                                                   kBundleFormat));
  }
  if (!ValidateUnitId(h.from()).ok() || !ValidateUnitId(h.to()).ok() || h.from() == h.to()) {
    return Corrupt(absl::StrCat("the header names sender '", h.from(), "' and receiver '", h.to(),
                                "'"));
  }
  if (h.first() == 0 || h.last() < h.first() || h.records() != h.last() - h.first() + 1) {
    return Corrupt(absl::StrCat("the header announces ", h.records(), " records at positions ",
                                h.first(), "..", h.last()));
  }
  return absl::OkStatus();
}

// The sender's own unit record among the bundle's records (the last one),
// or nullptr.
const v1::Unit* OwnUnitIn(const Bundle& bundle) {
  const v1::Unit* found = nullptr;
  for (const v1::Record& r : bundle.records) {
    if (r.has_unit() && r.origin() == bundle.header.from() && r.unit().id() == r.origin()) {
      found = &r.unit();
    }
  }
  return found;
}

}  // namespace

struct Sha256::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr);
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::Update(absl::string_view bytes) {
  EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size());
}

std::string Sha256::Final() {
  std::string out(kDigestSize, '\0');
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx_->md, reinterpret_cast<unsigned char*>(out.data()), &n);
  out.resize(n);
  return out;
}

BundleWriter::BundleWriter(const v1::BundleHeader& header) : header_(header) {
  out_.append(kBundleMagic.data(), kBundleMagic.size());
  sha_.Update(kBundleMagic);
  Frame(kHeaderTag, header_.SerializeAsString(), true);
}

void BundleWriter::Frame(char tag, const std::string& payload, bool hashed) {
  const uint32_t n = static_cast<uint32_t>(payload.size());
  const char head[kFrameHead] = {tag, static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                                 static_cast<char>(n >> 8), static_cast<char>(n)};
  out_.append(head, kFrameHead);
  out_.append(payload);
  if (hashed) {
    sha_.Update(absl::string_view(head, kFrameHead));
    sha_.Update(payload);
  }
}

absl::Status BundleWriter::AddRecord(const v1::Record& record) {
  return AddEncodedRecord(CanonicalBytes(record));
}

absl::Status BundleWriter::AddEncodedRecord(std::string encoded) {
  if (sealed_ || added_ >= header_.records()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "bundle for ", header_.to(), " already holds its ", header_.records(), " records"));
  }
  Frame(kRecordTag, std::move(encoded), true);
  ++added_;
  return absl::OkStatus();
}

absl::Status BundleWriter::Seal(const Signer& signer) {
  if (sealed_ || added_ != header_.records()) {
    return absl::FailedPreconditionError(
        absl::StrCat("bundle for ", header_.to(), " holds ", added_, " of its ",
                     header_.records(), " records", sealed_ ? " and is sealed" : ""));
  }
  v1::BundleSeal seal;
  seal.set_digest(sha_.Final());
  seal.set_signature(signer.Sign(SealedBytes(seal.digest())));
  Frame(kSealTag, seal.SerializeAsString(), false);
  sealed_ = true;
  return absl::OkStatus();
}

std::string BundleWriter::Take(size_t max) {
  size_t n = std::min(max, pending());
  std::string chunk = out_.substr(taken_, n);
  taken_ += n;
  // Dropping the taken prefix once it is half the buffer keeps the buffer
  // near what is pending, at an amortised constant cost per byte.
  if (taken_ * 2 >= out_.size()) {
    out_.erase(0, taken_);
    taken_ = 0;
  }
  return chunk;
}

std::string BundleReader::Where() const {
  switch (stage_) {
    case Stage::kMagic:
    case Stage::kHeader:
      return "inside the header";
    case Stage::kRecords:
      return absl::StrCat("inside record ", bundle_.records.size() + 1, " of ",
                          bundle_.header.records(), " (outbox position ",
                          bundle_.header.first() + bundle_.records.size(), ")");
    case Stage::kSeal:
      return absl::StrCat("after all ", bundle_.records.size(),
                          " records, before the seal that proves them");
    case Stage::kDone:
      break;
  }
  return "after the seal";
}

absl::Status BundleReader::Feed(absl::string_view bytes) {
  if (!error_.ok()) return error_;
  buf_.append(bytes.data(), bytes.size());
  error_ = Parse();
  return error_;
}

absl::Status BundleReader::Parse() {
  size_t pos = 0;
  absl::Status status;
  while (status.ok()) {
    absl::string_view rest = absl::string_view(buf_).substr(pos);
    if (stage_ == Stage::kMagic) {
      size_t n = std::min(rest.size(), kBundleMagic.size());
      if (rest.substr(0, n) != kBundleMagic.substr(0, n)) return NotABundle();
      if (n < kBundleMagic.size()) break;
      sha_.Update(kBundleMagic);
      pos += n;
      stage_ = Stage::kHeader;
      continue;
    }
    if (stage_ == Stage::kDone) {
      if (!rest.empty()) {
        status = Corrupt(absl::StrCat(rest.size(), " stray bytes after the seal, at byte ",
                                      offset_ + pos));
      }
      break;
    }
    if (rest.size() < kFrameHead) break;
    const uint32_t n = (static_cast<uint32_t>(static_cast<uint8_t>(rest[1])) << 24) |
                       (static_cast<uint32_t>(static_cast<uint8_t>(rest[2])) << 16) |
                       (static_cast<uint32_t>(static_cast<uint8_t>(rest[3])) << 8) |
                       static_cast<uint32_t>(static_cast<uint8_t>(rest[4]));
    const char expected = stage_ == Stage::kHeader    ? kHeaderTag
                          : stage_ == Stage::kRecords ? kRecordTag
                                                      : kSealTag;
    const size_t limit = stage_ == Stage::kHeader    ? kMaxHeaderBytes
                         : stage_ == Stage::kRecords ? kMaxRecordFrameBytes
                                                     : kMaxSealBytes;
    if (rest[0] != expected) {
      return Corrupt(absl::StrCat("unexpected frame tag 0x",
                                  absl::Hex(static_cast<uint8_t>(rest[0]), absl::kZeroPad2),
                                  " at byte ", offset_ + pos, " (expected '",
                                  absl::string_view(&expected, 1), "')"));
    }
    if (n > limit) {
      return Corrupt(absl::StrCat("a frame of ", n, " bytes at byte ", offset_ + pos,
                                  " exceeds the limit of ", limit));
    }
    if (rest.size() < kFrameHead + n) break;
    if (stage_ != Stage::kSeal) sha_.Update(rest.substr(0, kFrameHead + n));
    status = TakeFrame(rest.substr(kFrameHead, n), rest[0]);
    pos += kFrameHead + n;
  }
  buf_.erase(0, pos);
  offset_ += pos;
  return status;
}

absl::Status BundleReader::TakeFrame(absl::string_view payload, char tag) {
  switch (tag) {
    case kHeaderTag: {
      if (!bundle_.header.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
        return Corrupt("the header does not parse");
      }
      if (absl::Status s = CheckHeader(bundle_.header); !s.ok()) return s;
      have_header_ = true;
      stage_ = Stage::kRecords;
      break;
    }
    case kRecordTag: {
      v1::Record record;
      if (!record.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
        return Corrupt(absl::StrCat("record ", bundle_.records.size() + 1, " (outbox position ",
                                    bundle_.header.first() + bundle_.records.size(),
                                    ") does not parse"));
      }
      bundle_.records.push_back(std::move(record));
      break;
    }
    default: {
      if (!bundle_.seal.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
        return Corrupt("the seal does not parse");
      }
      if (bundle_.seal.digest() != sha_.Final()) {
        return Corrupt("its contents do not match the digest in its seal (the file was altered)");
      }
      stage_ = Stage::kDone;
      return absl::OkStatus();
    }
  }
  if (stage_ == Stage::kRecords && bundle_.records.size() == bundle_.header.records()) {
    stage_ = Stage::kSeal;
  }
  return absl::OkStatus();
}

absl::StatusOr<Bundle> BundleReader::Finish() {
  if (!error_.ok()) return error_;
  if (stage_ == Stage::kMagic && offset_ + buf_.size() == 0) {
    error_ = absl::InvalidArgumentError(absl::StrCat(kNotABundle, " (the file is empty)"));
  } else if (stage_ != Stage::kDone) {
    error_ = Truncated(Where());
  }
  if (!error_.ok()) return error_;
  error_ = absl::FailedPreconditionError("bundle already taken");
  return std::move(bundle_);
}

absl::StatusOr<Bundle> DecodeBundle(absl::string_view bytes) {
  BundleReader reader;
  if (absl::Status s = reader.Feed(bytes); !s.ok()) return s;
  return reader.Finish();
}

absl::Status CheckBundleSender(const Bundle& bundle, const NodePlace& place,
                               const UnitTree& tree, const KeyVerifier& verifier) {
  const v1::BundleHeader& h = bundle.header;
  if (h.to() != place.self) {
    return absl::FailedPreconditionError(absl::StrCat(
        "this bundle from ", h.from(), " is for unit ", h.to(), ", not for this node (unit ",
        place.self, ")"));
  }
  const v1::Unit* carried = OwnUnitIn(bundle);
  const bool from_parent = !place.parent.empty() && h.from() == place.parent;
  const bool from_child = tree.ParentOf(h.from()) == place.self ||
                          (tree.Find(h.from()) == nullptr && carried != nullptr &&
                           carried->parent() == place.self);
  if (!from_parent && !from_child) {
    return absl::FailedPreconditionError(absl::StrCat(
        "this bundle comes from unit ", h.from(), ", which is neither the parent nor a child of ",
        "this node (unit ", place.self, ")"));
  }
  std::string key = tree.KeyOf(h.from());
  if (key.empty() && carried != nullptr && verifier.CheckBinding(*carried).ok()) {
    key = carried->public_key();
  }
  if (key.empty()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "cannot check this bundle: this node does not know unit ", h.from(),
        "'s signing key (its unit record has not reached this node)"));
  }
  if (bundle.seal.signature().empty() ||
      !verifier.Verify(key, SealedBytes(bundle.seal.digest()), bundle.seal.signature())) {
    return absl::PermissionDeniedError(absl::StrCat(
        "the bundle's signature does not verify with unit ", h.from(),
        "'s key: the file was altered, or not made by ", h.from()));
  }
  return absl::OkStatus();
}

}  // namespace council::core
