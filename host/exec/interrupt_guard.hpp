// Ctrl-C or SIGTERM while this process waits on others (parallel children, a Slurm job): the
// handler only sets a flag, so the waiting loop can stop what it started before it gives up.
#pragma once

#include <signal.h>

namespace cf::host {

// Installs the flag-setting handler for SIGINT and SIGTERM for its lifetime and puts the old
// handlers back afterwards. One at a time.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // Whether SIGINT or SIGTERM arrived since construction.
  bool interrupted() const;
  // Which of the two came first, 0 for none.
  int signal() const;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace cf::host
