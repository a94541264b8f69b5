#include "store/run_liveness.hpp"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace cf::host {
namespace {

std::string this_host() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return "";
  return name.data();
}

}  // namespace

RunProcess run_process(const StoredRun& run) {
  if (run.status != "incomplete") return RunProcess::finished;
  if (run.pid <= 0 || run.hostname.empty() || run.hostname != this_host()) return RunProcess::unknown;
  // Signal 0 only asks whether the process exists; EPERM means it does, under another user.
  if (::kill(static_cast<pid_t>(run.pid), 0) == 0 || errno == EPERM) return RunProcess::running;
  return RunProcess::gone;
}

const char* run_process_name(RunProcess process) {
  switch (process) {
    case RunProcess::running:
      return "running";
    case RunProcess::gone:
      return "gone";
    case RunProcess::unknown:
      return "unknown";
    case RunProcess::finished:
      break;
  }
  return "";
}

}  // namespace cf::host
