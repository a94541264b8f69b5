// Gathering the parameter sets of a run: read every -p file (plugin or YAML) in order, select
// by --names / --indices / --global-indices, complete each selected set with the experiment's
// defaults (the experiment plugin normalises it) and hash it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
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
  std::string json;                 // the complete set object, with "name" and "hash"
  std::size_t global_position = 0;  // its index in the list --global-indices selects from
};

// A set as normalize_params writes it, hashed: the JSON keeps "name" and gains "hash"; the
// hash terms are dropped. `plugin` names the sender in errors.
struct HashedSet {
  std::string name;
  std::string hash;
  std::string json;
};
HashedSet hash_normalized_set(std::string_view normalized, const std::string& plugin);

// Throws UserError naming the file, set and field for every bad input, before any stage runs.
std::vector<SelectedSet> select_param_sets(const Config& config, const RunOptions& options,
                                           const LoadedPlugin& experiment);

}  // namespace cf::host
