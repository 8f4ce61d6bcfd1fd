#include "tests/bench/admin_client.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "tests/bench/bench_records.h"

namespace council::bench {
namespace {

absl::Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

}  // namespace

AdminClient::AdminClient(std::shared_ptr<grpc::Channel> channel, std::string token)
    : channel_(std::move(channel)), stub_(v1::Admin::NewStub(channel_)), token_(std::move(token)) {}

absl::StatusOr<std::unique_ptr<AdminClient>> AdminClient::Connect(const std::string& address,
                                                                  const std::string& token_file) {
  std::ifstream in(token_file);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read admin token ", token_file));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string token(absl::StripAsciiWhitespace(ss.str()));
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  // Channels with equal arguments share one connection; each client here
  // stands for one operator's client, so each gets its own.
  static std::atomic<int> next_id{0};
  args.SetInt("council.bench.client", next_id++);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    return absl::UnavailableError(absl::StrCat("cannot reach node at ", address));
  }
  return std::unique_ptr<AdminClient>(new AdminClient(std::move(channel), std::move(token)));
}

void AdminClient::Prepare(grpc::ClientContext* context, std::chrono::milliseconds timeout) const {
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  context->AddMetadata("authorization", "Bearer " + token_);
}

template <typename Request, typename Reply>
absl::StatusOr<Reply> AdminClient::Call(
    grpc::Status (v1::Admin::Stub::*method)(grpc::ClientContext*, const Request&, Reply*),
    const Request& request, std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  Prepare(&context, timeout);
  Reply reply;
  absl::Status s = FromGrpc((stub_.get()->*method)(&context, request, &reply));
  if (!s.ok()) return s;
  return reply;
}

absl::StatusOr<v1::StatusReply> AdminClient::Status(std::chrono::milliseconds timeout) {
  return Call(&v1::Admin::Stub::Status, v1::StatusRequest(), timeout);
}

absl::StatusOr<v1::Record> AdminClient::Put(const v1::Record& record,
                                            std::chrono::milliseconds timeout) {
  v1::PutRequest req;
  *req.mutable_record() = record;
  absl::StatusOr<v1::PutReply> reply = Call(&v1::Admin::Stub::Put, req, timeout);
  if (!reply.ok()) return reply.status();
  return std::move(*reply->mutable_record());
}

absl::StatusOr<v1::ImportReply> AdminClient::Import(const v1::ImportRequest& request,
                                                    std::chrono::milliseconds timeout) {
  return Call(&v1::Admin::Stub::Import, request, timeout);
}

absl::StatusOr<v1::Record> AdminClient::Get(const std::string& id,
                                            std::chrono::milliseconds timeout) {
  v1::GetRequest req;
  req.set_id(id);
  return Call(&v1::Admin::Stub::Get, req, timeout);
}

absl::StatusOr<double> ImportReports(AdminClient& admin, uint64_t first, uint64_t count,
                                     size_t batch, int threads) {
  std::atomic<uint64_t> next{0};
  std::mutex mu;
  absl::Status failed;
  const uint64_t batches = (count + batch - 1) / batch;
  const auto start = std::chrono::steady_clock::now();
  auto work = [&] {
    for (uint64_t b; (b = next++) < batches;) {
      v1::ImportRequest req;
      for (uint64_t i = b * batch; i < std::min(count, (b + 1) * batch); ++i) {
        *req.add_records() = ReportDraft(first + i);
      }
      absl::StatusOr<v1::ImportReply> reply = admin.Import(req);
      if (!reply.ok() || reply->created() != static_cast<uint64_t>(req.records_size())) {
        std::lock_guard<std::mutex> lock(mu);
        if (failed.ok()) {
          failed = reply.ok() ? absl::InternalError("Import created fewer records than sent")
                              : reply.status();
        }
        next = batches;
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  for (std::thread& t : pool) t.join();
  if (!failed.ok()) return failed;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

uint64_t CountOf(const v1::StatusReply& status, const std::string& kind) {
  for (const v1::KindCount& c : status.counts()) {
    if (c.kind() == kind) return c.count();
  }
  return 0;
}

}  // namespace council::bench
