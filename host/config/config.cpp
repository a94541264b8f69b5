#include "config/config.hpp"

#include "util/error.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fstream>
#include <sstream>
#include <string>

namespace cf::host {
namespace {

constexpr const char* kConfigName = "curifactory_config.json";
constexpr int kParentsSearched = 3;

std::optional<std::filesystem::path> find_config(const std::filesystem::path& start) {
  std::filesystem::path folder = std::filesystem::absolute(start).lexically_normal();
  for (int level = 0; level <= kParentsSearched; ++level) {
    const auto candidate = folder / kConfigName;
    if (std::filesystem::is_regular_file(candidate)) return candidate;
    if (!folder.has_relative_path()) break;
    folder = folder.parent_path();
  }
  return std::nullopt;
}

// Normalised, without the trailing separator a value like "data/" would leave.
std::filesystem::path clean(const std::filesystem::path& path) {
  auto normal = path.lexically_normal();
  return normal.has_filename() ? normal : normal.parent_path();
}

}  // namespace

// As in the original, dots separate folders unless the value is already written as a path.
std::filesystem::path module_folder(std::string name) {
  if (name.find('/') == std::string::npos) {
    for (char& c : name) c = c == '.' ? '/' : c;
  }
  return name;
}

std::string display_path(const std::filesystem::path& path) {
  const auto relative = path.lexically_proximate(std::filesystem::current_path());
  const std::string text = relative.generic_string();
  if (text.empty() || text.rfind("..", 0) == 0) return path.generic_string();
  return text;
}

Config load_config(const std::filesystem::path& start) {
  Config config;
  config.file = find_config(start);
  config.root = config.file ? config.file->parent_path() : std::filesystem::absolute(start);

  rapidjson::Document json;
  if (config.file) {
    std::ifstream in(*config.file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) throw UserError(display_path(*config.file) + ": cannot be read");
    json.Parse(text.str().c_str());
    if (json.HasParseError()) {
      throw UserError(display_path(*config.file) + ": malformed JSON at offset " +
                      std::to_string(json.GetErrorOffset()) + ": " +
                      rapidjson::GetParseError_En(json.GetParseError()));
    }
    if (!json.IsObject()) throw UserError(display_path(*config.file) + ": expected a JSON object");
  } else {
    json.SetObject();
  }

  const auto text_value = [&](const char* key, const char* fallback) -> std::string {
    const auto it = json.FindMember(key);
    if (it == json.MemberEnd()) return fallback;
    if (!it->value.IsString()) {
      throw UserError(display_path(*config.file) + ": key '" + key + "' must be a string");
    }
    return it->value.GetString();
  };
  const auto path_value = [&](const char* key, const char* fallback) {
    return clean(config.root / text_value(key, fallback));
  };

  config.experiments_dir =
      clean(config.root / module_folder(text_value("experiments_module_name", "experiments")));
  config.params_dir = clean(config.root / module_folder(text_value("params_module_name", "params")));
  config.manager_cache_path = path_value("manager_cache_path", "data/");
  config.cache_path = path_value("cache_path", "data/cache");
  config.runs_path = path_value("runs_path", "data/runs");
  config.logs_path = path_value("logs_path", "logs/");
  config.notebooks_path = path_value("notebooks_path", "notebooks/");
  config.reports_path = path_value("reports_path", "reports/");
  config.report_css_path = path_value("report_css_path", "reports/style.css");
  if (const auto it = json.FindMember("slurm"); it != json.MemberEnd()) {
    if (!it->value.IsBool())
      throw UserError(display_path(*config.file) + ": key 'slurm' must be true or false");
    config.slurm = it->value.GetBool();
  }
  config.slurm_args = text_value("slurm_args", "");
  return config;
}

}  // namespace cf::host
