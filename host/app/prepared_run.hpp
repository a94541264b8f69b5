// Everything a run needs once its input is known to be good: the experiment plugin, the
// selected sets, the cachers and cache folder, the session settings. Built before any plugin
// code runs a stage, so bad input fails before a run is recorded.
#pragma once

#include "cache/artifact_cache.hpp"
#include "cache/cacher_registry.hpp"
#include "engine/run_info.hpp"
#include "engine/run_passes.hpp"
#include "engine/run_session.hpp"
#include "log/run_log.hpp"
#include "params/param_sets.hpp"

#include <curifactory/abi.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cf::host {

struct Config;
struct RunOptions;
class LoadedPlugin;

struct PreparedRun {
  const Config& config;
  const RunOptions& options;
  std::string command_line;
  const LoadedPlugin& experiment;
  std::vector<SelectedSet> sets;
  std::string sets_json;  // the JSON array run() receives
  CacherRegistry& cachers;
  std::filesystem::path cache_folder;
  std::string prefix;
  SessionSettings settings;
};

// The experiment's run() with the run's sets, for the engine's passes.
RunnableExperiment runnable(const PreparedRun& run);

// "; its log: logs/<reference>.log", or nothing for a run without a log file: the end of the
// one console line that reports a failed run.
std::string log_hint(const RunLog& log);

// "2 s", "0.5 s": a --stage-timeout for messages.
std::string seconds_text(double seconds);

// "SIGINT (Ctrl-C)", "SIGTERM": how an interruption is named in messages.
std::string interruption_name(int signal_number);

// A run that records nothing: --dry, or --map/--paths (which stop after the map pass).
int run_unrecorded(const PreparedRun& run);

// A run numbered in the store, logged to a file, executed in a supervised child process.
int run_recorded(const PreparedRun& run);

}  // namespace cf::host
