#include "signed_origin.h"

#include <cstdio>
#include <cstdlib>

#include "google/protobuf/util/json_util.h"
#include "node/core/signing.h"

namespace council::itest {

SignedOrigin::SignedOrigin(std::string unit, std::string parent, v1::Level level)
    : unit_(std::move(unit)), parent_(std::move(parent)), level_(level) {
  absl::StatusOr<std::unique_ptr<crypto::Ed25519Signer>> key = crypto::Ed25519Signer::Generate();
  if (!key.ok()) {
    std::fprintf(stderr, "SignedOrigin: %s\n", key.status().ToString().c_str());
    std::abort();
  }
  key_ = *std::move(key);
}

v1::Record SignedOrigin::UnitRecord(uint64_t hlc) const {
  v1::Record r;
  r.mutable_doc()->set_title("HĐND " + unit_);
  v1::Unit* u = r.mutable_unit();
  u->set_id(unit_);
  u->set_level(level_);
  u->set_name("HĐND " + unit_);
  u->set_parent(parent_);
  u->set_public_key(key_->public_key());
  return Version(r, 1, hlc);
}

v1::Record SignedOrigin::Version(v1::Record draft, uint64_t n, uint64_t hlc) const {
  draft.set_id(unit_ + ":" + std::to_string(n));
  draft.set_origin(unit_);
  draft.set_seq(n);
  draft.set_version(1);
  draft.set_hlc(hlc);
  return Sign(std::move(draft));
}

v1::Record SignedOrigin::Sign(v1::Record r) const {
  core::SignRecord(r, *key_);
  return r;
}

std::string JsonLine(const v1::Record& r) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(r, &json, options);
  return json + "\n";
}

}  // namespace council::itest
