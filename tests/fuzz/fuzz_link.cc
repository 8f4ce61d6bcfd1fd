// libFuzzer: the sync message handler's decisions on hostile input. Bytes are
// decoded as a council.v1.LinkMessage arriving at a district from one of its
// communes (or from its province); each batch goes through the same checks
// as on a real link (cursor rule, validation, authorization, versioning,
// routing) against an in-memory node.
#include <cstddef>
#include <cstdint>

#include "council/v1/sync.pb.h"
#include "node/core/apply.h"
#include "node/core/link.h"
#include "node/core/validate.h"
#include "tests/simulation/sim_node.h"

namespace {

council::v1::Record UnitRecord(const std::string& id, const std::string& parent,
                               council::v1::Level level) {
  council::v1::Record r;
  r.mutable_doc()->set_title(id);
  r.mutable_unit()->set_id(id);
  r.mutable_unit()->set_parent(parent);
  r.mutable_unit()->set_level(level);
  r.mutable_unit()->set_name("HĐND " + id);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace council;
  v1::LinkMessage msg;
  if (size < 1 || !msg.ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;
  sim::SimNode node("522", "51", v1::LEVEL_DISTRICT);
  core::ApplyContext ctx = node.Context(1700000000000);
  (void)core::ApplyLocalDraft(node, UnitRecord("522", "51", v1::LEVEL_DISTRICT), ctx);
  const std::string from = data[0] & 1 ? "51" : "21550";
  if (!msg.has_batch()) return 0;
  const v1::Batch& b = msg.batch();
  uint64_t cursor = data[0] >> 1;
  if (core::CheckBatch(cursor, b.first(), b.last()) != core::BatchCheck::kApply) return 0;
  for (const std::string& bytes : b.records()) {
    v1::Record r;
    if (!r.ParseFromString(bytes) || !core::ValidateComplete(r).ok()) continue;
    std::string why;
    (void)core::ApplyVersion(node, r, from, ctx, &why);
  }
  return 0;
}
