#include "exec/parallel_children.hpp"

#include "config/config.hpp"
#include "exec/interrupt_guard.hpp"
#include "exec/process_end.hpp"
#include "util/error.hpp"

#include <boost/process.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>

namespace cf::host {

namespace bp = boost::process;

std::vector<std::pair<std::size_t, std::size_t>> split_ranges(std::size_t count, std::size_t parts) {
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  if (parts == 0) return ranges;
  const std::size_t base = count / parts;
  const std::size_t extra = count % parts;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < parts; ++i) {
    const std::size_t size = base + (i < extra ? 1 : 0);
    if (size == 0) continue;
    ranges.emplace_back(begin, begin + size);
    begin += size;
  }
  return ranges;
}

std::string ParallelOutcome::describe() const {
  return "the child for sets " + range + " " + describe_process_end(signaled, code) +
         "; its log: " + display_path(log_file);
}

std::vector<ParallelOutcome> run_parallel_children(const std::filesystem::path& executable,
                                                   const std::vector<ParallelChild>& children,
                                                   const std::function<void()>& started) {
  InterruptGuard guard;
  std::vector<bp::child> running;
  running.reserve(children.size());
  for (const ParallelChild& child : children) {
    auto environment = boost::this_process::environment();
    environment["CF_PARALLEL_LOG"] = child.log_file.string();
    std::error_code error;
    running.emplace_back(executable.string(), bp::args(child.arguments), bp::std_out > bp::null,
                         bp::std_in < bp::null, environment, error);
    if (error)
      throw UserError("cannot start a parallel child for sets " + child.range + ": " + error.message());
  }

  if (started) started();
  std::vector<bool> done(running.size(), false);
  for (std::size_t finished = 0; finished < running.size();) {
    if (guard.interrupted()) {
      for (std::size_t i = 0; i < running.size(); ++i) {
        if (!done[i]) ::kill(running[i].id(), SIGTERM);
      }
      for (std::size_t i = 0; i < running.size(); ++i) {
        std::error_code ignored;
        if (!done[i]) running[i].wait(ignored);
      }
      throw Interrupted(guard.signal(), "stopped every parallel child");
    }
    for (std::size_t i = 0; i < running.size(); ++i) {
      std::error_code ignored;
      if (!done[i] && running[i].wait_for(std::chrono::milliseconds(50), ignored)) {
        done[i] = true;
        ++finished;
      }
    }
  }

  // Ctrl-C reaches the children too, which may all be gone before the loop looks at the flag.
  if (guard.interrupted()) throw Interrupted(guard.signal(), "stopped every parallel child");

  std::vector<ParallelOutcome> outcomes;
  for (std::size_t i = 0; i < running.size(); ++i) {
    // exit_code() turns a signal into its number; the raw status tells the two apart.
    const int status = running[i].native_exit_code();
    ParallelOutcome outcome;
    outcome.range = children[i].range;
    outcome.log_file = children[i].log_file;
    outcome.signaled = WIFSIGNALED(status);
    outcome.code = outcome.signaled ? WTERMSIG(status) : WEXITSTATUS(status);
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

}  // namespace cf::host
