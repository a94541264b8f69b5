#include "engine/run_info.hpp"

#include <unistd.h>

#include <array>
#include <ctime>

namespace cf::host {

RunInfo make_run_info(const std::string& experiment, const std::string& command_line) {
  RunInfo info;
  info.experiment = experiment;
  info.command_line = command_line;
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &local);
  info.timestamp = text.data();
  std::strftime(text.data(), text.size(), "%Y-%m-%d-T%H%M%S", &local);
  info.reference = experiment + "_" + text.data();
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) == 0) info.hostname = host.data();
  return info;
}

}  // namespace cf::host
