// --parallel N: the selected sets split into ranges, each run by a child `experiment` process in
// parallel mode (cache only), before the parent's full run.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace cf::host {

// N contiguous ranges [begin, end) over `count` sets: the remainder goes one each to the first
// ranges; ranges that would be empty are dropped (the caller warns).
std::vector<std::pair<std::size_t, std::size_t>> split_ranges(std::size_t count, std::size_t parts);

struct ParallelChild {
  std::string range;                   // "A-B", for messages and the log name
  std::vector<std::string> arguments;  // after the executable
  std::filesystem::path log_file;      // the child writes its log here (CF_PARALLEL_LOG)
};

struct ParallelOutcome {
  std::string range;
  bool signaled = false;
  int code = 0;  // exit code, or the signal number
  std::filesystem::path log_file;
  bool failed() const { return signaled || code != 0; }
  // "sets 2-4 killed by signal 11 (SIGSEGV); log: logs/x_2-4.log"
  std::string describe() const;
};

// Starts every child at once (Boost.Process), waits for all of them, and reports how each ended.
// Ctrl-C or SIGTERM on the parent stops every child and throws Interrupted.
// `started` is called once every child runs and Ctrl-C would stop them (a log line saying so).
std::vector<ParallelOutcome> run_parallel_children(const std::filesystem::path& executable,
                                                   const std::vector<ParallelChild>& children,
                                                   const std::function<void()>& started = {});

}  // namespace cf::host
