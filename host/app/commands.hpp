// The commands of `experiment`: ls, runs, reports, init, completion, and running an experiment.
#pragma once

namespace cf::host {

struct Options;

// Runs the command `options` name; returns the exit code. Throws UserError for bad input.
int run_command(const Options& options);

}  // namespace cf::host
