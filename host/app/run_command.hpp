// Running an experiment: resolve its plugin and params files, gather the parameter sets,
// and hand them to the experiment's run().
#pragma once

#include <string>

namespace cf::host {

struct Config;
struct RunOptions;

// Returns the process exit code; throws UserError for bad input found before run() starts.
int run_experiment(const Config& config, const RunOptions& options, const std::string& command_line);

}  // namespace cf::host
