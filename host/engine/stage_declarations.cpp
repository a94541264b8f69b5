#include "engine/stage_declarations.hpp"

#include "cache/cacher_registry.hpp"
#include "config/config.hpp"
#include "plugin/string_sink.hpp"
#include "util/error.hpp"

#include <rapidjson/document.h>

#include <cstddef>
#include <string>

namespace cf::host {

void check_declared_stages(const cf_experiment_api& experiment, const std::filesystem::path& plugin,
                           const CacherRegistry& cachers, bool lazy_fallback) {
  // Plugins built before the run engine have no describe_stages; they have no stages either.
  if (experiment.struct_size < offsetof(cf_experiment_api, describe_stages) + sizeof(experiment.describe_stages) ||
      experiment.describe_stages == nullptr) {
    return;
  }
  const std::string where = display_path(plugin);
  StringSink out;
  StringSink error;
  if (experiment.describe_stages(out.sink(), error.sink()) != CF_OK) {
    throw UserError(where + ": cannot list its stages: " + error.text);
  }
  rapidjson::Document stages;
  stages.Parse(out.text.data(), out.text.size());
  if (stages.HasParseError() || !stages.IsArray()) throw UserError(where + ": sent a malformed list of stages");
  for (const auto& stage : stages.GetArray()) {
    if (!stage.IsObject() || !stage.HasMember("name") || !stage["name"].IsString()) {
      throw UserError(where + ": sent a malformed stage declaration");
    }
    const std::string name = stage["name"].GetString();
    if (stage.HasMember("error") && stage["error"].IsString() && stage["error"].GetStringLength() > 0) {
      throw UserError(where + ": " + stage["error"].GetString());
    }
    if (!stage.HasMember("outputs") || !stage["outputs"].IsArray()) continue;
    for (const auto& output : stage["outputs"].GetArray()) {
      if (!output.IsObject() || !output.HasMember("cacher") || !output["cacher"].IsString()) continue;
      std::string cacher = output["cacher"].GetString();
      const bool lazy = output.HasMember("lazy") && output["lazy"].IsBool() && output["lazy"].GetBool();
      if (cacher.empty() && (lazy || lazy_fallback)) cacher = "raw";
      if (cacher.empty() || cachers.has(cacher)) continue;
      std::string available;
      for (const auto& known : cachers.names()) available += (available.empty() ? "" : ", ") + known;
      const std::string output_name = output.HasMember("name") && output["name"].IsString() ? output["name"].GetString() : "?";
      throw UserError(where + ": stage '" + name + "', output '" + output_name + "' names cacher '" + cacher +
                      "', which is not installed (available: " + (available.empty() ? "none" : available) + ")");
    }
  }
}

}  // namespace cf::host
