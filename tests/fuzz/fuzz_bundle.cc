// libFuzzer: the bundle decoder (node/core/bundle.h) on arbitrary bytes, fed
// whole and in two pieces split where the first byte says: it must not
// crash, and both ways must agree.
#include <cstddef>
#include <cstdint>

#include "node/core/bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace council;
  absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<core::Bundle> whole = core::DecodeBundle(bytes);
  size_t split = size == 0 ? 0 : data[0] % (size + 1);
  core::BundleReader reader;
  absl::Status fed = reader.Feed(bytes.substr(0, split));
  if (fed.ok()) fed = reader.Feed(bytes.substr(split));
  absl::StatusOr<core::Bundle> pieces = fed.ok() ? reader.Finish() : absl::StatusOr<core::Bundle>(fed);
  if (whole.ok() != pieces.ok()) __builtin_trap();
  if (whole.ok() && whole->records.size() != pieces->records.size()) __builtin_trap();
  return 0;
}
