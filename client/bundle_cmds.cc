// bundle export, bundle import: sneakernet bundles (node/core/bundle.h).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/files.h"
#include "client/flag_values.h"
#include "client/json.h"
#include "node/core/bundle.h"
#include "node/core/status_macros.h"

namespace council::client {
namespace {

constexpr size_t kImportChunkBytes = 1 << 20;

// 1234567 as "1,234,567".
std::string Grouped(uint64_t n) {
  std::string digits = absl::StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// 1536 as "1.5 KiB"; below 1 KiB in bytes.
std::string Size(uint64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double scaled = bytes / 1024.0;
  size_t unit = 0;
  for (; scaled >= 1024 && unit + 1 < std::size(kUnits); ++unit) scaled /= 1024;
  char out[32];
  std::snprintf(out, sizeof out, "%.1f %s", scaled, kUnits[unit]);
  return out;
}

absl::Status FileError(absl::string_view what, const std::string& path, int err) {
  return absl::UnavailableError(absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(err)));
}

// The bundle file being written: FILE.tmp until Commit() renames it over
// FILE (after fsync, so a bundle on a USB stick is whole or absent); removed
// if not committed.
class PendingFile {
 public:
  explicit PendingFile(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp") {}
  ~PendingFile() {
    if (fd_ >= 0) close(fd_);
    if (!committed_) unlink(tmp_.c_str());
  }

  absl::Status Open() {
    fd_ = open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    return fd_ < 0 ? FileError("create", tmp_, errno) : absl::OkStatus();
  }
  absl::Status Write(absl::string_view data) {
    while (!data.empty()) {
      ssize_t n = write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return FileError("write", tmp_, errno);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }
  absl::Status Commit() {
    if (fsync(fd_) != 0) return FileError("write", tmp_, errno);
    if (close(fd_) != 0) return FileError("write", tmp_, errno);
    fd_ = -1;
    if (rename(tmp_.c_str(), path_.c_str()) != 0) return FileError("rename to", path_, errno);
    committed_ = true;
    std::filesystem::path dir = std::filesystem::path(path_).parent_path();
    int dfd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      fsync(dfd);
      close(dfd);
    }
    return absl::OkStatus();
  }

 private:
  const std::string path_;
  const std::string tmp_;
  int fd_ = -1;
  bool committed_ = false;
};

absl::Status BundleExport(Context& context) {
  const Args& args = context.args;
  const bool for_parent = args.Has("for-parent");
  const std::string child = args.Get("for-child");
  if (for_parent == args.Has("for-child")) {
    return UsageError(for_parent ? "--for-parent and --for-child exclude each other"
                                 : "say who the bundle is for: --for-parent or --for-child UNIT");
  }
  if (!for_parent) RETURN_IF_ERROR(CheckUnitId("unit id", child));
  const std::string out = args.Get("out");
  if (out.empty()) return UsageError("--out needs a FILE");
  std::error_code ec;
  if (std::filesystem::exists(out, ec) && !args.Has("force")) {
    return absl::AlreadyExistsError(absl::StrCat(out, " exists; use --force to replace it"));
  }
  PendingFile file(out);
  RETURN_IF_ERROR(file.Open());
  // The bytes are decoded as they arrive: for progress, and so that a
  // damaged transfer is found here rather than at the other office.
  core::BundleReader check;
  const bool progress = isatty(STDERR_FILENO) == 1;
  v1::BundleExportRequest request;
  request.set_peer(child);
  RETURN_IF_ERROR(context.node.BundleExport(request, [&](const v1::BundleChunk& chunk) {
    RETURN_IF_ERROR(file.Write(chunk.data()));
    if (absl::Status s = check.Feed(chunk.data()); !s.ok()) {
      return absl::DataLossError(absl::StrCat("the node sent a damaged bundle: ", s.message()));
    }
    if (progress && check.header() != nullptr) {
      std::fprintf(stderr, "\rexporting: %s/%s records", Grouped(check.records_read()).c_str(),
                   Grouped(check.header()->records()).c_str());
      std::fflush(stderr);
    }
    return absl::OkStatus();
  }));
  if (progress) std::fputs("\r\033[K", stderr);
  absl::StatusOr<core::Bundle> bundle = check.Finish();
  if (!bundle.ok()) {
    return absl::DataLossError(
        absl::StrCat("the node sent a damaged bundle: ", bundle.status().message()));
  }
  RETURN_IF_ERROR(file.Commit());
  const v1::BundleHeader& h = bundle->header;
  if (context.json) {
    std::cout << ToJson(h) << '\n';
  } else {
    std::cout << absl::StrCat("wrote ", Grouped(h.records()),
                              h.records() == 1 ? " record for " : " records for ", h.to(),
                              " (positions ", h.first(), "..", h.last(), ") to ", out, "\n");
  }
  return absl::OkStatus();
}

absl::Status BundleImport(Context& context) {
  const std::string path = context.args.positional()[0];
  const bool is_stdin = path == "-";
  std::FILE* f = is_stdin ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) return FileError("read", path, errno);
  struct stat st {};
  const uint64_t total = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : 0;
  const bool progress = isatty(STDERR_FILENO) == 1;
  uint64_t sent = 0;
  std::vector<char> buffer(kImportChunkBytes);
  absl::StatusOr<v1::BundleImportReply> reply =
      context.node.BundleImport([&](v1::BundleChunk* chunk) -> absl::StatusOr<bool> {
        size_t n = std::fread(buffer.data(), 1, buffer.size(), f);
        if (n == 0) {
          if (std::ferror(f)) return FileError("read", DisplayName(path), errno);
          return false;
        }
        chunk->set_data(buffer.data(), n);
        sent += n;
        if (progress) {
          std::fprintf(stderr, "\rsending: %s%s", Size(sent).c_str(),
                       total > 0 ? absl::StrCat(" of ", Size(total)).c_str() : "");
          std::fflush(stderr);
        }
        return true;
      });
  if (!is_stdin) std::fclose(f);
  if (progress) std::fputs("\r\033[K", stderr);
  if (!reply.ok()) {
    return absl::Status(reply.status().code(),
                        absl::StrCat(DisplayName(path), ": ", reply.status().message()));
  }
  if (context.json) {
    std::cout << ToJson(*reply) << '\n';
  } else if (reply->held() == reply->records()) {
    std::cout << absl::StrCat("nothing applied: this node already holds ", reply->from(),
                              "'s records through position ", reply->cursor(),
                              " (this bundle: positions ", reply->first(), "..", reply->last(),
                              ")\n");
  } else {
    std::cout << absl::StrCat(
        "applied ", Grouped(reply->applied()), " of ", Grouped(reply->records()),
        " records from ", reply->from(), "; the next sync resumes after position ",
        reply->cursor(),
        reply->refused() > 0
            ? absl::StrCat(" (", Grouped(reply->refused()), " refused: see councilctl status)")
            : "",
        "\n");
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> BundleCommands() {
  std::vector<Command> commands;
  commands.push_back({
      .name = "bundle export",
      .synopsis = "(--for-parent | --for-child UNIT) --out FILE [--force]",
      .help = "Writes everything in this node's outbox that the parent (or the child\n"
              "UNIT) has not acknowledged to FILE, one self-verifying bundle sealed with\n"
              "this node's signing key, to carry by hand and apply there with `bundle\n"
              "import`. Prints \"wrote N records for UNIT (positions A..B) to FILE\" (the\n"
              "BundleHeader with --json). FILE is written as FILE.tmp, then renamed.\n"
              "  --for-parent             for this node's parent\n"
              "  --for-child UNIT         for the child unit UNIT\n"
              "  --out FILE               the bundle file\n"
              "  --force                  replace FILE if it exists\n",
      .flags = {
          {.name = "for-parent"},
          {.name = "for-child", .value_name = "UNIT"},
          {.name = "out", .value_name = "FILE", .required = true},
          {.name = "force"},
      },
      .positionals = {},
      .run = &BundleExport,
  });
  commands.push_back({
      .name = "bundle import",
      .synopsis = "FILE",
      .help = "Applies a bundle from this node's parent or a child as its link would,\n"
              "and advances the link's cursor, so the next sync does not send it again.\n"
              "Positions this node already holds are skipped; a bundle that is truncated,\n"
              "altered, for another node, or that starts past what this node holds\n"
              "(an earlier bundle is missing) is refused whole. Prints \"applied N of M\n"
              "records from UNIT; the next sync resumes after position P\" (the\n"
              "BundleImportReply with --json). FILE '-' reads standard input.\n",
      .flags = {},
      .positionals = {"bundle file"},
      .run = &BundleImport,
  });
  return commands;
}

}  // namespace council::client
