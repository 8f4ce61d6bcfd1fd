// gRPC adapter for council.v1.Admin: decodes, calls NodeService, encodes.
// Every call must carry the node's admin credential (metadata
// `authorization: Bearer <token>`, see node/app/admin_token.h); without it the
// answer is UNAUTHENTICATED "admin credential missing or wrong".
#ifndef COUNCIL_NODE_TRANSPORT_ADMIN_SERVICE_H_
#define COUNCIL_NODE_TRANSPORT_ADMIN_SERVICE_H_

#include <string>

#include "council/v1/admin.grpc.pb.h"
#include "node/app/node_service.h"

namespace council::transport {

class AdminService final : public v1::Admin::Service {
 public:
  // `node` must outlive this service; `token` is the admin credential.
  AdminService(app::NodeService* node, std::string token)
      : node_(node), token_(std::move(token)) {}

  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*, v1::StatusReply*) override;
  grpc::Status Units(grpc::ServerContext*, const v1::UnitsRequest*, v1::UnitsReply*) override;
  grpc::Status Put(grpc::ServerContext*, const v1::PutRequest*, v1::PutReply*) override;
  grpc::Status Consolidate(grpc::ServerContext*, const v1::ConsolidateRequest*,
                           v1::ConsolidateReply*) override;
  grpc::Status Missing(grpc::ServerContext*, const v1::MissingRequest*, v1::MissingReply*) override;
  grpc::Status Track(grpc::ServerContext*, const v1::TrackRequest*, v1::TrackReply*) override;
  grpc::Status Petitions(grpc::ServerContext*, const v1::PetitionsRequest*,
                         v1::PetitionsReply*) override;
  grpc::Status Search(grpc::ServerContext*, const v1::SearchRequest*, v1::SearchReply*) override;
  grpc::Status Import(grpc::ServerContext*, const v1::ImportRequest*, v1::ImportReply*) override;
  grpc::Status Get(grpc::ServerContext*, const v1::GetRequest*, v1::Record*) override;
  grpc::Status List(grpc::ServerContext*, const v1::ListRequest*, v1::ListReply*) override;
  grpc::Status Export(grpc::ServerContext*, const v1::ExportRequest*,
                      grpc::ServerWriter<v1::Record>*) override;
  grpc::Status BundleExport(grpc::ServerContext*, const v1::BundleExportRequest*,
                            grpc::ServerWriter<v1::BundleChunk>*) override;
  grpc::Status BundleImport(grpc::ServerContext*, grpc::ServerReader<v1::BundleChunk>*,
                            v1::BundleImportReply*) override;
  grpc::Status Backup(grpc::ServerContext*, const v1::BackupRequest*,
                      grpc::ServerWriter<v1::BackupProgress>*) override;
  grpc::Status Reorganise(grpc::ServerContext*, const v1::ReorganiseRequest*,
                          v1::ReorganiseReply*) override;

 private:
  // The one admission check, first thing in every handler: OK iff the call
  // carries the admin credential.
  grpc::Status Authorize(const grpc::ServerContext* ctx) const;

  app::NodeService* node_;
  const std::string token_;
};

}  // namespace council::transport

#endif  // COUNCIL_NODE_TRANSPORT_ADMIN_SERVICE_H_
