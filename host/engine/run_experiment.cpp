#include "engine/run_experiment.hpp"

#include "cli/options.hpp"
#include "config/config.hpp"
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

namespace cf::host {
namespace {

void log_to_console(void*, cf_log_level level, cf_str message) {
  static constexpr const char* kNames[] = {"DEBUG", "INFO", "WARNING", "ERROR"};
  const int index = level >= CF_LOG_DEBUG && level <= CF_LOG_ERROR ? level : CF_LOG_INFO;
  std::cout << kNames[index] << " - " << std::string_view(message.data, message.size) << std::endl;
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

}  // namespace

int run_experiment(const Config& config, const RunOptions& options) {
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

  const std::string json = sets_array(sets);
  const cf_host_api host{sizeof(cf_host_api), CF_ABI_VERSION, nullptr, &log_to_console};
  StringSink error;
  if (api.run(&host, cf_str{json.data(), json.size()}, error.sink()) != CF_OK) {
    std::cerr << "error: experiment '" << options.experiment << "' failed: " << error.text << "\n";
    return 1;
  }
  return 0;
}

}  // namespace cf::host
