// The one place command-line options become what the layers below take: names for the plugin
// and params files, the parameter selection, the engine's run settings, the log's console
// settings. Nothing under app/ passes RunOptions further down.
#pragma once

#include "cli/options.hpp"
#include "engine/run_session.hpp"
#include "log/run_log.hpp"
#include "params/param_sets.hpp"

namespace cf::host {

struct Config;

// `options` with its experiment and -p files as names: paths as shell completion gives them
// (experiments/heat.so, -p params/x.yaml) run as the names they stand for, so the store, logs
// and cache names are those of `heat` and `x`.
RunOptions with_module_names(const Config& config, RunOptions options);

ParamSelection param_selection(const RunOptions& options);

// Everything but the share plan and the selected sets' hashes, which come from files.
SessionSettings session_settings(const RunOptions& options);

// The console half of the log settings, from the display flags.
LogSettings console_settings(const RunOptions& options);

}  // namespace cf::host
