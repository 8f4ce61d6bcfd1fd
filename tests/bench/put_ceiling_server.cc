// council_put_ceiling: the least a signed, durable Put can cost through the
// Admin API on this machine, served the way councild serves it — the same
// gRPC server settings (transport::StartServer), the same RocksDB options
// (store::RocksDb) on the disk under test — but with nothing else: each Put
// is numbered, signed (Ed25519, the node's signer), encoded and written as
// one synced row, concurrent Puts grouped by RocksDB's own group commit; no
// validation, credentials, chain, routing or index rows, and no order kept
// between concurrent writes (which a node's log must keep). No Put through
// this stack can cost less; council_bench measures it beside councild's.
//
//   council_put_ceiling --data DIR     (prints "listening on HOST:PORT")
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "council/v1/admin.grpc.pb.h"
#include "node/app/command_line.h"
#include "node/core/ids.h"
#include "node/core/serialize.h"
#include "node/core/signing.h"
#include "node/crypto/ed25519.h"
#include "node/store/keys.h"
#include "node/store/rocks_db.h"
#include "node/transport/server.h"
#include "rocksdb/write_batch.h"

ABSL_FLAG(std::string, data, "", "directory for the RocksDB database (created if missing)");
ABSL_FLAG(std::string, listen, "127.0.0.1:0", "admin address to serve (port 0 picks a free one)");

namespace council::bench {
namespace {

constexpr char kOrigin[] = "99999";

class CeilingAdmin final : public v1::Admin::Service {
 public:
  CeilingAdmin(store::RocksDb* db, const core::Signer* signer) : db_(db), signer_(signer) {}

  grpc::Status Put(grpc::ServerContext*, const v1::PutRequest* req, v1::PutReply* reply) override {
    v1::Record* rec = reply->mutable_record();
    *rec = req->record();
    const uint64_t seq = next_seq_.fetch_add(1) + 1;
    rec->set_id(core::MakeRecordId(kOrigin, seq));
    rec->set_origin(kOrigin);
    rec->set_seq(seq);
    core::SignRecord(*rec, *signer_);
    rocksdb::WriteBatch batch;
    db_->Put(&batch, store::keys::Log(kOrigin, seq), core::CanonicalBytes(*rec));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    rocksdb::Status s = db_->Write(wo, &batch);
    if (!s.ok()) return grpc::Status(grpc::StatusCode::UNAVAILABLE, s.ToString());
    return grpc::Status::OK;
  }

 private:
  store::RocksDb* const db_;
  const core::Signer* const signer_;
  std::atomic<uint64_t> next_seq_{0};
};

int Main() {
  app::SetProcessDefaults();  // as councild
  const std::string dir = absl::GetFlag(FLAGS_data);
  if (dir.empty()) {
    fprintf(stderr, "council_put_ceiling: --data DIR is required\n");
    return 2;
  }
  std::unique_ptr<store::RocksDb> db;
  if (rocksdb::Status s = store::RocksDb::Open(dir, &db); !s.ok()) {
    fprintf(stderr, "council_put_ceiling: cannot open %s: %s\n", dir.c_str(), s.ToString().c_str());
    return 1;
  }
  absl::StatusOr<std::unique_ptr<crypto::Ed25519Signer>> signer = crypto::Ed25519Signer::Generate();
  if (!signer.ok()) {
    fprintf(stderr, "council_put_ceiling: %s\n", signer.status().ToString().c_str());
    return 1;
  }
  CeilingAdmin admin(db.get(), signer->get());
  absl::StatusOr<transport::RunningServer> server =
      transport::StartServer(absl::GetFlag(FLAGS_listen), {&admin}, nullptr);
  if (!server.ok()) {
    fprintf(stderr, "council_put_ceiling: %s\n", server.status().ToString().c_str());
    return 1;
  }
  printf("listening on %s\n", server->address.c_str());
  fflush(stdout);
  server->server->Wait();  // until killed: the driver stops it
  return 0;
}

}  // namespace
}  // namespace council::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "the Put ceiling's server, run by council_bench: council_put_ceiling --data DIR "
      "[--listen 127.0.0.1:0]; prints \"listening on HOST:PORT\" and serves until killed");
  absl::ParseCommandLine(argc, argv);
  return council::bench::Main();
}
