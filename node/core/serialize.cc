#include "node/core/serialize.h"

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace council::core {

std::string CanonicalBytes(const google::protobuf::MessageLite& m) {
  // Sized once, written in place: no regrowth of the string as it fills.
  std::string out(m.ByteSizeLong(), '\0');
  google::protobuf::io::ArrayOutputStream stream(out.data(), static_cast<int>(out.size()));
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  m.SerializeWithCachedSizes(&coded);
  return out;
}

std::string SigningBytes(const v1::Record& rec) {
  if (rec.signature().empty()) return CanonicalBytes(rec);
  v1::Record unsigned_rec = rec;
  unsigned_rec.clear_signature();
  return CanonicalBytes(unsigned_rec);
}

}  // namespace council::core
