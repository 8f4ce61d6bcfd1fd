// The readable `show` view of one record.
#ifndef COUNCIL_CLIENT_RECORD_VIEW_H_
#define COUNCIL_CLIENT_RECORD_VIEW_H_

#include <string>

#include "council/v1/record.pb.h"

namespace council::client {

// Every set field of `record`, one "name: value" per line: the envelope
// (id, kind, origin, version, seq, time, author), then the document metadata,
// then the body (map entries such as metrics sorted by key), then the text.
// Multi-line strings are shown indented below their name; enum values by
// their short lower-case name ("province", "in_progress"); bytes in hex.
std::string RecordView(const v1::Record& record);

}  // namespace council::client

#endif  // COUNCIL_CLIENT_RECORD_VIEW_H_
