#include "exec/interrupt_guard.hpp"

#include <csignal>

namespace cf::host {
namespace {

volatile std::sig_atomic_t interrupted_flag = 0;  // the first signal's number

void on_interrupt(int signal_number) {
  if (interrupted_flag == 0) interrupted_flag = signal_number;
}

}  // namespace

InterruptGuard::InterruptGuard() {
  interrupted_flag = 0;
  struct sigaction action {};
  action.sa_handler = &on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

bool InterruptGuard::interrupted() const {
  return interrupted_flag != 0;
}

int InterruptGuard::signal() const {
  return static_cast<int>(interrupted_flag);
}

}  // namespace cf::host
