// Runs the experiment in a forked child so that a plugin crashing the process (a segfault, an
// abort, a call to exit) cannot take the bookkeeping down with it: the parent waits, knows the
// last stage the child started, and reports how the child ended.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cf::host {

// What the child may tell its parent while it runs.
class SupervisorChannel {
 public:
  // `board`: memory shared with the parent, where the latest `started` report is kept.
  SupervisorChannel(int progress_fd, int console_fd, bool timed, char* board)
      : progress_fd_(progress_fd), console_fd_(console_fd), timed_(timed), board_(board) {}
  // The stage the child is about to run ("stage 'fit' on record 3 ('a')"); the parent keeps the
  // latest to name it if the child dies. Only with a stage timeout does the parent need to
  // hear of it at once (its clock starts); otherwise it is left in shared memory, which costs
  // no system call and no wake-up of the parent per stage.
  void started(std::string_view what) const;
  // The stage reported by `started` has returned; its --stage-timeout clock stops. Sent only
  // with a stage timeout.
  void finished() const;
  // The child's stderr as it was before `on_stderr` capture (--log-errors) redirected it into
  // the log: where to draw on the console (progress bars) without that landing in the log file.
  int console_fd() const { return console_fd_; }

 private:
  int progress_fd_;
  int console_fd_;
  bool timed_;
  char* board_;
};

struct ChildEnd {
  bool signaled = false;
  int code = 0;            // exit code, or the signal number when signaled
  std::string last_stage;  // the last `started` report, empty when none
  bool timed_out = false;  // the parent killed the child: `last_stage` outlived the stage timeout
  int interrupted_by = 0;  // SIGINT or SIGTERM this process received (and passed on) meanwhile
  // "killed by signal 11 (SIGSEGV)" / "exited with code 3"
  std::string describe() const;
};

// Forks. The child runs `child` and exits with what it returns; the parent forwards the child's
// stderr to its own and, when `on_stderr` is set, to that too (for --log-errors), then returns
// how the child ended. With `stage_timeout` (seconds), a stage that runs longer gets the child
// killed (SIGKILL: a stage stuck in a loop or a system call ignores anything gentler). SIGINT
// and SIGTERM reaching this process meanwhile are passed on to the child, which ends (or, while
// it waits on shares, stops them), and this process lives on to record how. Must be called
// while this process has no other threads.
ChildEnd run_supervised(const std::function<int(const SupervisorChannel&)>& child,
                        const std::function<void(std::string_view)>& on_stderr,
                        std::optional<double> stage_timeout = std::nullopt);

}  // namespace cf::host
