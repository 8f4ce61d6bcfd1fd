// council_sync_ceiling: the least a parent can spend taking in a child's
// log on this machine. It serves Sync.Link to a real councild child the way
// a province does — the link's mutual TLS and gRPC settings, its hello,
// batches and acknowledgements — and does for each record only what any
// receiver of signed records must: parse it (protobuf, with its UTF-8
// checks), check it (core::ValidateComplete), hash it (SHA-256) and check
// the hash chain, verify one signature per origin's run in a batch, and
// write it durably — with --rows log one row (its log entry) plus each
// batch's origin heads and inbound cursor; with --rows store the rows the
// province's store writes for it (hub_rows.h). Each batch is one synced
// WriteBatch, written while the next is parsed, and acknowledged once
// durable. No apply rules, routing, staging or search index. It serves one
// link, until it has acknowledged the child's outbox head as of the
// child's hello, then prints one line and exits:
//
//   sync_ceiling records=N seconds=S cpu_seconds=C
//
// S and C (this process, all threads) run from the child's hello to the
// last acknowledgement. council_bench runs it in place of the province.
#include <openssl/sha.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "council/v1/sync.grpc.pb.h"
#include "node/app/command_line.h"
#include "node/core/signing.h"
#include "node/core/status_macros.h"
#include "node/core/unit_tree.h"
#include "node/core/validate.h"
#include "node/crypto/key_verifier.h"
#include "node/transport/link_session.h"
#include "node/transport/server.h"
#include "node/transport/tls.h"
#include "tests/bench/hub_rows.h"
#include "tests/bench/raw_ingest.h"

ABSL_FLAG(std::string, data, "", "directory for the RocksDB database (created if missing)");
ABSL_FLAG(std::string, listen, "127.0.0.1:0", "link address to serve (the parent's, for the child)");
ABSL_FLAG(std::string, unit, "51", "the unit this parent answers for (its certificate's)");
ABSL_FLAG(std::string, tls_ca, "", "CA certificate (PEM) of the link's mutual TLS");
ABSL_FLAG(std::string, tls_cert, "", "this unit's certificate (PEM)");
ABSL_FLAG(std::string, tls_key, "", "this unit's private key (PEM)");
ABSL_FLAG(std::string, rows, "store", "what is written per record: log (its log entry) or store "
          "(the rows the province's store writes)");

namespace council::bench {
namespace {

using transport::LinkSession;

// A batch parsed and checked, its rows ready, waiting to be written.
struct Staged {
  Rows rows;
  uint64_t last = 0;
  uint64_t records = 0;
};

class CeilingSync final : public v1::Sync::Service {
 public:
  CeilingSync(RawDb* db, const core::KeyVerifier* verifier, std::string unit, bool store_rows)
      : db_(db), verifier_(verifier), unit_(std::move(unit)), store_rows_(store_rows) {}

  // The figures once the link's outbox head is acknowledged; an error if
  // the link failed first.
  std::future<absl::StatusOr<std::string>> Done() { return done_.get_future(); }

  grpc::Status Link(grpc::ServerContext*,
                    grpc::ServerReaderWriter<v1::LinkMessage, v1::LinkMessage>* stream) override {
    if (linked_.exchange(true)) {  // its figures are of one link, from a fresh store
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "the sync ceiling serves one link");
    }
    absl::Status s = Serve(stream);
    if (!s.ok()) {
      Finish(s);
      return grpc::Status(grpc::StatusCode::ABORTED, std::string(s.message()));
    }
    return grpc::Status::OK;
  }

 private:
  absl::Status Serve(grpc::ServerReaderWriter<v1::LinkMessage, v1::LinkMessage>* stream) {
    v1::LinkMessage in;
    if (!stream->Read(&in) || !in.has_hello()) return absl::InvalidArgumentError("no hello");
    const std::string peer = in.hello().unit();
    const uint64_t head = in.hello().head();
    const double cpu = ProcessCpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    v1::LinkMessage hello;
    v1::Hello* h = hello.mutable_hello();
    h->set_protocol(1);
    h->set_unit(unit_);
    h->set_level(v1::LEVEL_PROVINCE);
    h->set_name(absl::StrCat("sync ceiling ", unit_));
    if (!stream->Write(hello)) return absl::UnavailableError("the child went away after its hello");
    std::thread committer([&] { Commit(stream, head); });
    absl::Status read = head == 0 ? absl::OkStatus() : Read(stream, peer, head);
    {
      std::lock_guard<std::mutex> lock(mu_);
      reading_done_ = true;
      if (!read.ok() && error_.ok()) error_ = read;
    }
    cv_.notify_all();
    committer.join();
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(error_);
    if (acked_ != head) {
      return absl::DataLossError(absl::StrCat("acknowledged through ", acked_, " of ", head));
    }
    Finish(absl::StrCat("sync_ceiling records=", records_, " seconds=",
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                        " cpu_seconds=", ProcessCpuSeconds() - cpu));
    return absl::OkStatus();
  }

  // Reads, parses and checks batches until the child's head is staged.
  absl::Status Read(grpc::ServerReaderWriter<v1::LinkMessage, v1::LinkMessage>* stream,
                    const std::string& peer, uint64_t head) {
    v1::LinkMessage in;
    uint64_t cursor = 0;
    while (stream->Read(&in)) {
      if (!in.has_batch() || in.batch().own_log()) continue;
      const v1::Batch& batch = in.batch();
      if (batch.first() != cursor + 1 || batch.last() < batch.first()) {
        return absl::DataLossError(absl::StrCat("batch [", batch.first(), ", ", batch.last(),
                                                "] after ", cursor));
      }
      Staged staged;
      ASSIGN_OR_RETURN(staged.records, StageBatch(*in.mutable_batch(), &staged.rows));
      cursor = staged.last = batch.last();
      hub_.EndBatch(peer, cursor, &staged.rows);
      {
        std::unique_lock<std::mutex> lock(mu_);
        // One batch written while the next waits: two deep, as a node.
        cv_.wait(lock, [&] { return queue_.empty() || !error_.ok(); });
        if (!error_.ok()) return absl::OkStatus();
        queue_.push_back(std::move(staged));
      }
      cv_.notify_all();
      if (cursor >= head) return absl::OkStatus();
    }
    return absl::UnavailableError("the child closed the link before its head");
  }

  absl::StatusOr<uint64_t> StageBatch(v1::Batch& batch, Rows* rows) {
    std::map<std::string, const v1::Record*> run_ends;  // origin -> its last version here
    records_in_batch_.resize(batch.records_size());
    unsigned char digest[SHA256_DIGEST_LENGTH];
    for (int i = 0; i < batch.records_size(); ++i) {
      std::string& bytes = *batch.mutable_records(i);
      v1::Record& rec = records_in_batch_[i];
      if (!rec.ParseFromString(bytes)) return absl::DataLossError("a record did not parse");
      RETURN_IF_ERROR(core::ValidateComplete(rec, core::Utf8::kCheckedByParser));
      SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
      std::string& prev = chain_[rec.origin()];
      if (rec.chain_prev() != prev) {
        return absl::DataLossError(absl::StrCat("record ", rec.id(), " breaks its origin's chain"));
      }
      prev.assign(reinterpret_cast<const char*>(digest), sizeof digest);
      if (rec.has_unit()) tree_.Upsert(rec);
      run_ends[rec.origin()] = &rec;
      hub_.AddLogEntry(rec, std::move(bytes), prev, rows);
      if (store_rows_) hub_.AddDerived(rec, rows);
    }
    // The chain vouches for every version before the last of each run.
    for (const auto& [origin, rec] : run_ends) {
      RETURN_IF_ERROR(core::CheckOrigin(*rec, tree_, *verifier_));
    }
    return batch.records_size();
  }

  // Writes the staged batches, each synced, and acknowledges as a link
  // does: every kAckEvery batches, and at once at the child's head.
  void Commit(grpc::ServerReaderWriter<v1::LinkMessage, v1::LinkMessage>* stream, uint64_t head) {
    size_t unacked = 0;
    uint64_t durable = 0;
    while (durable < head) {
      Staged staged;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !queue_.empty() || reading_done_ || !error_.ok(); });
        if (queue_.empty() || !error_.ok()) return;
        staged = std::move(queue_.front());
        queue_.pop_front();
      }
      cv_.notify_all();
      absl::Status s = db_->Write(staged.rows, /*sync=*/true);
      std::lock_guard<std::mutex> lock(mu_);
      if (!s.ok()) {
        error_ = s;
        return;
      }
      durable = staged.last;
      records_ += staged.records;
      if (++unacked >= LinkSession::kAckEvery || durable >= head) {
        v1::LinkMessage ack;
        ack.mutable_ack()->set_through(durable);
        if (!stream->Write(ack)) {
          error_ = absl::UnavailableError("the child went away before an acknowledgement");
          return;
        }
        acked_ = durable;
        unacked = 0;
      }
    }
  }

  void Finish(absl::StatusOr<std::string> result) {
    std::lock_guard<std::mutex> lock(done_mu_);
    if (finished_) return;
    finished_ = true;
    done_.set_value(std::move(result));
  }

  RawDb* const db_;
  const core::KeyVerifier* const verifier_;
  const std::string unit_;
  const bool store_rows_;
  std::atomic<bool> linked_{false};
  // The reading thread's.
  HubRows hub_;
  core::UnitTree tree_;
  std::map<std::string, std::string> chain_;  // origin -> digest of its last version
  std::vector<v1::Record> records_in_batch_;  // reused: parsed into, as a link does
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Staged> queue_;   // guarded by mu_
  bool reading_done_ = false;  // guarded by mu_
  absl::Status error_;         // guarded by mu_
  uint64_t acked_ = 0;         // guarded by mu_
  uint64_t records_ = 0;       // guarded by mu_
  std::mutex done_mu_;
  bool finished_ = false;  // guarded by done_mu_
  std::promise<absl::StatusOr<std::string>> done_;
};

int Main() {
  app::SetProcessDefaults();  // as councild
  const std::string dir = absl::GetFlag(FLAGS_data);
  const std::string rows = absl::GetFlag(FLAGS_rows);
  if (dir.empty() || (rows != "log" && rows != "store")) {
    fprintf(stderr, "council_sync_ceiling: --data DIR is required, and --rows is log or store\n");
    return 2;
  }
  absl::StatusOr<transport::TlsFiles> tls = transport::LoadTlsFiles(
      absl::GetFlag(FLAGS_tls_ca), absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key));
  absl::StatusOr<std::unique_ptr<crypto::Ed25519Verifier>> verifier = crypto::Ed25519Verifier::Create("");
  absl::StatusOr<std::unique_ptr<RawDb>> db = RawDb::Open(dir);  // the node's RocksDB options
  for (const absl::Status& s : {tls.status(), verifier.status(), db.status()}) {
    if (!s.ok()) {
      fprintf(stderr, "council_sync_ceiling: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  CeilingSync sync(db->get(), verifier->get(), absl::GetFlag(FLAGS_unit), rows == "store");
  std::future<absl::StatusOr<std::string>> done = sync.Done();
  absl::StatusOr<transport::RunningServer> server = transport::StartServer(
      absl::GetFlag(FLAGS_listen), {&sync}, transport::LinkServerCredentials(&*tls));
  if (!server.ok()) {
    fprintf(stderr, "council_sync_ceiling: %s\n", server.status().ToString().c_str());
    return 1;
  }
  printf("listening on %s\n", server->address.c_str());
  fflush(stdout);
  absl::StatusOr<std::string> result = done.get();  // the driver kills it if it never comes
  server->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (!result.ok()) {
    fprintf(stderr, "council_sync_ceiling: %s\n", result.status().ToString().c_str());
    return 1;
  }
  printf("%s\n", result->c_str());
  return 0;
}

}  // namespace
}  // namespace council::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "the sync ceiling's receiver, run by council_bench in place of a province: "
      "council_sync_ceiling --data DIR --tls_ca F --tls_cert F --tls_key F [--unit 51] "
      "[--rows log|store] [--listen 127.0.0.1:0]; prints \"listening on HOST:PORT\", serves one "
      "child's link until its outbox head is durable and acknowledged, then prints its figures");
  absl::ParseCommandLine(argc, argv);
  return council::bench::Main();
}
