#include "client/connection.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "council/v1/admin.grpc.pb.h"
#include "client/credential.h"
#include "grpcpp/grpcpp.h"
#include "node/core/status_macros.h"

namespace council::client {
namespace {

using Clock = std::chrono::system_clock;
constexpr std::chrono::seconds kConnectTimeout(5);
constexpr std::chrono::seconds kCallTimeout(10);

// Cancels `context` when a Read() has been waiting for longer than `timeout`.
// Time the caller spends between reads does not count.
class IdleWatchdog {
 public:
  IdleWatchdog(grpc::ClientContext* context, std::chrono::milliseconds timeout)
      : context_(context), timeout_(timeout), thread_([this] { Run(); }) {}
  ~IdleWatchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

  void Arm() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      deadline_ = Clock::now() + timeout_;
    }
    cv_.notify_one();
  }
  void Disarm() {
    std::lock_guard<std::mutex> lock(mu_);
    deadline_.reset();
  }
  bool fired() {
    std::lock_guard<std::mutex> lock(mu_);
    return fired_;
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      if (!deadline_) {
        cv_.wait(lock);
      } else if (Clock::now() >= *deadline_) {
        fired_ = true;
        deadline_.reset();
        context_->TryCancel();
      } else {
        cv_.wait_until(lock, *deadline_);
      }
    }
  }

  grpc::ClientContext* const context_;
  const std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Clock::time_point> deadline_;
  bool stop_ = false;
  bool fired_ = false;
  std::thread thread_;  // last: starts once the fields above exist
};

}  // namespace

class Connection::Impl {
 public:
  Impl(std::string address, std::string token_file)
      : address_(std::move(address)), token_file_(std::move(token_file)) {}

  const std::string& address() const { return address_; }

  void set_deadline(Clock::time_point deadline) { deadline_ = deadline; }

  // `now + timeout`, but no later than the connection's deadline.
  Clock::time_point Bounded(Clock::duration timeout) const {
    Clock::time_point t = Clock::now() + timeout;
    return deadline_ && *deadline_ < t ? *deadline_ : t;
  }

  // Creates the channel and waits up to 5 s for it to connect. A refused or
  // failed connection returns OK at once: the next call then fails fast with
  // gRPC's reason, which ToStatus() reports.
  absl::StatusOr<v1::Admin::Stub*> Stub() {
    if (stub_ != nullptr) return stub_.get();
    if (!token_) {
      ASSIGN_OR_RETURN(std::string token, FindAdminToken(token_file_));
      token_ = std::move(token);
    }
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);  // a List page may exceed 4 MB
    channel_ = grpc::CreateCustomChannel(
        address_, grpc::InsecureChannelCredentials(), args);
    auto deadline = Bounded(kConnectTimeout);
    grpc_connectivity_state state = channel_->GetState(/*try_to_connect=*/true);
    while (state == GRPC_CHANNEL_IDLE || state == GRPC_CHANNEL_CONNECTING) {
      if (!channel_->WaitForStateChange(state, deadline)) {
        if (deadline_ && deadline == *deadline_) {
          return absl::UnavailableError(absl::StrCat(
              "cannot reach node at ", address_, ": no connection in time"));
        }
        return absl::UnavailableError(absl::StrCat(
            "cannot reach node at ", address_, ": no connection after ",
            kConnectTimeout.count(), " s"));
      }
      state = channel_->GetState(/*try_to_connect=*/true);
    }
    connected_ = state == GRPC_CHANNEL_READY;
    stub_ = v1::Admin::NewStub(channel_);
    return stub_.get();
  }

  // The one place where a gRPC status becomes an absl::Status.
  absl::Status ToStatus(const grpc::Status& status) const {
    if (status.ok()) return absl::OkStatus();
    std::string message = absl::StrReplaceAll(status.error_message(), {{"\n", " "}});
    auto code = static_cast<absl::StatusCode>(status.error_code());
    if (code == absl::StatusCode::kUnauthenticated) {
      return absl::UnauthenticatedError(
          "the node refused the admin credential: use --token-file <data-dir>/admin.token "
          "or set COUNCIL_TOKEN_FILE");
    }
    bool unreachable = code == absl::StatusCode::kUnavailable ||
                       code == absl::StatusCode::kDeadlineExceeded;
    if (!connected_ && unreachable) {
      return absl::UnavailableError(
          absl::StrCat("cannot reach node at ", address_, ": ", message));
    }
    if (code == absl::StatusCode::kUnavailable) {
      message = absl::StrCat("node at ", address_, " is unavailable: ", message);
    } else if (code == absl::StatusCode::kCancelled) {
      // councilctl cancels no unary call: the node did (it is shutting down).
      message = absl::StrCat("node at ", address_, " cancelled the call: ", message);
    } else if (code == absl::StatusCode::kDeadlineExceeded && deadline_ &&
               Clock::now() >= *deadline_) {
      message = absl::StrCat("node at ", address_, " did not answer in time");
    } else if (code == absl::StatusCode::kDeadlineExceeded) {
      message = absl::StrCat("node at ", address_, " did not answer within ",
                             kCallTimeout.count(), " s");
    } else if (message.empty()) {
      message = absl::StrCat("node at ", address_, " failed: ",
                             absl::StatusCodeToString(code));
    }
    return absl::Status(code, message);
  }

  // The call deadline and the admin credential.
  void SetDeadline(grpc::ClientContext* context) const {
    context->set_deadline(Bounded(kCallTimeout));
    AddCredential(context);
  }

  // A stream has no overall deadline of its own, only set_deadline()'s.
  void SetStreamDeadline(grpc::ClientContext* context) const {
    if (deadline_) context->set_deadline(*deadline_);
    AddCredential(context);
  }

  // REQUIRES: Stub() succeeded (it finds the token).
  void AddCredential(grpc::ClientContext* context) const {
    if (token_ && !token_->empty()) context->AddMetadata("authorization", "Bearer " + *token_);
  }

  // A unary call with the call deadline.
  template <typename Request, typename Reply, typename Method>
  absl::StatusOr<Reply> Call(Method method, const Request& request) {
    ASSIGN_OR_RETURN(v1::Admin::Stub * stub, Stub());
    grpc::ClientContext context;
    SetDeadline(&context);
    Reply reply;
    RETURN_IF_ERROR(ToStatus((stub->*method)(&context, request, &reply)));
    return reply;
  }

 private:
  const std::string address_;
  const std::string token_file_;
  std::optional<std::string> token_;  // found by the first Stub()
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Admin::Stub> stub_;
  bool connected_ = false;  // the channel became READY
  std::optional<Clock::time_point> deadline_;  // set_deadline()
};

Connection::Connection(std::string address, std::string token_file)
    : impl_(std::make_unique<Impl>(std::move(address), std::move(token_file))) {}

Connection::~Connection() = default;

const std::string& Connection::address() const { return impl_->address(); }

void Connection::set_deadline(std::chrono::system_clock::time_point deadline) {
  impl_->set_deadline(deadline);
}

absl::StatusOr<v1::StatusReply> Connection::Status() {
  return impl_->Call<v1::StatusRequest, v1::StatusReply>(
      &v1::Admin::Stub::Status, v1::StatusRequest());
}

absl::StatusOr<v1::UnitsReply> Connection::Units() {
  return impl_->Call<v1::UnitsRequest, v1::UnitsReply>(
      &v1::Admin::Stub::Units, v1::UnitsRequest());
}

absl::StatusOr<v1::Record> Connection::Put(const v1::Record& record) {
  v1::PutRequest request;
  *request.mutable_record() = record;
  ASSIGN_OR_RETURN(v1::PutReply reply, (impl_->Call<v1::PutRequest, v1::PutReply>(
                                           &v1::Admin::Stub::Put, request)));
  return std::move(*reply.mutable_record());
}

absl::StatusOr<v1::ImportReply> Connection::Import(const v1::ImportRequest& request) {
  return impl_->Call<v1::ImportRequest, v1::ImportReply>(&v1::Admin::Stub::Import,
                                                         request);
}

absl::StatusOr<v1::Record> Connection::Get(const std::string& id) {
  v1::GetRequest request;
  request.set_id(id);
  absl::StatusOr<v1::Record> record =
      impl_->Call<v1::GetRequest, v1::Record>(&v1::Admin::Stub::Get, request);
  if (absl::IsNotFound(record.status())) {
    return absl::NotFoundError(absl::StrCat("no record ", id));
  }
  return record;
}

absl::StatusOr<v1::ReorganiseReply> Connection::Reorganise(const v1::ReorganiseRequest& request) {
  return impl_->Call<v1::ReorganiseRequest, v1::ReorganiseReply>(&v1::Admin::Stub::Reorganise,
                                                                 request);
}

absl::StatusOr<v1::ListReply> Connection::List(const v1::ListRequest& request) {
  return impl_->Call<v1::ListRequest, v1::ListReply>(&v1::Admin::Stub::List, request);
}

absl::StatusOr<v1::ConsolidateReply> Connection::Consolidate(
    const v1::ConsolidateRequest& request) {
  return impl_->Call<v1::ConsolidateRequest, v1::ConsolidateReply>(
      &v1::Admin::Stub::Consolidate, request);
}

absl::StatusOr<v1::MissingReply> Connection::Missing(const v1::MissingRequest& request) {
  return impl_->Call<v1::MissingRequest, v1::MissingReply>(&v1::Admin::Stub::Missing,
                                                           request);
}

absl::StatusOr<v1::TrackReply> Connection::Track(const std::string& directive_id) {
  v1::TrackRequest request;
  request.set_directive_id(directive_id);
  return impl_->Call<v1::TrackRequest, v1::TrackReply>(&v1::Admin::Stub::Track, request);
}

absl::StatusOr<v1::PetitionsReply> Connection::Petitions(const v1::PetitionsRequest& request) {
  return impl_->Call<v1::PetitionsRequest, v1::PetitionsReply>(&v1::Admin::Stub::Petitions,
                                                               request);
}

absl::StatusOr<v1::SearchReply> Connection::Search(const v1::SearchRequest& request) {
  return impl_->Call<v1::SearchRequest, v1::SearchReply>(&v1::Admin::Stub::Search, request);
}

namespace {

// Calls `sink` on each message of a server stream; see Connection::Export.
template <typename Request, typename Reply, typename Impl>
absl::Status ReadStream(Impl& impl, const std::string& address,
                        std::unique_ptr<grpc::ClientReader<Reply>> (v1::Admin::Stub::*method)(
                            grpc::ClientContext*, const Request&),
                        const Request& request,
                        const std::function<absl::Status(const Reply&)>& sink) {
  ASSIGN_OR_RETURN(v1::Admin::Stub * stub, impl.Stub());
  grpc::ClientContext context;
  impl.SetStreamDeadline(&context);
  absl::Status sink_status;
  bool idle_too_long;
  grpc::Status status;
  {
    IdleWatchdog watchdog(&context, kCallTimeout);
    std::unique_ptr<grpc::ClientReader<Reply>> reader = (stub->*method)(&context, request);
    Reply reply;
    while (true) {
      watchdog.Arm();
      bool got = reader->Read(&reply);
      watchdog.Disarm();
      if (!got) break;
      sink_status = sink(reply);
      if (!sink_status.ok()) {
        context.TryCancel();
        break;
      }
    }
    status = reader->Finish();
    idle_too_long = watchdog.fired();
  }
  RETURN_IF_ERROR(sink_status);
  if (idle_too_long) {
    return absl::DeadlineExceededError(
        absl::StrCat("node at ", address, " sent nothing for ", kCallTimeout.count(), " s"));
  }
  return impl.ToStatus(status);
}

}  // namespace

absl::Status Connection::Export(
    const v1::ExportRequest& request,
    const std::function<absl::Status(const v1::Record&)>& sink) {
  return ReadStream(*impl_, address(), &v1::Admin::Stub::Export, request, sink);
}

absl::Status Connection::Backup(
    const v1::BackupRequest& request,
    const std::function<absl::Status(const v1::BackupProgress&)>& sink) {
  return ReadStream(*impl_, address(), &v1::Admin::Stub::Backup, request, sink);
}

absl::Status Connection::BundleExport(
    const v1::BundleExportRequest& request,
    const std::function<absl::Status(const v1::BundleChunk&)>& sink) {
  return ReadStream(*impl_, address(), &v1::Admin::Stub::BundleExport, request, sink);
}

absl::StatusOr<v1::BundleImportReply> Connection::BundleImport(
    const std::function<absl::StatusOr<bool>(v1::BundleChunk*)>& next) {
  ASSIGN_OR_RETURN(v1::Admin::Stub * stub, impl_->Stub());
  grpc::ClientContext context;
  impl_->SetStreamDeadline(&context);
  v1::BundleImportReply reply;
  std::unique_ptr<grpc::ClientWriter<v1::BundleChunk>> writer =
      stub->BundleImport(&context, &reply);
  absl::Status source;
  v1::BundleChunk chunk;
  while (true) {
    absl::StatusOr<bool> more = next(&chunk);
    if (!more.ok()) {
      source = more.status();
      context.TryCancel();
      break;
    }
    // A failed write means the node ended the call; Finish says why.
    if (!*more || !writer->Write(chunk)) break;
  }
  if (source.ok()) writer->WritesDone();
  grpc::Status status = writer->Finish();
  RETURN_IF_ERROR(source);
  RETURN_IF_ERROR(impl_->ToStatus(status));
  return reply;
}

}  // namespace council::client
