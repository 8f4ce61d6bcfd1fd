// backup create: an online backup of the node's store.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/commands.h"
#include "client/json.h"
#include "node/core/status_macros.h"

namespace council::client {
namespace {

absl::Status BackupCreate(Context& context) {
  std::string out = context.args.Get("out");
  if (out.empty()) return UsageError("--out needs a directory");
  // The node resolves nothing: it gets the absolute path, on its machine.
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(out, ec);
  if (ec) return UsageError(absl::StrCat("--out ", out, ": ", ec.message()));
  v1::BackupRequest request;
  request.set_dir(dir.lexically_normal().string());
  const bool progress = isatty(STDERR_FILENO) == 1;
  v1::BackupProgress done;
  RETURN_IF_ERROR(context.node.Backup(request, [&](const v1::BackupProgress& p) {
    if (p.done()) {
      done = p;
    } else if (progress) {
      std::fprintf(stderr, "\rbacking up: %llu MiB copied",
                   static_cast<unsigned long long>(p.bytes_copied() >> 20));
      std::fflush(stderr);
    }
    return absl::OkStatus();
  }));
  if (progress) std::fputs("\r\033[K", stderr);
  if (!done.done()) return absl::UnavailableError("the node ended the backup without a result");
  if (context.json) {
    std::cout << ToJson(done) << '\n';
    return absl::OkStatus();
  }
  std::cout << absl::StrCat("backup ", done.backup_id(), " written to ", request.dir(), ": ",
                            done.bytes(), " bytes in ", done.files(), " files",
                            done.key_files().empty()
                                ? ""
                                : absl::StrCat(", with ", absl::StrJoin(done.key_files(), " and ")),
                            "\nrestore it with: councild restore --from ", request.dir(),
                            " --data-dir NEW_DIR\n");
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> BackupCommands() {
  std::vector<Command> commands;
  commands.push_back({
      .name = "backup create",
      .synopsis = "--out DIR",
      .help = "Takes an online, consistent backup of the node's store into DIR, on the\n"
              "node's machine (created if needed; earlier backups there are kept and share\n"
              "unchanged files), with copies of its signing key and admin token. Keep DIR\n"
              "off the node's disk. Restore with `councild restore --from DIR --data-dir D`.\n"
              "  --out DIR                the backup directory\n",
      .flags = {{.name = "out", .value_name = "DIR", .required = true}},
      .positionals = {},
      .run = &BackupCreate,
  });
  return commands;
}

}  // namespace council::client
