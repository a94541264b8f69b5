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
class LoadedPlugin;

// Which sets a run takes: the -p files in order (none: the experiment's own), then -n names,
// --indices inside each file and --global-indices in the combined list.
struct ParamSelection {
  std::string experiment;
  std::vector<std::string> files;
  std::vector<std::string> names;
  std::vector<std::string> indices;
  std::vector<std::string> global_indices;
};

struct SelectedSet {
  std::string params_file;  // the -p name it came from
  std::size_t index_in_file = 0;
  std::string name;
  std::string hash;  // its explicit hash if it has one, else its values hash
  // The hash of its values as run() sends them back (which knows neither the input's integers
  // in floating fields nor its key order), for the session's HashLedger.
  std::string values_hash;
  std::string json;                 // the complete set object, with "name" and "hash"
  std::size_t global_position = 0;  // its index in the list --global-indices selects from
};

// A set as normalize_params writes it: its values hash (from its hash terms), the hash it
// carried (an explicit one, or one the host handed out earlier; empty for none), and the set
// object without the hash terms, to which with_hash() adds the hash it runs under. `plugin`
// names the sender in errors.
struct HashedSet {
  std::string name;
  std::string values_hash;
  std::string carried_hash;
  std::string json_without_hash;

  std::string with_hash(const std::string& hash) const;
};
HashedSet hash_normalized_set(std::string_view normalized, const std::string& plugin);

// Why `hash` cannot be an explicit hash ("an explicit hash cannot contain '/' (it names cache
// files)"), or empty when it can.
std::string explicit_hash_problem(std::string_view hash);

// Throws UserError naming the file, set and field for every bad input, before any stage runs.
std::vector<SelectedSet> select_param_sets(const Config& config, const ParamSelection& selection,
                                           const LoadedPlugin& experiment);

}  // namespace cf::host
