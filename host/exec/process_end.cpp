#include "exec/process_end.hpp"

#include <cstring>

namespace cf::host {

std::string describe_process_end(bool signaled, int code) {
  if (!signaled) return "exited with code " + std::to_string(code);
  const char* abbreviation = sigabbrev_np(code);
  const std::string name =
      abbreviation != nullptr ? std::string("SIG") + abbreviation : "signal " + std::to_string(code);
  return "killed by signal " + std::to_string(code) + " (" + name + ")";
}

}  // namespace cf::host
