// Who produced an artifact: the identity of one run, written into every cache metadata file
// (and, once the run store exists, into the store and the report).
#pragma once

#include <optional>
#include <string>

namespace cf::host {

struct RunInfo {
  std::string experiment;
  std::optional<int> number;  // from the run store; unset until the store assigns one
  std::string timestamp;      // local time, ISO 8601 to the second: 2026-11-28T10:15:00
  std::string reference;      // <experiment>[_<number>]_<YYYY-MM-DD-THHMMSS>
  std::string hostname;
  std::string command_line;
};

RunInfo make_run_info(const std::string& experiment, const std::string& command_line);

}  // namespace cf::host
