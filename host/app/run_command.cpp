#include "app/run_command.hpp"

#include "app/from_options.hpp"

#include "app/prepared_run.hpp"
#include "cache/artifact_cache.hpp"
#include "cache/cacher_registry.hpp"
#include "cli/options.hpp"
#include "config/config.hpp"
#include "engine/run_info.hpp"
#include "engine/stage_declarations.hpp"
#include "params/param_sets.hpp"
#include "plugin/discovery.hpp"
#include "plugin/loaded_plugin.hpp"
#include "plugin/module_name.hpp"
#include "store/run_store.hpp"
#include "util/error.hpp"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

namespace cf::host {
namespace {

std::string sets_array(const std::vector<SelectedSet>& sets) {
  std::string json = "[";
  for (const auto& set : sets) {
    if (json.size() > 1) json += ',';
    json += set.json;
  }
  return json + "]";
}

bool looks_like_hash_prefix(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

// --print-params [NAME_OR_HASH_PREFIX]: the selected sets named NAME, else the registry's sets
// whose hash starts with the prefix, as indented JSON.
int print_params(const Config& config, const std::vector<SelectedSet>& sets, const std::string& wanted) {
  std::vector<std::string> shown;
  for (const SelectedSet& set : sets) {
    if (wanted.empty() || set.name == wanted) shown.push_back(set.json);
  }
  if (shown.empty() && looks_like_hash_prefix(wanted)) {
    const auto store_file = RunStore::default_path(config);
    if (std::filesystem::exists(store_file)) {
      for (const RegisteredParams& entry : RunStore(store_file).find_params(wanted))
        shown.push_back(entry.json);
    }
    if (shown.empty()) {
      throw UserError("--print-params '" + wanted +
                      "': no selected set has that name and no registered set's hash starts with it");
    }
  }
  if (shown.empty())
    throw UserError("--print-params '" + wanted + "': no selected parameter set has that name");
  rapidjson::Document document;
  std::string json = "[";
  for (const auto& set : shown) json += (json.size() > 1 ? "," : "") + set;
  json += "]";
  document.Parse(json.c_str());
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  document.Accept(writer);
  std::cout << buffer.GetString() << "\n";
  return 0;
}

// --parallel-mode, or a distributed launcher's process other than rank 0: cache only.
bool parallel_mode(const RunOptions& options) {
  if (options.parallel_mode) return true;
  for (const char* name : {"RANK", "LOCAL_RANK", "NODE_RANK"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0' && std::string(value) != "0") return true;
  }
  return false;
}

}  // namespace

int run_experiment(const Config& config, const RunOptions& given, const std::string& command_line) {
  const RunOptions options = with_module_names(config, given);
  if (options.slurm_args && !options.slurm && !config.slurm) {
    throw UserError("--slurm-args applies only to Slurm runs: add --slurm, or \"slurm\": true in " +
                    (config.file ? display_path(*config.file) : std::string("curifactory_config.json")));
  }
  const auto experiment_path = module_file(config.experiments_dir, options.experiment, kPluginExtension);
  if (!std::filesystem::is_regular_file(experiment_path)) {
    throw UserError("experiment '" + options.experiment + "' not found: no " + display_path(experiment_path) +
                    " (see experiment ls)");
  }
  const LoadedPlugin experiment(experiment_path);
  const cf_experiment_api& api = experiment.experiment();
  const std::vector<SelectedSet> sets = select_param_sets(config, param_selection(options), experiment);

  if (options.hashes) {
    for (const auto& set : sets) std::cout << set.hash << ' ' << set.name << '\n';
    return 0;
  }
  if (options.print_params) return print_params(config, sets, *options.print_params);

  CacherRegistry cachers(default_cacher_folders(config.root, current_executable()));
  check_declared_stages(api, experiment.path(), cachers, options.lazy && !options.ignore_lazy);

  const std::string prefix = options.prefix.value_or(options.experiment);
  if (prefix.empty() || prefix.find('/') != std::string::npos) {
    throw UserError("--prefix '" + prefix + "': a cache file prefix cannot be empty or contain '/'");
  }
  const std::filesystem::path cache_folder =
      options.cache ? std::filesystem::absolute(*options.cache).lexically_normal() : config.cache_path;

  SessionSettings settings = session_settings(options);
  if (options.share_plan) settings.share = read_share_plan(*options.share_plan);
  for (const SelectedSet& set : sets) settings.handed_out.remember(set.hash, set.values_hash);

  const PreparedRun run{config,           options, command_line, experiment, sets,
                        sets_array(sets), cachers, cache_folder, prefix,     settings};
  if (options.dry || options.map || options.paths || parallel_mode(options)) return run_unrecorded(run);
  return run_recorded(run);
}

}  // namespace cf::host
