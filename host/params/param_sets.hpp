// Gathering the parameter sets of a run: read every -p file (plugin or YAML) in order, select
// by --names / --indices / --global-indices, complete each selected set with the experiment's
// defaults (the experiment plugin normalises it) and hash it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace cf::host {

struct Config;
struct RunOptions;
class LoadedPlugin;

struct SelectedSet {
  std::string params_file;  // the -p name it came from
  std::size_t index_in_file = 0;
  std::string name;
  std::string hash;
  std::string json;  // the complete set object, with "name" and "hash"
};

// Throws UserError naming the file, set and field for every bad input, before any stage runs.
std::vector<SelectedSet> select_param_sets(const Config& config, const RunOptions& options,
                                           const LoadedPlugin& experiment);

}  // namespace cf::host
