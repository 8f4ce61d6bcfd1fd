// A minimal Admin API client for the benchmark driver: one gRPC channel
// (its own TCP connection) to one node, the node's admin token on every
// call, every call bounded by a deadline. gRPC statuses become
// absl::Status with the same code and message.
//
// Thread safety: calls may be made concurrently on one AdminClient.
#ifndef COUNCIL_TESTS_BENCH_ADMIN_CLIENT_H_
#define COUNCIL_TESTS_BENCH_ADMIN_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "council/v1/admin.grpc.pb.h"

namespace council::bench {

class AdminClient {
 public:
  // `address` is the node's admin HOST:PORT, `token_file` its admin.token.
  // Connects (bounded by 10 s); UNAVAILABLE if the node cannot be reached,
  // NOT_FOUND if the token cannot be read.
  static absl::StatusOr<std::unique_ptr<AdminClient>> Connect(const std::string& address,
                                                              const std::string& token_file);

  // Each call fails with DEADLINE_EXCEEDED after `timeout`.
  absl::StatusOr<v1::StatusReply> Status(std::chrono::milliseconds timeout = kCallTimeout);
  absl::StatusOr<v1::Record> Put(const v1::Record& record,
                                 std::chrono::milliseconds timeout = kCallTimeout);
  absl::StatusOr<v1::ImportReply> Import(const v1::ImportRequest& request,
                                         std::chrono::milliseconds timeout = kImportTimeout);
  // NOT_FOUND if the node does not hold the record.
  absl::StatusOr<v1::Record> Get(const std::string& id,
                                 std::chrono::milliseconds timeout = kCallTimeout);

  static constexpr std::chrono::milliseconds kCallTimeout{10000};
  static constexpr std::chrono::milliseconds kImportTimeout{120000};

 private:
  AdminClient(std::shared_ptr<grpc::Channel> channel, std::string token);
  void Prepare(grpc::ClientContext* context, std::chrono::milliseconds timeout) const;
  // One unary call with the credential and `timeout`.
  template <typename Request, typename Reply>
  absl::StatusOr<Reply> Call(
      grpc::Status (v1::Admin::Stub::*method)(grpc::ClientContext*, const Request&, Reply*),
      const Request& request, std::chrono::milliseconds timeout);

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Admin::Stub> stub_;
  const std::string token_;
};

// Imports reports first..first+count-1 (bench_records' ReportDraft, as
// drafts: the node creates, signs and indexes them) in calls of `batch`,
// from `threads` concurrent callers. Seconds taken; the first error.
absl::StatusOr<double> ImportReports(AdminClient& admin, uint64_t first, uint64_t count,
                                     size_t batch, int threads);

// Current records of `kind` in a Status reply (0 if none).
uint64_t CountOf(const v1::StatusReply& status, const std::string& kind);

}  // namespace council::bench

#endif  // COUNCIL_TESTS_BENCH_ADMIN_CLIENT_H_
