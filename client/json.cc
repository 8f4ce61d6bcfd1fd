#include "client/json.h"

#include <algorithm>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/type_resolver.h"
#include "google/protobuf/util/type_resolver_util.h"

namespace council::client {
namespace {

namespace util = google::protobuf::util;

constexpr absl::string_view kTypeUrlPrefix = "type.googleapis.com";

// The resolver BinaryToJsonString needs for the types of `pool`: one for the
// compiled-in types, kept for the life of the process; nullptr otherwise.
util::TypeResolver* ResolverFor(const google::protobuf::DescriptorPool* pool) {
  static util::TypeResolver* const generated = util::NewTypeResolverForDescriptorPool(
      std::string(kTypeUrlPrefix), google::protobuf::DescriptorPool::generated_pool());
  if (pool == google::protobuf::DescriptorPool::generated_pool()) return generated;
  return nullptr;
}

// The message's wire form with map entries sorted by key (and so the same
// bytes on every run).
std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializePartialToCodedStream(&coded);
    // `coded` flushes into `bytes` when it goes out of scope.
  }
  return bytes;
}

constexpr absl::string_view kUnknownField = ": Cannot find field.";

// Where `key` appears as an object key ("key" then optional blanks and ':').
std::optional<size_t> FindKey(absl::string_view json, absl::string_view key) {
  std::string quoted = absl::StrCat("\"", key, "\"");
  for (size_t pos = json.find(quoted); pos != absl::string_view::npos;
       pos = json.find(quoted, pos + 1)) {
    size_t after = json.find_first_not_of(" \t\r\n", pos + quoted.size());
    if (after != absl::string_view::npos && json[after] == ':') return pos;
  }
  return std::nullopt;
}

// "(doc) titl: Cannot find field." -> "doc.titl"; "foo: ..." -> "foo".
std::string UnknownFieldPath(absl::string_view first_line, absl::string_view* key) {
  absl::string_view head = first_line.substr(0, first_line.size() - kUnknownField.size());
  std::string path;
  if (!head.empty() && head.front() == '(') {
    size_t close = head.find(") ");
    if (close != absl::string_view::npos) {
      path = absl::StrCat(head.substr(1, close - 1), ".");
      head = head.substr(close + 2);
    }
  }
  *key = head;
  return absl::StrCat(path, head);
}

// protobuf reports a syntax error as "<reason>\n<input excerpt>\n   ^".
std::optional<size_t> LocateExcerpt(absl::string_view json, absl::string_view message) {
  size_t first = message.find('\n');
  size_t last = message.rfind('\n');
  if (first == absl::string_view::npos || first == last) return std::nullopt;
  absl::string_view excerpt = message.substr(first + 1, last - first - 1);
  size_t caret = message.size() - last - 2;  // the caret is the last character
  size_t pos = json.find(excerpt);
  if (pos == absl::string_view::npos || excerpt.empty()) return std::nullopt;
  return pos + std::min(caret, excerpt.size());
}

// 'invalid value "x" for type ...' -> where "x" appears.
std::optional<size_t> LocateValue(absl::string_view json, absl::string_view first_line) {
  constexpr absl::string_view kInvalid = "invalid value ";
  size_t start = first_line.find(kInvalid);
  size_t end = first_line.rfind(" for type");
  if (start == absl::string_view::npos || end == absl::string_view::npos) return std::nullopt;
  start += kInvalid.size();
  if (end <= start) return std::nullopt;
  size_t pos = json.find(first_line.substr(start, end - start));
  if (pos == absl::string_view::npos) return std::nullopt;
  return pos;
}

// '(doc.issued_on): invalid value 3 for type TYPE_STRING'
//   -> 'invalid value 3 for field doc.issued_on'; other messages unchanged.
std::string NameInvalidValue(absl::string_view first_line) {
  size_t close = first_line.find("): invalid value ");
  size_t type = first_line.rfind(" for type ");
  if (first_line.empty() || first_line[0] != '(' || close == absl::string_view::npos ||
      type == absl::string_view::npos || type < close) {
    return std::string(first_line);
  }
  return absl::StrCat(first_line.substr(close + 3, type - close - 3), " for field ",
                      first_line.substr(1, close - 1));
}

}  // namespace

std::string ToJson(const google::protobuf::Message& message) {
  util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  util::TypeResolver* resolver = ResolverFor(descriptor->file()->pool());
  if (resolver == nullptr) {
    // Not a compiled-in type (never the case in councilctl): map order may vary.
    (void)util::MessageToJsonString(message, &out, options);
    return out;
  }
  // MessageToJsonString serializes without SetSerializationDeterministic, so
  // map fields (Report.metrics) come out in a different order on each run.
  // Converting deterministic bytes instead prints them sorted by key.
  // Converting bytes of a well-formed message does not fail.
  (void)util::BinaryToJsonString(
      resolver, absl::StrCat(kTypeUrlPrefix, "/", descriptor->full_name()),
      DeterministicBytes(message), &out, options);
  return out;
}

absl::Status FromJson(absl::string_view json, google::protobuf::Message* message,
                      int* line) {
  *line = 0;
  util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  util::Status status = util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), message, options);
  if (status.ok()) return absl::OkStatus();

  absl::string_view full(status.message().data(), status.message().size());
  absl::string_view first_line = full.substr(0, full.find('\n'));
  std::string reason(first_line);
  std::optional<size_t> offset;
  if (absl::EndsWith(first_line, kUnknownField)) {
    absl::string_view key;
    reason = absl::StrCat("unknown field '", UnknownFieldPath(first_line, &key), "'");
    offset = FindKey(json, key);
  } else if (full.find('\n') != absl::string_view::npos) {
    offset = LocateExcerpt(json, full);
  } else {
    offset = LocateValue(json, first_line);
    reason = NameInvalidValue(first_line);
  }
  if (offset) *line = 1 + std::count(json.begin(), json.begin() + *offset, '\n');
  if (reason.ends_with('.')) reason.pop_back();
  if (reason.empty()) reason = "not a valid JSON record";
  return absl::InvalidArgumentError(absl::StrReplaceAll(reason, {{"\n", " "}}));
}

}  // namespace council::client
