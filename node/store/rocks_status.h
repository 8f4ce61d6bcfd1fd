// The one place RocksDB statuses become absl::Status.
#ifndef COUNCIL_NODE_STORE_ROCKS_STATUS_H_
#define COUNCIL_NODE_STORE_ROCKS_STATUS_H_

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/status.h"

namespace council::store {

// NotFound -> NOT_FOUND, Corruption -> DATA_LOSS, InvalidArgument ->
// INVALID_ARGUMENT, everything else (I/O, busy, lock held) -> UNAVAILABLE.
inline absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  return absl::UnavailableError(msg);
}

}  // namespace council::store

#endif  // COUNCIL_NODE_STORE_ROCKS_STATUS_H_
