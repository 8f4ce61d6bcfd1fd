// Command-line parsing shared by councild and the benchmark driver.
#ifndef COUNCIL_NODE_APP_COMMAND_LINE_H_
#define COUNCIL_NODE_APP_COMMAND_LINE_H_

#include <string>
#include <vector>

namespace council::app {

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
