// A run's log: spdlog with a file per run (<logs>/<reference>.log) and the console, per the
// display flags. Lines logged while a stage runs carry "[<param set name>] ".
#pragma once

#include "log/console_overlay.hpp"

#include <curifactory/abi.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cf::host {

struct LogSettings {
  std::optional<std::filesystem::path> file;  // none: no log file (--no-log, --dry)
  bool verbose = false;                       // -v: debug lines too (console and file)
  bool quiet = false;  // --quiet: nothing on the console; the file still gets INFO and up
  bool plain = false;  // --plain: console lines exactly as in the file
  bool color = true;   // false with --no-color, or when stdout is not a terminal
  // Drawn below the console lines (--progress): each console line passes above it.
  std::shared_ptr<ConsoleOverlay> overlay;
};

class RunLog {
 public:
  explicit RunLog(const LogSettings& settings);
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  void log(cf_log_level level, std::string_view message);
  // A line for the file alone (a run's header, a crash report the console already showed).
  void file_only(cf_log_level level, std::string_view message);
  // While set, every line gets "[<name>] " after its level.
  void set_context(std::string set_name);
  void clear_context();
  // Appends text captured from the experiment's stderr (--log-errors) to the file only.
  void append_raw(std::string_view text);
  void flush();

  const std::optional<std::filesystem::path>& file() const { return file_; }

 private:
  struct Sinks;
  std::unique_ptr<Sinks> sinks_;
  std::optional<std::filesystem::path> file_;
  std::string context_;
};

}  // namespace cf::host
