// libFuzzer: record validation and everything derived from a record's text,
// on arbitrary bytes decoded as a council.v1.Record.
#include <cstddef>
#include <cstdint>

#include "council/v1/record.pb.h"
#include "node/core/fold.h"
#include "node/core/hub.h"
#include "node/core/ids.h"
#include "node/core/serialize.h"
#include "node/core/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace council;
  v1::Record r;
  if (!r.ParseFromArray(data, static_cast<int>(size))) return 0;
  (void)core::ValidateDraft(r);
  // Parsed, its text is UTF-8: the checks a link makes (which leave out the
  // UTF-8 walk, and any walk of a small record) agree with the full ones.
  const bool valid = core::ValidateComplete(r).ok();
  if (core::ValidateComplete(r, core::Utf8::kCheckedByParser).ok() != valid) __builtin_trap();
  if (valid) {
    // A valid record must survive the store's canonical round trip.
    v1::Record back;
    if (!back.ParseFromString(core::CanonicalBytes(r))) __builtin_trap();
    if (core::CanonicalBytes(back) != core::CanonicalBytes(r)) __builtin_trap();
    (void)core::ParseRecordId(r.id());
    v1::ReportTally tally;
    core::ApplyTallyChange(nullptr, r, [&](const std::string&) -> v1::ReportTally& { return tally; });
    (void)core::SearchTerms(r);
  }
  (void)core::Tokenize(r.doc().title());
  return 0;
}
