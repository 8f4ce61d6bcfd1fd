// Online backups (RocksDB's BackupEngine) and restores.
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "node/core/status_macros.h"
#include "node/store/keys.h"
#include "node/store/rocks_db.h"
#include "node/store/rocks_status.h"
#include "node/store/store.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/backup_engine.h"

namespace council::store {
namespace {

constexpr uint64_t kProgressEvery = 4 << 20;  // BackupEngineOptions' default

BackupSummary Summarise(const rocksdb::BackupInfo& info) {
  return {info.backup_id, info.timestamp, info.size, info.number_files};
}

}  // namespace

absl::StatusOr<BackupSummary> Store::Backup(const std::string& dir,
                                            const std::function<void(uint64_t)>& progress) {
  rocksdb::BackupEngineOptions options(dir);
  options.callback_trigger_interval_size = kProgressEvery;
  rocksdb::BackupEngine* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::BackupEngine::Open(options, rocksdb::Env::Default(), &raw),
                            absl::StrCat("cannot open backup directory ", dir)));
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions create;
  // The WAL is backed up with the files, so every acknowledged write is in.
  uint64_t copied = 0;
  create.progress_callback = [&] {
    copied += kProgressEvery;
    if (progress) progress(copied);
  };
  rocksdb::BackupID id = 0;
  RETURN_IF_ERROR(FromRocks(engine->CreateNewBackup(create, db_->raw(), &id),
                            absl::StrCat("backup into ", dir, " failed")));
  rocksdb::BackupInfo info;
  RETURN_IF_ERROR(FromRocks(engine->GetBackupInfo(id, &info), "reading the new backup"));
  return Summarise(info);
}

absl::StatusOr<BackupSummary> Store::Restore(const std::string& backup_dir,
                                             const std::string& data_dir) {
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(data_dir) / "CURRENT", ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data directory ", data_dir, " already holds a database; restore into an empty or new directory"));
  }
  if (!std::filesystem::is_directory(backup_dir, ec)) {
    return absl::NotFoundError(absl::StrCat("no backup directory ", backup_dir));
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::BackupEngineReadOnly::Open(rocksdb::BackupEngineOptions(backup_dir),
                                                                rocksdb::Env::Default(), &raw),
                            absl::StrCat("cannot open backup directory ", backup_dir)));
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> backups;
  engine->GetBackupInfo(&backups);
  if (backups.empty()) {
    return absl::NotFoundError(absl::StrCat(backup_dir, " holds no backup (make one with: councilctl backup create --out DIR)"));
  }
  std::filesystem::create_directories(data_dir, ec);
  RETURN_IF_ERROR(FromRocks(engine->RestoreDBFromLatestBackup(data_dir, data_dir),
                            absl::StrCat("restoring ", backup_dir, " into ", data_dir)));
  // What this node wrote after the backup is at its parent: until it has
  // fetched that back, it must not hand out those sequences again.
  std::unique_ptr<RocksDb> owned;
  RETURN_IF_ERROR(FromRocks(RocksDb::Open(data_dir, &owned), "opening the restored database"));
  std::string zero;
  keys::PutBe64(&zero, 0);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  RETURN_IF_ERROR(FromRocks(owned->Put(wo, keys::Recovery(), zero), "marking the restored store"));
  return Summarise(backups.back());
}

}  // namespace council::store
