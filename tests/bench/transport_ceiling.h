// The wire's own ceiling for a bulk sync: the link's batches of stored
// reports (LinkSession::kMaxBatchRecords each, the bytes as a sender
// forwards them) streamed over one Sync.Link call on 127.0.0.1 with the
// link's mutual TLS, gRPC settings and flow control (at most kMaxInFlight
// batches unacknowledged, an Ack every kAckEvery), the receiver parsing
// and SHA-256 hashing every record as a node does before it checks one —
// both ends in this process, reading and storing nothing. No sync over
// this stack can cost less CPU per record on the same machine.
#ifndef COUNCIL_TESTS_BENCH_TRANSPORT_CEILING_H_
#define COUNCIL_TESTS_BENCH_TRANSPORT_CEILING_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace council::bench {

struct TransportResult {
  uint64_t records = 0;
  double seconds = 0;      // from the call's start to the last batch acknowledged
  double cpu_seconds = 0;  // this process, all threads, less building the batches
  double records_per_second() const { return seconds > 0 ? records / seconds : 0; }
  double cpu_us_per_record() const { return records > 0 ? cpu_seconds * 1e6 / records : 0; }
};

// Streams `count` records from unit `child` to unit `parent`, both with
// certificates from deploy/pki.sh under `pki_dir` (made if missing).
// INTERNAL if a record does not parse or an ack is missing or wrong.
absl::StatusOr<TransportResult> TransportCeiling(const std::string& pki_dir,
                                                 const std::string& parent,
                                                 const std::string& child, uint64_t count);

}  // namespace council::bench

#endif  // COUNCIL_TESTS_BENCH_TRANSPORT_CEILING_H_
