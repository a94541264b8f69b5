// `experiment ls`: the experiments and parameter files of a project, with their descriptions,
// read from plugin metadata and YAML comments. Runs no plugin code.
#pragma once

#include <string>
#include <vector>

namespace cf::host {

struct Config;

// A row of the CACHERS section: a cacher's name and description, or a file that is unusable
// as a cacher (its file stem and the reason, shown as an error).
struct ListedCacher {
  std::string name;
  std::string description;
  std::string error;
};

// The complete text `experiment ls` prints, in the original's format, plus a third section
// for the cachers a run can use.
std::string render_listing(const Config& config, const std::vector<ListedCacher>& cachers);

// The names `experiment ls` lists without an error under EXPERIMENTS (`experiments` true) or
// PARAMS, sorted, one per line: what shell completion offers (`ls --names-only`).
std::string render_names(const Config& config, bool experiments);

}  // namespace cf::host
