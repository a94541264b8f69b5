// The command line that means a RunOptions: what a --parallel or Slurm run's shares are started
// with. It lives beside the parser so the two cannot drift apart: parse_cli(run_arguments(o))
// gives o back, for every run flag (tests/unit/run_arguments_test.cpp).
#pragma once

#include "cli/options.hpp"

#include <string>
#include <vector>

namespace cf::host {

// The arguments after the program name: the experiment, then every flag `options` sets, each
// value in `--flag=value` form so a value starting with '-' stays a value.
std::vector<std::string> run_arguments(const RunOptions& options);

}  // namespace cf::host
