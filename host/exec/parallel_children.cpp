#include "exec/parallel_children.hpp"

#include "config/config.hpp"
#include "exec/process_end.hpp"
#include "util/error.hpp"

#include <boost/process.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <cstring>

namespace cf::host {
namespace {

namespace bp = boost::process;

volatile std::sig_atomic_t interrupted = 0;

void on_interrupt(int) {
  interrupted = 1;
}

// Installs the handler for the children's lifetime and puts the old one back afterwards.
class InterruptGuard {
 public:
  InterruptGuard() {
    interrupted = 0;
    struct sigaction action {};
    action.sa_handler = &on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~InterruptGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace

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
                                                   const std::vector<ParallelChild>& children) {
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

  std::vector<bool> done(running.size(), false);
  for (std::size_t finished = 0; finished < running.size();) {
    if (interrupted != 0) {
      for (std::size_t i = 0; i < running.size(); ++i) {
        if (!done[i]) ::kill(running[i].id(), SIGTERM);
      }
      for (std::size_t i = 0; i < running.size(); ++i) {
        std::error_code ignored;
        if (!done[i]) running[i].wait(ignored);
      }
      throw UserError("interrupted: stopped every parallel child");
    }
    for (std::size_t i = 0; i < running.size(); ++i) {
      std::error_code ignored;
      if (!done[i] && running[i].wait_for(std::chrono::milliseconds(50), ignored)) {
        done[i] = true;
        ++finished;
      }
    }
  }

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
