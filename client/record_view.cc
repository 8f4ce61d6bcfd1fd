#include "client/record_view.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "client/render.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/reflection.h"
#include "node/core/kinds.h"

namespace council::client {
namespace {

namespace pb = google::protobuf;

// "LEVEL_PROVINCE" -> "province": the value's name without the prefix all
// values of its enum share.
std::string EnumText(const pb::EnumValueDescriptor* value) {
  const pb::EnumDescriptor* type = value->type();
  absl::string_view prefix = type->value(0)->name();
  for (int i = 1; i < type->value_count(); ++i) {
    absl::string_view name = type->value(i)->name();
    size_t n = 0;
    while (n < prefix.size() && n < name.size() && prefix[n] == name[n]) ++n;
    prefix = prefix.substr(0, n);
  }
  prefix = prefix.substr(0, prefix.rfind('_') + 1);  // whole words only
  return absl::AsciiStrToLower(value->name().substr(prefix.size()));
}

std::string ScalarText(const pb::Message& m, const pb::FieldDescriptor* f, int index) {
  const pb::Reflection* r = m.GetReflection();
  bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING: {
      std::string s = rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
      return f->type() == pb::FieldDescriptor::TYPE_BYTES ? absl::BytesToHexString(s) : s;
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      return EnumText(rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f));
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false";
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return "";
}

// Appends "label: value" with the label padded to `width`; or, for a value
// spanning lines or with `block`, "label:" followed by the value's lines
// (without one final newline) indented by two more spaces.
void AppendValue(std::string* out, int indent, absl::string_view label, size_t width,
                 absl::string_view value, bool block = false) {
  std::string pad(indent, ' ');
  if (!block && value.find('\n') == absl::string_view::npos) {
    absl::StrAppend(out, pad, label, ":", std::string(width - label.size() + 1, ' '),
                    value, "\n");
    return;
  }
  absl::StrAppend(out, pad, label, ":\n");
  if (absl::EndsWith(value, "\n")) value.remove_suffix(1);
  for (absl::string_view line : absl::StrSplit(value, '\n')) {
    if (line.empty()) {
      out->push_back('\n');
    } else {
      absl::StrAppend(out, pad, "  ", line, "\n");
    }
  }
}

void AppendMessage(std::string* out, int indent, const pb::Message& m);

// A map field's entries sorted by key, as an aligned "key  value" table.
void AppendMap(std::string* out, int indent, const pb::Message& m,
               const pb::FieldDescriptor* f) {
  const pb::Reflection* r = m.GetReflection();
  const pb::Descriptor* entry = f->message_type();
  std::map<std::string, std::string> sorted;
  for (int i = 0; i < r->FieldSize(m, f); ++i) {
    const pb::Message& e = r->GetRepeatedMessage(m, f, i);
    sorted[ScalarText(e, entry->map_key(), 0)] = ScalarText(e, entry->map_value(), 0);
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, value] : sorted) {
    rows.push_back({absl::StrCat(std::string(indent + 2, ' '), key), value});
  }
  absl::StrAppend(out, std::string(indent, ' '), f->name(), ":\n", FormatTable(rows));
}

void AppendMessage(std::string* out, int indent, const pb::Message& m) {
  const pb::Reflection* r = m.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  size_t width = 0;
  for (const pb::FieldDescriptor* f : fields) width = std::max(width, f->name().size());
  std::string pad(indent, ' ');
  for (const pb::FieldDescriptor* f : fields) {
    if (f->is_map()) {
      AppendMap(out, indent, m, f);
    } else if (f->is_repeated() &&
               f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      absl::StrAppend(out, pad, f->name(), ":\n");
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        std::string item;
        AppendMessage(&item, indent + 4, r->GetRepeatedMessage(m, f, i));
        if (item.size() >= static_cast<size_t>(indent) + 4) {
          item.replace(indent, 4, "  - ");
        }
        out->append(item);
      }
    } else if (f->is_repeated()) {
      absl::StrAppend(out, pad, f->name(), ":\n");
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        std::string item = ScalarText(m, f, i);
        absl::StrAppend(out, pad, "  - ", absl::StrReplaceAll(item, {{"\n", "\n    " + pad}}),
                        "\n");
      }
    } else if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      absl::StrAppend(out, pad, f->name(), ":\n");
      AppendMessage(out, indent + 2, r->GetMessage(m, f));
    } else {
      AppendValue(out, indent, f->name(), width, ScalarText(m, f, 0));
    }
  }
}

}  // namespace

std::string RecordView(const v1::Record& record) {
  std::vector<std::pair<std::string, std::string>> envelope;
  if (!record.id().empty()) envelope.emplace_back("id", record.id());
  envelope.emplace_back("kind", core::KindName(record));
  if (!record.origin().empty()) envelope.emplace_back("origin", record.origin());
  if (record.version() != 0) envelope.emplace_back("version", absl::StrCat(record.version()));
  if (record.seq() != 0) envelope.emplace_back("seq", absl::StrCat(record.seq()));
  if (record.hlc() != 0) {
    envelope.emplace_back("time", absl::StrCat(HlcTime(record.hlc()), " (hlc ", record.hlc(), ")"));
  }
  if (!record.author().empty()) envelope.emplace_back("author", record.author());
  size_t width = 0;
  for (const auto& [label, value] : envelope) width = std::max(width, label.size());

  std::string out;
  for (const auto& [label, value] : envelope) AppendValue(&out, 0, label, width, value);
  if (record.has_doc() && record.doc().ByteSizeLong() > 0) {
    absl::StrAppend(&out, "document:\n");
    AppendMessage(&out, 2, record.doc());
  }
  const pb::FieldDescriptor* body =
      record.GetReflection()->GetOneofFieldDescriptor(
          record, record.GetDescriptor()->FindOneofByName("body"));
  if (body != nullptr) {
    absl::StrAppend(&out, body->name(), ":\n");
    AppendMessage(&out, 2, record.GetReflection()->GetMessage(record, body));
  }
  if (!record.text().empty()) AppendValue(&out, 0, "text", 0, record.text(), true);
  return out;
}

}  // namespace council::client
