// A node link driven by hand over the real Sync protocol (sync.proto), for
// tests that play a dishonest or hostile child: typed messages, or raw bytes
// a well-behaved serializer would never produce. Plaintext (the node under
// test runs --insecure). Every call is bounded by the deadline given.
#ifndef COUNCIL_TESTS_INTEGRATION_HAND_LINK_H_
#define COUNCIL_TESTS_INTEGRATION_HAND_LINK_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "council/v1/sync.pb.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/sync_stream.h"

namespace council::itest {

class HandLink {
 public:
  HandLink(const std::string& address, std::chrono::seconds deadline);
  ~HandLink();  // cancels the call
  HandLink(const HandLink&) = delete;
  HandLink& operator=(const HandLink&) = delete;

  bool WriteRaw(const std::string& bytes);
  bool Write(const v1::LinkMessage& msg);
  bool Read(v1::LinkMessage* msg);

  // Sends a district's Hello as `unit` under `parent`, its outbox for the
  // parent ending at `head`, and reads the parent's Hello.
  bool Hello(const std::string& unit, const std::string& parent, uint64_t head, v1::Hello* reply);

  // The message of a batch at outbox positions [first, first + n - 1].
  static v1::LinkMessage BatchOf(uint64_t first, const std::vector<v1::Record>& records);
  bool Send(uint64_t first, const std::vector<v1::Record>& records);

  // Reads until the parent acknowledges `through` (> 0) or `until()` holds
  // after a batch (true), acknowledging every batch it sends and keeping its
  // records; false when the stream ends first.
  bool ReadUntil(uint64_t through, const std::function<bool()>& until = nullptr);
  const std::vector<v1::Record>& received() const { return received_; }
  // Whether the call's deadline has passed: a read that returned false
  // before it means the parent ended the call. (Finish() is no witness: when
  // the server ends a call while a large client message is in flight, gRPC
  // 1.51 may close the read side without ever delivering a status.)
  bool Expired() const { return std::chrono::system_clock::now() >= deadline_; }

 private:
  std::chrono::system_clock::time_point deadline_;
  std::shared_ptr<grpc::Channel> channel_;
  grpc::internal::RpcMethod method_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> stream_;
  std::vector<v1::Record> received_;
};

// A report draft for 2023-YTD08 with `title` and `text` (14 petitions received).
v1::Record ReportDraft(const std::string& title, const std::string& text);

}  // namespace council::itest

#endif  // COUNCIL_TESTS_INTEGRATION_HAND_LINK_H_
