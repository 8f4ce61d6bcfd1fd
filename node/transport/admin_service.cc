#include "node/transport/admin_service.h"

#include "absl/strings/str_cat.h"
#include "node/app/admin_token.h"
#include "node/app/backup.h"
#include "node/app/bundles.h"
#include "node/app/hub_views.h"
#include "node/app/log.h"
#include "node/core/kinds.h"
#include "node/transport/grpc_status.h"

namespace council::transport {
namespace {

// Longest page a List call returns; clients page with after_id.
constexpr uint32_t kMaxPage = 1000;

// Runs a view and copies its answer into the reply.
template <typename Reply>
grpc::Status Answer(absl::StatusOr<Reply> result, Reply* reply) {
  if (!result.ok()) return ToGrpc(result.status());
  *reply = *std::move(result);
  return grpc::Status::OK;
}

absl::Status CheckKind(const std::string& kind) {
  return kind.empty() ? absl::OkStatus() : core::ParseKind(kind).status();
}

// The bundle file a client streams, decoded; stops reading at the first
// error (core::BundleReader's).
absl::StatusOr<core::Bundle> ReadBundle(grpc::ServerContext* ctx,
                                        grpc::ServerReader<v1::BundleChunk>* reader) {
  core::BundleReader bundle;
  v1::BundleChunk chunk;
  while (reader->Read(&chunk)) {
    if (absl::Status fed = bundle.Feed(chunk.data()); !fed.ok()) return fed;
  }
  if (ctx->IsCancelled()) return absl::CancelledError("bundle import cancelled by the client");
  return bundle.Finish();
}

}  // namespace

grpc::Status AdminService::Authorize(const grpc::ServerContext* ctx) const {
  const auto& metadata = ctx->client_metadata();
  auto it = metadata.find("authorization");
  absl::string_view presented;
  if (it != metadata.end()) presented = absl::string_view(it->second.data(), it->second.size());
  if (app::AdminCredentialMatches(token_, presented)) return grpc::Status::OK;
  app::Log("warn", "admin_refused",
           {{"peer", ctx->peer()},
            {"reason", it == metadata.end() ? "no credential" : "wrong credential"}});
  return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "admin credential missing or wrong");
}

grpc::Status AdminService::Status(grpc::ServerContext* ctx, const v1::StatusRequest*,
                                  v1::StatusReply* reply) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  *reply = node_->Status();
  return grpc::Status::OK;
}

grpc::Status AdminService::Units(grpc::ServerContext* ctx, const v1::UnitsRequest*,
                                 v1::UnitsReply* reply) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  *reply = node_->Units();
  return grpc::Status::OK;
}

grpc::Status AdminService::Consolidate(grpc::ServerContext* ctx, const v1::ConsolidateRequest* req,
                                       v1::ConsolidateReply* reply) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  return Answer(app::Consolidate(*node_, *req), reply);
}

grpc::Status AdminService::Missing(grpc::ServerContext* ctx, const v1::MissingRequest* req,
                                   v1::MissingReply* reply) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  return Answer(app::Missing(*node_, *req), reply);
}

grpc::Status AdminService::Track(grpc::ServerContext* ctx, const v1::TrackRequest* req,
                                 v1::TrackReply* reply) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  return Answer(app::Track(*node_, *req), reply);
}

grpc::Status AdminService::Petitions(grpc::ServerContext* ctx, const v1::PetitionsRequest* req,
                                     v1::PetitionsReply* reply) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  return Answer(app::Petitions(*node_, *req), reply);
}

grpc::Status AdminService::Search(grpc::ServerContext* ctx, const v1::SearchRequest* req,
                                  v1::SearchReply* reply) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  return Answer(app::Search(*node_, *req), reply);
}

grpc::Status AdminService::Put(grpc::ServerContext* ctx, const v1::PutRequest* req,
                               v1::PutReply* reply) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  return Answer(node_->Put(req->record()), reply->mutable_record());
}

grpc::Status AdminService::Import(grpc::ServerContext* ctx, const v1::ImportRequest* req,
                                  v1::ImportReply* reply) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  std::vector<v1::Record> records(req->records().begin(), req->records().end());
  return Answer(node_->Import(records), reply);
}

grpc::Status AdminService::Get(grpc::ServerContext* ctx, const v1::GetRequest* req,
                               v1::Record* reply) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  return Answer(node_->Get(req->id()), reply);
}

grpc::Status AdminService::List(grpc::ServerContext* ctx, const v1::ListRequest* req,
                                v1::ListReply* reply) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  if (absl::Status s = CheckKind(req->kind()); !s.ok()) return ToGrpc(s);
  store::ListFilter f{req->kind(), req->unit(), req->period(), req->after_id(),
                      req->limit() == 0 || req->limit() > kMaxPage ? kMaxPage : req->limit()};
  return ToGrpc(node_->List(f, [&](const v1::Record& r) {
    *reply->add_records() = r;
    return true;
  }));
}

grpc::Status AdminService::Export(grpc::ServerContext* ctx, const v1::ExportRequest* req,
                                  grpc::ServerWriter<v1::Record>* writer) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  if (absl::Status s = CheckKind(req->kind()); !s.ok()) return ToGrpc(s);
  store::ListFilter f{req->kind(), req->unit(), "", "", 0};
  bool cancelled = false;
  absl::Status s = node_->List(f, [&](const v1::Record& r) {
    cancelled = ctx->IsCancelled() || !writer->Write(r);
    return !cancelled;
  });
  if (cancelled) return grpc::Status(grpc::StatusCode::CANCELLED, "export cancelled by the client");
  return ToGrpc(s);
}

grpc::Status AdminService::BundleExport(grpc::ServerContext* ctx,
                                        const v1::BundleExportRequest* req,
                                        grpc::ServerWriter<v1::BundleChunk>* writer) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  bool cancelled = false;
  absl::Status s = app::ExportBundle(*node_, req->peer(), [&](std::string piece) {
    v1::BundleChunk chunk;
    chunk.set_data(std::move(piece));
    cancelled = ctx->IsCancelled() || !writer->Write(chunk);
    return !cancelled;
  });
  if (cancelled) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "bundle export cancelled by the client");
  }
  return ToGrpc(s);
}

grpc::Status AdminService::BundleImport(grpc::ServerContext* ctx,
                                        grpc::ServerReader<v1::BundleChunk>* reader,
                                        v1::BundleImportReply* reply) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  absl::StatusOr<core::Bundle> bundle = ReadBundle(ctx, reader);
  absl::StatusOr<v1::BundleImportReply> result =
      bundle.ok() ? app::ImportBundle(*node_, *bundle) : bundle.status();
  if (!result.ok()) {
    app::Log("warn", "bundle_refused", {{"reason", std::string(result.status().message())}});
  }
  return Answer(std::move(result), reply);
}

grpc::Status AdminService::Reorganise(grpc::ServerContext* ctx, const v1::ReorganiseRequest* req,
                                      v1::ReorganiseReply* reply) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  absl::StatusOr<v1::ReorganiseReply> done = node_->Reorganise(*req);
  if (!done.ok()) return ToGrpc(done.status());
  *reply = *std::move(done);
  return grpc::Status::OK;
}

grpc::Status AdminService::Backup(grpc::ServerContext* ctx, const v1::BackupRequest* req,
                                  grpc::ServerWriter<v1::BackupProgress>* writer) {
  if (grpc::Status denied = Authorize(ctx); !denied.ok()) return denied;
  absl::StatusOr<v1::BackupProgress> done =
      app::BackupNode(*node_, req->dir(), [&](uint64_t bytes) {
        v1::BackupProgress p;
        p.set_bytes_copied(bytes);
        writer->Write(p);
      });
  if (!done.ok()) return ToGrpc(done.status());
  writer->Write(*done);
  return grpc::Status::OK;
}

}  // namespace council::transport
