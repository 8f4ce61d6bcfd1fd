// What every record-creating command shares: the document-metadata flags,
// --author, --body-file, and sending the draft.
#ifndef COUNCIL_CLIENT_DOCUMENT_FLAGS_H_
#define COUNCIL_CLIENT_DOCUMENT_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/args.h"
#include "client/commands.h"
#include "council/v1/record.pb.h"

namespace council::client {

// `own` followed by --number, --issued-on, --issuing-body, --doc-type,
// --abstract, --signer, --signer-capacity, --signer-position, --recipient
// (repeatable), --author and --body-file (required if `body_required`).
std::vector<FlagSpec> WithDocumentFlags(std::vector<FlagSpec> own,
                                        bool body_required = false);

// Help lines for the flags WithDocumentFlags() adds.
std::string DocumentFlagsHelp(absl::string_view default_doc_type);

// Sets record->doc from the flags (--title too, if given; doc.document_type
// defaults to `default_doc_type`), record->author from --author, else the
// environment's COUNCIL_AUTHOR, else USER, and record->text from --body-file.
// A bad --issued-on is a usage error; an unreadable body file or one that is
// not UTF-8 is an operational error naming the file.
absl::Status ApplyDocumentFlags(const Args& args, absl::string_view default_doc_type,
                                v1::Record* record);

// Checks `draft` with core::ValidateDraft (a failure is a usage error: the
// draft came from flags), sends it with Admin.Put and prints the new id, or
// the stored record with --json.
absl::Status SubmitDraft(Context& context, const v1::Record& draft);

}  // namespace council::client

#endif  // COUNCIL_CLIENT_DOCUMENT_FLAGS_H_
