#include "node/app/bundles.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "node/app/log.h"
#include "node/core/link.h"
#include "node/core/signing.h"
#include "node/core/status_macros.h"
#include "node/core/validate.h"

namespace council::app {
namespace {

// One WriteRequest of an import holds at most what a link batch may
// (transport/link_session.h kMaxReceivedBatchRecords / ...Bytes).
constexpr size_t kMaxSliceRecords = 4096;
constexpr size_t kMaxSliceBytes = 8 << 20;

// Counts and logs records of a bundle that were not applied, on the
// sender's link, as LinkSession does for a batch.
void Refuse(NodeService& node, const std::string& peer, const std::string& reason,
            uint64_t count, const std::string& detail) {
  node.links().Refused(peer, reason, count, detail);
  Log("warn", "record_refused",
      {{"peer", peer}, {"reason", reason}, {"via", "bundle"}, {"detail", detail}});
}

// The unit a bundle for `peer` ("" the parent) goes to, if it may have one.
absl::StatusOr<std::string> BundlePeer(NodeService& node, const std::string& peer) {
  const v1::NodeIdentity& self = node.identity();
  if (peer.empty() || peer == self.parent_unit()) {
    if (self.parent_unit().empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("unit ", self.unit(), " has no parent to make a bundle for"));
    }
    return self.parent_unit();
  }
  if (node.store().Tree().ParentOf(peer) != self.unit()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unit ", peer, " is neither the parent nor a child of this node (unit ", self.unit(), ")"));
  }
  return peer;
}

}  // namespace

absl::Status ExportBundle(NodeService& node, const std::string& requested,
                          const std::function<bool(std::string piece)>& emit) {
  ASSIGN_OR_RETURN(const std::string peer, BundlePeer(node, requested));
  store::Store& store = node.store();
  const uint64_t head = store.OutboxHead(peer);
  const uint64_t acked = store.Acked(peer);
  if (acked >= head) {
    return absl::FailedPreconditionError(absl::StrCat(
        "nothing to export for ", peer, ": it has acknowledged this node's whole outbox for it (",
        head, " positions)"));
  }
  v1::BundleHeader header;
  header.set_format(core::kBundleFormat);
  header.set_from(node.identity().unit());
  header.set_to(peer);
  header.set_first(acked + 1);
  header.set_last(head);
  header.set_records(head - acked);
  header.set_created_ms(node.NowMillis());
  core::BundleWriter writer(header);
  // Emits whole pieces while at least `min` bytes are pending.
  auto drain = [&](size_t min) {
    while (writer.pending() > 0 && writer.pending() >= min) {
      if (!emit(writer.Take(kBundleChunkBytes))) return false;
    }
    return true;
  };
  for (uint64_t next = header.first(); next <= head;) {
    ASSIGN_OR_RETURN(store::OutboxSlice slice,
                     store.ReadOutbox(peer, next, kMaxSliceRecords, kMaxSliceBytes));
    if (slice.records.empty() || slice.first != next) {
      return absl::DataLossError(
          absl::StrCat("position ", next, " of the outbox for ", peer, " is missing"));
    }
    for (size_t i = 0; i < slice.records.size() && next <= head; ++i, ++next) {
      RETURN_IF_ERROR(writer.AddEncodedRecord(std::move(slice.records[i])));
    }
    if (!drain(kBundleChunkBytes)) return absl::CancelledError("bundle export cancelled");
  }
  RETURN_IF_ERROR(writer.Seal(node.signer()));
  if (!drain(1)) return absl::CancelledError("bundle export cancelled");
  Log("info", "bundle_exported",
      {{"peer", peer},
       {"first", absl::StrCat(header.first())},
       {"last", absl::StrCat(header.last())}});
  return absl::OkStatus();
}

absl::StatusOr<v1::BundleImportReply> ImportBundle(NodeService& node, const core::Bundle& bundle) {
  const v1::BundleHeader& h = bundle.header;
  const std::string& from = h.from();
  core::NodePlace place{node.identity().unit(), node.identity().parent_unit()};
  RETURN_IF_ERROR(core::CheckBundleSender(bundle, place, node.store().Tree(), node.verifier()));
  const uint64_t cursor = node.store().InboundCursor(from);
  v1::BundleImportReply reply;
  reply.set_from(from);
  reply.set_first(h.first());
  reply.set_last(h.last());
  reply.set_records(bundle.records.size());
  switch (core::CheckBatch(cursor, h.first(), h.last())) {
    case core::BatchCheck::kInvalid:
      return absl::InvalidArgumentError("corrupt bundle: no positions");
    case core::BatchCheck::kGap:
      return absl::FailedPreconditionError(absl::StrCat(
          "this bundle from ", from, " holds positions ", h.first(), "..", h.last(),
          ", but this node holds ", from, "'s outbox for it only through position ", cursor,
          ": positions ", cursor + 1, "..", h.first() - 1,
          " are missing; import the bundle that holds them first (or let the link sync)"));
    case core::BatchCheck::kStale:
      reply.set_held(bundle.records.size());
      reply.set_cursor(cursor);
      return reply;
    case core::BatchCheck::kApply:
      break;
  }
  size_t i = std::max(h.first(), cursor + 1) - h.first();
  reply.set_held(i);
  while (i < bundle.records.size()) {
    store::WriteRequest req;
    req.from = from;
    req.wall_ms = node.NowMillis();
    size_t bytes = 0;
    for (const size_t start = i;
         i < bundle.records.size() && i - start < kMaxSliceRecords && bytes < kMaxSliceBytes; ++i) {
      const v1::Record& r = bundle.records[i];
      bytes += r.ByteSizeLong();
      absl::Status valid = core::ValidateComplete(r);
      if (!valid.ok()) {
        Refuse(node, from, "invalid", 1, absl::StrCat("record ", r.id(), ": ", valid.message()));
        reply.set_refused(reply.refused() + 1);
        continue;
      }
      req.versions.push_back(r);
    }
    req.inbound_cursor = h.first() + i - 1;
    absl::StatusOr<store::WriteResult> written = node.Commit(std::move(req));
    if (!written.ok()) {
      return absl::Status(written.status().code(),
                          absl::StrCat("bundle from ", from, " applied through position ",
                                       node.store().InboundCursor(from),
                                       ", then: ", written.status().message()));
    }
    for (store::Outcome o : written->version_outcomes) {
      if (o == store::Outcome::kApplied) reply.set_applied(reply.applied() + 1);
      if (o == store::Outcome::kUnchanged) reply.set_unchanged(reply.unchanged() + 1);
      if (o == store::Outcome::kRejected) reply.set_refused(reply.refused() + 1);
    }
    for (const std::string& why : written->rejections) {
      Refuse(node, from, core::RefusalReason(why), 1, why);
    }
    if (written->stale > 0) {
      Refuse(node, from, "stale", written->stale, "older versions than those held were ignored");
    }
  }
  reply.set_cursor(node.store().InboundCursor(from));
  Log("info", "bundle_imported",
      {{"peer", from},
       {"first", absl::StrCat(h.first())},
       {"last", absl::StrCat(h.last())},
       {"applied", absl::StrCat(reply.applied())},
       {"cursor", absl::StrCat(reply.cursor())}});
  return reply;
}

}  // namespace council::app
