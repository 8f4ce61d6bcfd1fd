#include "client/document_flags.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "client/files.h"
#include "client/flag_values.h"
#include "client/json.h"
#include "node/core/status_macros.h"
#include "node/core/text.h"
#include "node/core/validate.h"

namespace council::client {
namespace {

std::string DefaultAuthor() {
  for (const char* name : {"COUNCIL_AUTHOR", "USER"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return value;
  }
  return "";
}

}  // namespace

std::vector<FlagSpec> WithDocumentFlags(std::vector<FlagSpec> own, bool body_required) {
  own.insert(own.end(), {
      {.name = "number", .value_name = "NUMBER"},
      {.name = "issued-on", .value_name = "YYYY-MM-DD"},
      {.name = "issuing-body", .value_name = "BODY"},
      {.name = "doc-type", .value_name = "TYPE"},
      {.name = "abstract", .value_name = "TEXT"},
      {.name = "signer", .value_name = "NAME"},
      {.name = "signer-capacity", .value_name = "CAPACITY"},
      {.name = "signer-position", .value_name = "POSITION"},
      {.name = "recipient", .value_name = "RECIPIENT", .repeatable = true},
      {.name = "author", .value_name = "NAME"},
      {.name = "body-file", .value_name = "FILE", .required = body_required},
  });
  return own;
}

std::string DocumentFlagsHelp(absl::string_view default_doc_type) {
  return absl::StrCat(
      "Document metadata:\n"
      "  --number NUMBER          số, ký hiệu (e.g. 45/TB-HĐND)\n"
      "  --issued-on YYYY-MM-DD   ngày ban hành\n"
      "  --issuing-body BODY      cơ quan ban hành\n"
      "  --doc-type TYPE          loại văn bản",
      default_doc_type.empty() ? "" : absl::StrCat(" (default \"", default_doc_type, "\")"),
      "\n"
      "  --abstract TEXT          trích yếu\n"
      "  --signer NAME            người ký\n"
      "  --signer-capacity CAP    TM., KT., TL. ...\n"
      "  --signer-position POS    chức vụ người ký\n"
      "  --recipient RECIPIENT    nơi nhận (repeatable)\n"
      "  --author NAME            default: $COUNCIL_AUTHOR, else $USER\n"
      "  --body-file FILE         the document's text, UTF-8, stored as is\n"
      "                           ('-' reads standard input)\n");
}

absl::Status ApplyDocumentFlags(const Args& args, absl::string_view default_doc_type,
                                v1::Record* record) {
  v1::DocumentMeta* doc = record->mutable_doc();
  if (args.Has("issued-on")) {
    RETURN_IF_ERROR(CheckDate("issued-on date", args.Get("issued-on")));
  }
  doc->set_title(args.Get("title"));
  doc->set_number(args.Get("number"));
  doc->set_issued_on(args.Get("issued-on"));
  doc->set_issuing_body(args.Get("issuing-body"));
  doc->set_document_type(args.Get("doc-type", default_doc_type));
  doc->set_abstract(args.Get("abstract"));
  doc->set_signer(args.Get("signer"));
  doc->set_signer_capacity(args.Get("signer-capacity"));
  doc->set_signer_position(args.Get("signer-position"));
  for (const std::string& r : args.GetAll("recipient")) doc->add_recipients(r);
  record->set_author(args.Get("author", DefaultAuthor()));
  if (args.Has("body-file")) {
    std::string path = args.Get("body-file");
    ASSIGN_OR_RETURN(std::string text, ReadInput(path));
    RETURN_IF_ERROR(core::ValidateText(DisplayName(path), text, core::kMaxStringBytes));
    record->set_text(std::move(text));
  }
  if (doc->ByteSizeLong() == 0) record->clear_doc();
  return absl::OkStatus();
}

absl::Status SubmitDraft(Context& context, const v1::Record& draft) {
  RETURN_IF_ERROR(AsUsageError(core::ValidateDraft(draft)));
  ASSIGN_OR_RETURN(v1::Record stored, context.node.Put(draft));
  if (context.json) {
    std::cout << ToJson(stored) << '\n';
  } else {
    std::cout << stored.id() << '\n';
  }
  return absl::OkStatus();
}

}  // namespace council::client
