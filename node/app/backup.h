// Backups of a running node, and restores into a new data directory.
//
// A backup directory holds RocksDB's BackupEngine files (every backup taken
// into it; unchanged files are shared) and, in node-files/, copies of the
// files of the data directory the store does not hold: the signing key and
// the admin token, when the node keeps them there (mode 0600).
#ifndef COUNCIL_NODE_APP_BACKUP_H_
#define COUNCIL_NODE_APP_BACKUP_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "council/v1/admin.pb.h"
#include "node/app/node_service.h"

namespace council::app {

// An online, consistent backup of `node` into `dir` (an absolute path on
// this machine, outside the data directory). `progress` gets the bytes
// copied so far. INVALID_ARGUMENT for a bad `dir`; UNAVAILABLE on I/O errors.
absl::StatusOr<v1::BackupProgress> BackupNode(NodeService& node, const std::string& dir,
                                              const std::function<void(uint64_t)>& progress);

// Restores the latest backup of `backup_dir` into `data_dir` (new or empty),
// with its node files. The node then starts recovering: it fetches from its
// parent what it wrote after the backup before it takes local writes.
// Returns a one-line summary for the operator.
absl::StatusOr<std::string> RestoreNode(const std::string& backup_dir, const std::string& data_dir);

}  // namespace council::app

#endif  // COUNCIL_NODE_APP_BACKUP_H_
