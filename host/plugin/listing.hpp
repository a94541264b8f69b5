// `experiment ls`: the experiments and parameter files of a project, with their descriptions,
// read from plugin metadata and YAML comments. Runs no plugin code.
#pragma once

#include <string>

namespace cf::host {

struct Config;

// The complete text `experiment ls` prints, in the original's format.
std::string render_listing(const Config& config);

}  // namespace cf::host
