// Canonical bytes of a record: deterministic serialization (map entries in
// key order), so equal records have equal bytes on every node.
#ifndef COUNCIL_NODE_CORE_SERIALIZE_H_
#define COUNCIL_NODE_CORE_SERIALIZE_H_

#include <string>

#include "google/protobuf/message_lite.h"

namespace council::core {

std::string CanonicalBytes(const google::protobuf::MessageLite& m);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_SERIALIZE_H_
