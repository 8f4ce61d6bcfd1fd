// Start-up shared by councild and the benchmark driver: process-wide
// settings and command-line parsing.
#ifndef COUNCIL_NODE_APP_COMMAND_LINE_H_
#define COUNCIL_NODE_APP_COMMAND_LINE_H_

#include <string>
#include <vector>

namespace council::app {

// Settings for a long-running binary, first thing in main. Debian builds
// Abseil without NDEBUG, which leaves absl::Mutex's deadlock detection on
// for every lock, gRPC's included: ~1 % of the CPU of a Put, node and client
// (perf, BENCHMARKS.md). Upstream's release builds skip it; so do ours.
void SetProcessDefaults();

// absl::ParseCommandLine of `args` (the program name first), with:
// - flags written with dashes, as the documentation writes them (--data-dir;
//   Abseil names them data_dir): each "--a-b[=v]" is read as "--a_b[=v]";
// - --help listing the flags defined in `flags_file` (the caller's
//   __FILE__): Abseil's default lists only files named after the binary,
//   and printed "No flags matched" for a main.cc.
// Exits as Abseil does on --help or a bad flag. Returns the arguments that
// are not flags, the program name first.
std::vector<std::string> ParseFlags(std::vector<std::string> args, const char* flags_file);

}  // namespace council::app

#endif  // COUNCIL_NODE_APP_COMMAND_LINE_H_
