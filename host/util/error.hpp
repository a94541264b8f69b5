// The host's one exception type: its message is the complete one-line error shown to the user
// (it names the file, flag or field at fault), and main() turns it into a non-zero exit.
// Interrupted is the one kind of it a caller may want to tell apart: the user stopped the
// command, which a recorded run stores as status `interrupted` rather than `error`.
#pragma once

#include <stdexcept>
#include <string>

namespace cf::host {

struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Interrupted : UserError {
  Interrupted(int signal_number, const std::string& message) : UserError(message), signal(signal_number) {}
  int signal;  // SIGINT or SIGTERM
};

}  // namespace cf::host
