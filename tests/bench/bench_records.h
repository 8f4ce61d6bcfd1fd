// Records of realistic size for the benchmarks: a commune or district
// report as offices write them (document metadata, metrics, two
// paragraphs of Vietnamese text), about 1 KB once stored with its envelope,
// signature and chain digest.
//
// Record i is deterministic and differs from its neighbours in its number,
// title, period, metrics and paragraph choice, so that compression and
// search postings see varied text, not one record repeated.
#ifndef COUNCIL_TESTS_BENCH_BENCH_RECORDS_H_
#define COUNCIL_TESTS_BENCH_BENCH_RECORDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "council/v1/record.pb.h"

namespace council::bench {

// A report draft (no id, origin, seq, version, hlc or signature) that
// core::ValidateDraft accepts.
v1::Record ReportDraft(uint64_t i);

// The six communes of district 522 whose reports fill the benchmarks' stores.
const std::vector<std::string>& BenchCommunes();

// The wall clock the benchmark's records are stamped with (2023-08-25).
inline constexpr int64_t kBenchWallMs = 1692921600000;

// `draft` as the complete, unsigned version 1 "<origin>:<seq>" with hybrid
// clock kBenchWallMs + `tick`: what a store without a verifier applies.
v1::Record UnsignedVersion(v1::Record draft, const std::string& origin, uint64_t seq,
                           uint64_t tick);

// The unit record of `id` (its version 1), unsigned, placed under `parent`.
v1::Record UnitVersion(const std::string& id, v1::Level level, const std::string& parent);

// ReportDraft(i) as the node stores it: a complete version "<origin>:<seq>"
// (version 1) with a 64-byte signature and a 32-byte chain_prev (seq > 1)
// of pseudo-random bytes — the sizes and entropy of real ones, without
// the cost of signing. For byte-for-byte comparable raw-store figures; not
// for feeding a node that verifies signatures.
v1::Record StoredReport(const std::string& origin, uint64_t seq);

// RocksDB key of a stored version, as node/store/LAYOUT.md lays out the log:
// 'L' origin 0x00 be64(seq).
std::string LogKey(const std::string& origin, uint64_t seq);

}  // namespace council::bench

#endif  // COUNCIL_TESTS_BENCH_BENCH_RECORDS_H_
