#include "node/app/backup.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "node/app/admin_token.h"
#include "node/app/log.h"
#include "node/app/node_keys.h"
#include "node/core/status_macros.h"

namespace council::app {
namespace fs = std::filesystem;
namespace {

constexpr char kNodeFiles[] = "node-files";

// Copies `from` to `to` (replacing it), readable by the owner only.
absl::Status CopyPrivate(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot copy ", from.string(), " to ", to.string(), ": ", ec.message()));
  }
  return absl::OkStatus();
}

bool Inside(const fs::path& path, const fs::path& dir) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec), d = fs::weakly_canonical(dir, ec);
  auto [end, _] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
  return end == d.end();
}

}  // namespace

absl::StatusOr<v1::BackupProgress> BackupNode(NodeService& node, const std::string& dir,
                                              const std::function<void(uint64_t)>& progress) {
  const fs::path data_dir = node.config().data_dir();
  if (dir.empty() || !fs::path(dir).is_absolute()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "backup directory '", dir, "' must be an absolute path on the node's machine"));
  }
  if (Inside(dir, data_dir)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "backup directory ", dir, " lies inside the data directory ", data_dir.string(),
        "; put backups elsewhere (ideally on another disk)"));
  }
  std::error_code ec;
  fs::create_directories(fs::path(dir) / kNodeFiles, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  ASSIGN_OR_RETURN(store::BackupSummary taken, node.store().Backup(dir, progress));
  v1::BackupProgress done;
  for (const char* name : {kSigningKeyFileName, kAdminTokenFileName}) {
    fs::path file = data_dir / name;
    if (!fs::exists(file, ec)) continue;
    RETURN_IF_ERROR(CopyPrivate(file, fs::path(dir) / kNodeFiles / name));
    done.add_key_files(name);
  }
  done.set_done(true);
  done.set_backup_id(taken.id);
  done.set_bytes(taken.bytes);
  done.set_files(taken.files);
  done.set_taken_unix_seconds(taken.taken_unix_seconds);
  done.set_bytes_copied(taken.bytes);
  Log("info", "backup", {{"dir", dir}, {"id", absl::StrCat(taken.id)}, {"bytes", absl::StrCat(taken.bytes)}});
  return done;
}

absl::StatusOr<std::string> RestoreNode(const std::string& backup_dir, const std::string& data_dir) {
  if (backup_dir.empty() || data_dir.empty()) {
    return absl::InvalidArgumentError("restore needs --from BACKUP_DIR and --data-dir DIR");
  }
  ASSIGN_OR_RETURN(store::BackupSummary restored, store::Store::Restore(backup_dir, data_dir));
  std::vector<std::string> copied;
  std::error_code ec;
  for (const char* name : {kSigningKeyFileName, kAdminTokenFileName}) {
    fs::path from = fs::path(backup_dir) / kNodeFiles / name, to = fs::path(data_dir) / name;
    if (!fs::exists(from, ec) || fs::exists(to, ec)) continue;
    RETURN_IF_ERROR(CopyPrivate(from, to));
    copied.push_back(name);
  }
  return absl::StrCat(
      "restored backup ", restored.id, " (taken ",
      absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", absl::FromUnixSeconds(restored.taken_unix_seconds),
                       absl::UTCTimeZone()),
      ", ", restored.bytes, " bytes) into ", data_dir,
      copied.empty() ? "" : absl::StrCat(" with ", absl::StrJoin(copied, " and ")),
      ".\nStart the node as before: it first fetches from its parent what it wrote after the "
      "backup, and takes local writes once it holds it all (councilctl status shows progress).");
}

}  // namespace council::app
