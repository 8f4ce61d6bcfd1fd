// The Admin API of one node, as councilctl calls it.
//
// Every gRPC status becomes an absl::Status here and nowhere else. A node that
// cannot be reached (no connection within 5 s, refused, unresolvable) yields
// UNAVAILABLE "cannot reach node at HOST:PORT: <reason>". Each call has a 10 s
// deadline; the Export, Backup and BundleExport streams fail if the node
// sends nothing for 10 s.
// set_deadline() bounds all of these by one point in time.
//
// Every call carries the admin credential (client/credential.h), found at
// the first call; a node that refuses it yields UNAUTHENTICATED "the node
// refused the admin credential: use --token-file <data-dir>/admin.token or
// set COUNCIL_TOKEN_FILE".
#ifndef COUNCIL_CLIENT_CONNECTION_H_
#define COUNCIL_CLIENT_CONNECTION_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "council/v1/admin.pb.h"

namespace council::client {

class Connection {
 public:
  // Does not connect: the first call does. `token_file` is --token-file
  // (empty: the environment and the default file, see FindAdminToken).
  explicit Connection(std::string address, std::string token_file = "");
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& address() const;

  // From now on, connecting and every call end by `deadline` at the latest
  // (DEADLINE_EXCEEDED, or "cannot reach node" if never connected).
  void set_deadline(std::chrono::system_clock::time_point deadline);

  absl::StatusOr<v1::StatusReply> Status();
  absl::StatusOr<v1::UnitsReply> Units();
  // The record as stored.
  absl::StatusOr<v1::Record> Put(const v1::Record& record);
  absl::StatusOr<v1::ImportReply> Import(const v1::ImportRequest& request);
  // NOT_FOUND "no record <id>" if the node has none.
  absl::StatusOr<v1::Record> Get(const std::string& id);
  absl::StatusOr<v1::ListReply> List(const v1::ListRequest& request);
  // The hub's views (hub.proto); the node's errors are passed on, e.g.
  // NOT_FOUND "unknown unit 999" or "no record 51:99".
  absl::StatusOr<v1::ConsolidateReply> Consolidate(const v1::ConsolidateRequest& request);
  absl::StatusOr<v1::MissingReply> Missing(const v1::MissingRequest& request);
  absl::StatusOr<v1::TrackReply> Track(const std::string& directive_id);
  absl::StatusOr<v1::PetitionsReply> Petitions(const v1::PetitionsRequest& request);
  absl::StatusOr<v1::SearchReply> Search(const v1::SearchRequest& request);
  // Calls `sink` on each record streamed back, in order. Stops (and returns
  // its status) at the first error `sink` returns.
  absl::Status Export(const v1::ExportRequest& request,
                      const std::function<absl::Status(const v1::Record&)>& sink);
  absl::StatusOr<v1::ReorganiseReply> Reorganise(const v1::ReorganiseRequest& request);
  // Streams the backup's progress to `sink`; the last message has `done`.
  absl::Status Backup(const v1::BackupRequest& request,
                      const std::function<absl::Status(const v1::BackupProgress&)>& sink);
  // Streams the bundle file's pieces to `sink`, in order, as Export does.
  absl::Status BundleExport(const v1::BundleExportRequest& request,
                            const std::function<absl::Status(const v1::BundleChunk&)>& sink);
  // Sends the pieces `next` gives (it returns false after the last one, or
  // an error, which cancels the call and is returned), then waits for the
  // node's answer, with no deadline but set_deadline()'s.
  absl::StatusOr<v1::BundleImportReply> BundleImport(
      const std::function<absl::StatusOr<bool>(v1::BundleChunk*)>& next);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace council::client

#endif  // COUNCIL_CLIENT_CONNECTION_H_
