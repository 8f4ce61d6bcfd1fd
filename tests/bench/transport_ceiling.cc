#include "tests/bench/transport_ceiling.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <openssl/sha.h>

#include "absl/strings/str_cat.h"
#include "council/v1/sync.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "node/core/serialize.h"
#include "node/core/status_macros.h"
#include "node/transport/channel_args.h"
#include "node/transport/link_session.h"
#include "node/transport/server.h"
#include "node/transport/tls.h"
#include "tests/bench/bench_records.h"
#include "tests/bench/raw_ingest.h"
#include "tests/integration/harness.h"

namespace council::bench {
namespace {

using transport::LinkSession;

constexpr size_t kDistinctRecords = 1024;
constexpr auto kCallBound = std::chrono::seconds(600);

// The receiving end: parses and hashes each record of each batch, and
// acknowledges as a link does (every kAckEvery batches, and at once when a
// batch reaches the sender's head). Counts what it took in.
class Sink final : public v1::Sync::Service {
 public:
  grpc::Status Link(grpc::ServerContext*,
                    grpc::ServerReaderWriter<v1::LinkMessage, v1::LinkMessage>* stream) override {
    v1::LinkMessage in;
    size_t unacked = 0;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    while (stream->Read(&in)) {
      if (!in.has_batch()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "not a batch");
      const v1::Batch& batch = in.batch();
      for (const std::string& bytes : batch.records()) {
        v1::Record rec;
        if (!rec.ParseFromString(bytes)) {
          return grpc::Status(grpc::StatusCode::DATA_LOSS, "a record did not parse");
        }
        SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
        checksum_ += digest[0] + rec.seq();
        ++records_;
      }
      if (++unacked >= LinkSession::kAckEvery || batch.last() == batch.head()) {
        v1::LinkMessage ack;
        ack.mutable_ack()->set_through(batch.last());
        if (!stream->Write(ack)) break;
        unacked = 0;
      }
    }
    return grpc::Status::OK;
  }
  uint64_t records() const { return records_; }
  uint64_t checksum() const { return checksum_; }

 private:
  uint64_t records_ = 0;  // one call at a time: read after the call ends
  uint64_t checksum_ = 0;
};

absl::StatusOr<transport::TlsFiles> Tls(const std::string& pki_dir, const std::string& unit) {
  ASSIGN_OR_RETURN(itest::TlsPaths paths, itest::MakePki(pki_dir, unit));
  return transport::LoadTlsFiles(paths.ca, paths.cert, paths.key);
}

// The sending end: writes the batches within the link's window, reading
// acknowledgements on a second thread, until all are acknowledged.
absl::Status Stream(v1::Sync::Stub& stub, const std::vector<std::string>& records, uint64_t count,
                    double* building_cpu) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + kCallBound);
  auto stream = stub.Link(&ctx);
  std::mutex mu;
  std::condition_variable cv;
  uint64_t acked = 0;
  bool reader_done = false;
  std::string bad_ack;
  std::thread reader([&] {
    v1::LinkMessage m;
    while (stream->Read(&m)) {
      std::lock_guard<std::mutex> lock(mu);
      if (!m.has_ack() || m.ack().through() <= acked || m.ack().through() > count) {
        bad_ack = m.ShortDebugString();
        break;
      }
      acked = m.ack().through();
      cv.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu);
    reader_done = true;
    cv.notify_all();
  });
  const uint64_t window = LinkSession::kMaxInFlight * LinkSession::kMaxBatchRecords;
  bool written = true;
  for (uint64_t next = 1; next <= count && written;) {
    const double build_start = ThreadCpuSeconds();
    v1::LinkMessage msg;
    v1::Batch* batch = msg.mutable_batch();
    const uint64_t last = std::min<uint64_t>(count, next + LinkSession::kMaxBatchRecords - 1);
    batch->set_first(next);
    batch->set_last(last);
    batch->set_head(count);
    for (uint64_t pos = next; pos <= last; ++pos) batch->add_records(records[pos % records.size()]);
    *building_cpu += ThreadCpuSeconds() - build_start;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return reader_done || last - acked <= window; });
      if (reader_done) break;
    }
    written = stream->Write(msg);
    next = last + 1;
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return reader_done || acked == count; });
  }
  stream->WritesDone();
  reader.join();
  grpc::Status status = stream->Finish();
  if (!bad_ack.empty()) return absl::InternalError("transport ceiling: unexpected reply " + bad_ack);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("transport ceiling: the call ended with ",
                                            status.error_message()));
  }
  if (acked != count) {
    return absl::InternalError(
        absl::StrCat("transport ceiling: acknowledged through ", acked, " of ", count));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TransportResult> TransportCeiling(const std::string& pki_dir,
                                                 const std::string& parent,
                                                 const std::string& child, uint64_t count) {
  ASSIGN_OR_RETURN(transport::TlsFiles server_tls, Tls(pki_dir, parent));
  ASSIGN_OR_RETURN(transport::TlsFiles client_tls, Tls(pki_dir, child));
  std::vector<std::string> records;
  for (uint64_t seq = 1; seq <= kDistinctRecords; ++seq) {
    records.push_back(core::CanonicalBytes(StoredReport(child, seq)));
  }
  Sink sink;
  ASSIGN_OR_RETURN(transport::RunningServer server,
                   transport::StartServer("127.0.0.1:0", {&sink},
                                          transport::LinkServerCredentials(&server_tls)));
  auto stub = v1::Sync::NewStub(grpc::CreateCustomChannel(
      server.address, transport::LinkChannelCredentials(&client_tls), transport::LinkChannelArgs()));

  TransportResult result;
  double building = 0;
  const double cpu = ProcessCpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  absl::Status streamed = Stream(*stub, records, count, &building);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.cpu_seconds = ProcessCpuSeconds() - cpu - building;
  server.server->Shutdown();
  RETURN_IF_ERROR(streamed);
  if (sink.records() != count || sink.checksum() == 0) {
    return absl::InternalError(absl::StrCat("transport ceiling: the receiver parsed ",
                                            sink.records(), " of ", count, " records"));
  }
  result.records = count;
  return result;
}

}  // namespace council::bench
