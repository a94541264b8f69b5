#include "engine/run_experiment.hpp"

#include "cache/artifact_cache.hpp"
#include "cache/cacher_registry.hpp"
#include "cli/options.hpp"
#include "config/config.hpp"
#include "engine/run_info.hpp"
#include "engine/run_map.hpp"
#include "engine/run_session.hpp"
#include "engine/stage_declarations.hpp"
#include "params/param_sets.hpp"
#include "plugin/discovery.hpp"
#include "plugin/loaded_plugin.hpp"
#include "plugin/string_sink.hpp"
#include "util/error.hpp"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <iostream>
#include <set>

namespace cf::host {
namespace {

// Console lines until run logging lands: "LEVEL - message", debug lines only with --verbose.
LogFunction console_log(bool verbose) {
  return [verbose](cf_log_level level, std::string_view message) {
    static constexpr const char* kNames[] = {"DEBUG", "INFO", "WARNING", "ERROR"};
    if (level == CF_LOG_DEBUG && !verbose) return;
    const int index = level >= CF_LOG_DEBUG && level <= CF_LOG_ERROR ? level : CF_LOG_INFO;
    std::cout << kNames[index] << " - " << message << std::endl;
  };
}

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

// --print-params [NAME]: the selected sets (or those named NAME) as indented JSON.
int print_params(const std::vector<SelectedSet>& sets, const std::string& wanted) {
  std::vector<SelectedSet> shown;
  std::copy_if(sets.begin(), sets.end(), std::back_inserter(shown),
               [&](const SelectedSet& set) { return wanted.empty() || set.name == wanted; });
  if (shown.empty()) {
    if (looks_like_hash_prefix(wanted)) {
      throw UserError("--print-params '" + wanted +
                      "': no selected set has that name, and looking up hash prefixes needs the run store "
                      "(not available yet in this release)");
    }
    throw UserError("--print-params '" + wanted + "': no selected parameter set has that name");
  }
  rapidjson::Document document;
  const std::string json = sets_array(shown);
  document.Parse(json.c_str());
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  document.Accept(writer);
  std::cout << buffer.GetString() << "\n";
  return 0;
}

// A misspelt --overwrite-stage would otherwise silently overwrite nothing.
void check_overwrite_stages(const StageGraph& graph, const std::vector<std::string>& wanted) {
  std::set<std::string> known;
  for (const StageNode& node : graph.stages()) known.insert(node.call.name);
  for (const auto& name : wanted) {
    if (known.contains(name)) continue;
    std::string list;
    for (const auto& stage : known) list += (list.empty() ? "" : ", ") + stage;
    throw UserError("--overwrite-stage '" + name + "': the experiment calls no stage of that name (its stages: " +
                    (list.empty() ? "none" : list) + ")");
  }
}

}  // namespace

int run_experiment(const Config& config, const RunOptions& options, const std::string& command_line) {
  const auto experiment_path = module_file(config.experiments_dir, options.experiment, kPluginExtension);
  if (!std::filesystem::is_regular_file(experiment_path)) {
    throw UserError("experiment '" + options.experiment + "' not found: no " + display_path(experiment_path) +
                    " (see experiment ls)");
  }
  const LoadedPlugin experiment(experiment_path);
  const cf_experiment_api& api = experiment.experiment();
  const std::vector<SelectedSet> sets = select_param_sets(config, options, experiment);

  if (options.hashes) {
    for (const auto& set : sets) std::cout << set.hash << ' ' << set.name << '\n';
    return 0;
  }
  if (options.print_params) return print_params(sets, *options.print_params);

  CacherRegistry cachers(default_cacher_folders(config.root, current_executable()));
  check_declared_stages(api, experiment.path(), cachers, options.lazy && !options.ignore_lazy);

  const std::string prefix = options.prefix.value_or(options.experiment);
  if (prefix.empty() || prefix.find('/') != std::string::npos) {
    throw UserError("--prefix '" + prefix + "': a cache file prefix cannot be empty or contain '/'");
  }
  const std::filesystem::path cache_folder =
      options.cache ? std::filesystem::absolute(*options.cache).lexically_normal() : config.cache_path;
  ArtifactCache cache(cache_folder, prefix, cachers);

  SessionSettings settings;
  settings.dag = !options.no_dag;
  settings.dry = options.dry;
  settings.dry_cache = options.dry_cache;
  settings.lazy_all = options.lazy;
  settings.ignore_lazy = options.ignore_lazy;
  settings.overwrite.everything = options.overwrite;
  settings.overwrite.stages.insert(options.overwrite_stages.begin(), options.overwrite_stages.end());
  RunSession session(cache, make_run_info(options.experiment, command_line), settings,
                     console_log(options.verbose));

  const std::string json = sets_array(sets);
  auto call_run = [&](const char* pass) {
    StringSink error;
    if (api.run(session.host_api(), cf_str{json.data(), json.size()}, error.sink()) == CF_OK) return true;
    std::cerr << "error: experiment '" << options.experiment << "' failed" << pass << ": " << error.text
              << "\n";
    return false;
  };

  if (settings.dag || options.map || options.paths) {
    session.start_map_pass();
    if (!call_run(" during the map pass")) return 1;
    check_overwrite_stages(session.graph(), options.overwrite_stages);
    session.plan();
  }
  if (options.map) {
    print_map(session, std::cout);
    return 0;
  }
  if (options.paths) {
    print_paths(session, std::cout);
    return 0;
  }

  session.start_real_pass();
  const bool ran = call_run("");
  // Outputs saved before a failure stay cached: wait for them either way.
  cache.finish();
  if (!ran) return 1;
  session.finish_real_pass();
  if (!settings.dag) {
    // Without a map pass the stages are known only now; the run itself went fine.
    try {
      check_overwrite_stages(session.graph(), options.overwrite_stages);
    } catch (const UserError& e) {
      std::cout << "WARNING - " << e.what() << std::endl;
    }
  }

  if (session.actions().empty()) return 0;
  std::size_t counts[3] = {0, 0, 0};
  for (const StageAction action : session.actions()) ++counts[static_cast<int>(action)];
  std::cout << "INFO - run complete: " << counts[0] << " stage calls executed, " << counts[1]
            << " loaded from cache, " << counts[2] << " skipped" << std::endl;
  return 0;
}

}  // namespace cf::host
