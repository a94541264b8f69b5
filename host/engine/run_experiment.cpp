#include "engine/run_experiment.hpp"

#include "cli/options.hpp"
#include "config/config.hpp"
#include "plugin/discovery.hpp"
#include "plugin/loaded_plugin.hpp"
#include "plugin/string_sink.hpp"
#include "util/error.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>

namespace cf::host {
namespace {

std::filesystem::path plugin_file(const std::filesystem::path& folder, const std::string& name) {
  auto path = folder / relative_path_of(name);
  path += kPluginExtension;
  return path;
}

struct ParamsSource {
  std::string name;
  std::filesystem::path path;
  bool yaml = false;
};

ParamsSource find_params_file(const Config& config, const std::string& name) {
  for (const auto& folder : {config.params_dir, config.experiments_dir}) {
    if (auto path = plugin_file(folder, name); std::filesystem::is_regular_file(path)) return {name, path, false};
    for (const char* extension : {".yaml", ".yml"}) {
      auto path = folder / relative_path_of(name);
      path += extension;
      if (std::filesystem::is_regular_file(path)) return {name, path, true};
    }
  }
  throw UserError("parameters file '" + name + "' could not be found in either the params folder ('" +
                  display_path(config.params_dir) + "') or the experiments folder ('" +
                  display_path(config.experiments_dir) + "')");
}

rapidjson::Document collect_param_sets(const Config& config, const RunOptions& options) {
  rapidjson::Document all(rapidjson::kArrayType);
  const std::vector<std::string> names =
      options.params.empty() ? std::vector<std::string>{options.experiment} : options.params;
  for (const std::string& name : names) {
    const ParamsSource source = find_params_file(config, name);
    if (source.yaml) {
      throw UserError(display_path(source.path) + ": YAML parameter files can be listed but not yet run in this release");
    }
    const LoadedPlugin plugin(source.path);
    StringSink out;
    StringSink error;
    if (plugin.params().get_params(out.sink(), error.sink()) != CF_OK) {
      throw UserError("parameters file '" + name + "': get_params() failed: " + error.text);
    }
    rapidjson::Document sets;
    sets.Parse(out.text.data(), out.text.size());
    if (sets.HasParseError() || !sets.IsArray()) {
      throw UserError("parameters file '" + name + "' did not return a list of parameter sets");
    }
    for (auto& set : sets.GetArray()) all.PushBack(rapidjson::Value(set, all.GetAllocator()), all.GetAllocator());
  }
  if (all.Empty()) {
    throw UserError("No parameter sets found, check that the params files return non-empty lists");
  }
  return all;
}

void log_to_console(void*, cf_log_level level, cf_str message) {
  static constexpr const char* kNames[] = {"DEBUG", "INFO", "WARNING", "ERROR"};
  const int index = level >= CF_LOG_DEBUG && level <= CF_LOG_ERROR ? level : CF_LOG_INFO;
  std::cout << kNames[index] << " - " << std::string_view(message.data, message.size) << std::endl;
}

}  // namespace

int run_experiment(const Config& config, const RunOptions& options) {
  const auto experiment_path = plugin_file(config.experiments_dir, options.experiment);
  if (!std::filesystem::is_regular_file(experiment_path)) {
    throw UserError("experiment '" + options.experiment + "' not found: no " + display_path(experiment_path) +
                    " (see experiment ls)");
  }
  const LoadedPlugin experiment(experiment_path);
  const cf_experiment_api& api = experiment.experiment();
  const rapidjson::Document sets = collect_param_sets(config, options);

  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  sets.Accept(writer);

  const cf_host_api host{sizeof(cf_host_api), CF_ABI_VERSION, nullptr, &log_to_console};
  StringSink error;
  if (api.run(&host, cf_str{buffer.GetString(), buffer.GetSize()}, error.sink()) != CF_OK) {
    std::cerr << "error: experiment '" << options.experiment << "' failed: " << error.text << "\n";
    return 1;
  }
  return 0;
}

}  // namespace cf::host
