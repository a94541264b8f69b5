// Running a helper program (docker, ldd, dpkg-query) and waiting for it: with its output
// captured, or shown on the caller's console. posix_spawn, not fork, since the caller may have
// threads.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace cf::host {

struct CapturedOutput {
  int status = 0;          // as from waitpid
  bool timed_out = false;  // killed after the timeout
  std::string out;
  std::string err;
  bool succeeded() const;
};

// Runs argv (argv[0] looked up on PATH) with stdin from /dev/null, capturing stdout and stderr;
// past `timeout` the program is killed and `timed_out` set. Throws UserError naming the program
// when it cannot be started (not installed, not executable).
CapturedOutput run_captured(const std::vector<std::string>& argv,
                            std::optional<std::chrono::milliseconds> timeout = std::nullopt);

// Runs argv with stdin from /dev/null and the caller's stdout and stderr; returns its exit
// code, or 128 + the signal that ended it. Throws UserError when it cannot be started.
int run_on_console(const std::vector<std::string>& argv);

}  // namespace cf::host
