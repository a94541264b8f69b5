// How a child process ended, in words, the same for the supervised run and parallel children.
#pragma once

#include <string>

namespace cf::host {

// "killed by signal 11 (SIGSEGV)" when `signaled` (`code` is the signal), else
// "exited with code 3".
std::string describe_process_end(bool signaled, int code);

}  // namespace cf::host
