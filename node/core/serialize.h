// Canonical bytes of a record: deterministic serialization (map entries in
// key order), so equal records have equal bytes on every node.
#ifndef COUNCIL_NODE_CORE_SERIALIZE_H_
#define COUNCIL_NODE_CORE_SERIALIZE_H_

#include <string>

#include "council/v1/record.pb.h"
#include "google/protobuf/message_lite.h"

namespace council::core {

std::string CanonicalBytes(const google::protobuf::MessageLite& m);

// What the origin signs: CanonicalBytes of `rec` with `signature` cleared.
std::string SigningBytes(const v1::Record& rec);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_SERIALIZE_H_
