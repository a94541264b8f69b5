// The host's one exception type: its message is the complete one-line error shown to the user
// (it names the file, flag or field at fault), and main() turns it into a non-zero exit.
#pragma once

#include <stdexcept>
#include <string>

namespace cf::host {

struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace cf::host
