// put, import, export: records as protobuf JSON.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/files.h"
#include "client/flag_values.h"
#include "client/json.h"
#include "node/core/ids.h"
#include "node/core/status_macros.h"
#include "node/core/validate.h"

namespace council::client {
namespace {

// An Import request holds at most this many records, and (so that it stays
// within gRPC's default 4 MB message limit) about this many bytes; a record
// is at most core::kMaxRecordBytes.
constexpr int kImportChunkRecords = 1000;
constexpr size_t kImportChunkBytes = 3 << 20;

// "<file>:<line>: <message>", or "<file>: <message>" when line is 0.
absl::Status FileError(absl::string_view path, int line, const absl::Status& status) {
  std::string where = DisplayName(path);
  if (line > 0) absl::StrAppend(&where, ":", line);
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", status.message()));
}

// Records without an id are drafts; with one, complete versions.
absl::Status ValidateForImport(const v1::Record& record) {
  return record.id().empty() ? core::ValidateDraft(record)
                             : core::ValidateComplete(record);
}

absl::Status Put(Context& context) {
  std::string path = context.args.Get("file");
  ASSIGN_OR_RETURN(std::string json, ReadInput(path));
  v1::Record record;
  int line = 0;
  if (absl::Status s = FromJson(json, &record, &line); !s.ok()) {
    return FileError(path, line, s);
  }
  absl::Status valid = core::ValidateDraft(record);
  if (valid.ok() && !record.id().empty()) valid = core::ParseRecordId(record.id()).status();
  if (!valid.ok()) return FileError(path, 0, valid);
  ASSIGN_OR_RETURN(v1::Record stored, context.node.Put(record));
  std::cout << (context.json ? ToJson(stored) : stored.id()) << '\n';
  return absl::OkStatus();
}

// Parses and validates every line of `data` into requests of whole chunks.
absl::Status ReadImportFile(absl::string_view path, absl::string_view data,
                            std::vector<v1::ImportRequest>* chunks, size_t* total) {
  size_t chunk_bytes = 0;
  int line_number = 0;
  while (!data.empty()) {
    size_t end = data.find('\n');
    absl::string_view line = data.substr(0, end);
    data = end == absl::string_view::npos ? absl::string_view() : data.substr(end + 1);
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    v1::Record record;
    int ignored;
    absl::Status status = FromJson(line, &record, &ignored);
    if (status.ok()) status = ValidateForImport(record);
    if (!status.ok()) return FileError(path, line_number, status);
    size_t bytes = record.ByteSizeLong();
    if (chunks->empty() || chunks->back().records_size() == kImportChunkRecords ||
        chunk_bytes + bytes > kImportChunkBytes) {
      chunks->emplace_back();
      chunk_bytes = 0;
    }
    chunk_bytes += bytes;
    *chunks->back().add_records() = std::move(record);
    ++*total;
  }
  return absl::OkStatus();
}

absl::Status Import(Context& context) {
  std::string path = context.args.Get("file");
  std::vector<v1::ImportRequest> chunks;
  size_t total = 0;
  {
    ASSIGN_OR_RETURN(std::string data, ReadInput(path));
    RETURN_IF_ERROR(ReadImportFile(path, data, &chunks, &total));
  }
  const bool progress = isatty(STDERR_FILENO) == 1;
  size_t sent = 0;
  uint64_t created = 0, applied = 0, unchanged = 0;
  for (const v1::ImportRequest& chunk : chunks) {
    absl::StatusOr<v1::ImportReply> reply = context.node.Import(chunk);
    if (!reply.ok()) {
      if (progress && sent > 0) std::fputc('\n', stderr);
      if (sent == 0) return reply.status();
      return absl::Status(reply.status().code(),
                          absl::StrCat("import stopped after ", sent, " of ", total,
                                       " records: ", reply.status().message()));
    }
    sent += chunk.records_size();
    created += reply->created();
    applied += reply->applied();
    unchanged += reply->unchanged();
    if (progress) {
      std::fprintf(stderr, "\rimported %zu/%zu", sent, total);
      std::fflush(stderr);
    }
  }
  if (progress && sent > 0) std::fputc('\n', stderr);
  if (context.json) {
    std::cout << absl::StrCat("{\"imported\":", sent, ",\"created\":", created,
                              ",\"applied\":", applied, ",\"unchanged\":", unchanged,
                              "}\n");
  } else {
    std::cout << absl::StrCat("imported ", sent, " records (", created, " created, ",
                              applied, " applied, ", unchanged, " unchanged)\n");
  }
  return absl::OkStatus();
}

absl::Status Export(Context& context) {
  const Args& args = context.args;
  if (args.Has("kind")) RETURN_IF_ERROR(ParseKindFlag(args.Get("kind")).status());
  if (args.Has("unit")) RETURN_IF_ERROR(CheckUnitId("unit id", args.Get("unit")));
  v1::ExportRequest request;
  request.set_kind(args.Get("kind"));
  request.set_unit(args.Get("unit"));
  // A progress line on stderr when it is a terminal (stdout is the data).
  const bool progress = isatty(STDERR_FILENO) == 1;
  size_t exported = 0;
  RETURN_IF_ERROR(context.node.Export(request, [&](const v1::Record& record) {
    std::cout << ToJson(record) << '\n';
    if (progress && ++exported % 1000 == 0) {
      std::fprintf(stderr, "\rexported %zu", exported);
      std::fflush(stderr);
    }
    return std::cout ? absl::OkStatus()
                     : absl::DataLossError("cannot write to standard output");
  }));
  if (progress && exported >= 1000) std::fprintf(stderr, "\rexported %zu\n", exported);
  std::cout.flush();
  if (!std::cout) return absl::DataLossError("cannot write to standard output");
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> BulkCommands() {
  std::vector<Command> commands;
  commands.push_back({
      .name = "put",
      .synopsis = "--file F.json",
      .help = "Stores one record given in protobuf JSON and prints its id. Without an\n"
              "id the record is created; with one it becomes that record's next version.\n"
              "  --file F                 the record ('-' reads standard input)\n",
      .flags = {{.name = "file", .value_name = "F", .required = true}},
      .positionals = {},
      .run = &Put,
  });
  commands.push_back({
      .name = "import",
      .synopsis = "--file F.jsonl",
      .help = "Loads records, one protobuf JSON record per line, as `export` writes them.\n"
              "The whole file is checked before anything is sent.\n"
              "  --file F                 the records ('-' reads standard input)\n",
      .flags = {{.name = "file", .value_name = "F", .required = true}},
      .positionals = {},
      .run = &Import,
  });
  commands.push_back({
      .name = "export",
      .synopsis = "[--kind K] [--unit U]",
      .help = "Writes current records, one JSON record per line, in id order.\n"
              "  --kind K                 records of kind K only\n"
              "  --unit U                 records of origin unit U only\n",
      .flags = {
          {.name = "kind", .value_name = "K"},
          {.name = "unit", .value_name = "U"},
      },
      .positionals = {},
      .run = &Export,
  });
  return commands;
}

}  // namespace council::client
