#include "scaffold/project_files.hpp"

#include "builtin_style.hpp"
#include "config/config.hpp"
#include "scaffold/templates.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cctype>

namespace cf::host {
namespace {

namespace fs = std::filesystem;

std::string config_json(const ProjectLayout& layout) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  const std::pair<const char*, std::string> entries[] = {
      {"experiments_module_name", layout.experiments},
      {"params_module_name", layout.params},
      {"manager_cache_path", layout.data},
      {"cache_path", layout.cache},
      {"runs_path", layout.runs},
      {"logs_path", layout.logs},
      {"notebooks_path", layout.notebooks},
      {"reports_path", layout.reports},
      {"report_css_path", join_folder(layout.reports, "style.css")},
  };
  for (const auto& [key, value] : entries) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

// A CMake project name from the folder's name: letters, digits and underscores.
std::string cmake_project_name(const std::string& name) {
  std::string result;
  for (char c : name) result += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
  if (result.empty() || std::isdigit(static_cast<unsigned char>(result[0])) != 0)
    result = "project_" + result;
  return result;
}

// A folder of the project, relative and normalised, or nothing when it lies outside (or is
// the project itself), where the project's .gitignore has no say.
std::optional<fs::path> inside(const fs::path& folder) {
  const fs::path normal = folder.lexically_normal();
  if (normal.is_absolute() || normal.empty() || *normal.begin() == "..") return std::nullopt;
  fs::path cleaned = normal.has_filename() ? normal : normal.parent_path();
  if (cleaned.empty() || cleaned == ".") return std::nullopt;
  return cleaned;
}

bool below(const fs::path& path, const fs::path& folder) {
  const auto relative = path.lexically_relative(folder);
  return !relative.empty() && *relative.begin() != "..";
}

// A .gitignore pattern matching exactly this path from the project root: glob characters and a
// leading '#' or '!' escaped.
std::string anchored(const fs::path& path) {
  std::string pattern = "/";
  for (char c : path.generic_string()) {
    if (c == '*' || c == '?' || c == '[' || c == '\\' || c == '!' || c == '#') pattern += '\\';
    pattern += c;
  }
  return pattern;
}

std::vector<std::string> gitignore_lines(const ProjectLayout& layout, const fs::path& experiments,
                                         const fs::path& params) {
  std::vector<std::string> lines = {"# experiment init: build output, built plugins, and what runs write",
                                    "/build/"};
  for (const fs::path& folder : {experiments, params}) {
    const std::string line = anchored(folder) + "/**/*.so";
    if (lines.back() != line) lines.push_back(line);
  }
  lines.push_back("/cachers/*.so");
  // The data folder holds the run store, and by default the cache and the runs as well.
  std::vector<fs::path> ignored;
  for (const fs::path& folder : {fs::path(layout.data), fs::path(layout.cache), fs::path(layout.runs),
                                 fs::path(layout.logs), fs::path(layout.notebooks) / "experiments"}) {
    const auto relative = inside(folder);
    if (!relative) continue;
    bool covered = false;
    for (const fs::path& done : ignored) covered = covered || *relative == done || below(*relative, done);
    if (covered) continue;
    ignored.push_back(*relative);
    lines.push_back(anchored(*relative) + "/");
  }
  // Reports are written by runs, except the stylesheet, which is the project's to edit.
  if (const auto reports = inside(layout.reports)) {
    lines.push_back(anchored(*reports) + "/*");
    lines.push_back("!" + anchored(*reports) + "/style.css");
  }
  return lines;
}

}  // namespace

std::string replace_markers(std::string text,
                            const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [key, value] : values) {
    const std::string marker = "@" + key + "@";
    for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + value.size())) {
      text.replace(at, marker.size(), value);
    }
  }
  return text;
}

ScaffoldPlan scaffold_plan(const ProjectLayout& layout, const std::string& project_name) {
  const fs::path experiments = module_folder(layout.experiments).lexically_normal();
  const fs::path params = module_folder(layout.params).lexically_normal();
  const bool shared_folder = experiments == params;
  // When params live with the experiments, the experiments' glob builds them already.
  const std::string params_line =
      shared_folder ? "" : "add_project_plugins(params \"" + params.generic_string() + "\")\n";

  ScaffoldPlan plan;
  plan.files.push_back({"curifactory_config.json", config_json(layout)});
  plan.files.push_back({"CMakeLists.txt", replace_markers(std::string(project_cmake_template()),
                                                          {{"PROJECT_NAME", cmake_project_name(project_name)},
                                                           {"EXPERIMENTS", experiments.generic_string()},
                                                           {"PARAMS_LINE", params_line}})});
  plan.files.push_back({experiments / "example_params.hpp", std::string(example_params_template())});
  plan.files.push_back({experiments / "example.cpp", std::string(example_experiment_template())});
  plan.files.push_back({params / "example_sweep.cpp", std::string(example_sweep_template())});
  plan.files.push_back(
      {fs::path(layout.reports) / "style.css", std::string(cf::reports::builtin_style_css())});

  plan.folders = {experiments, params, "cachers", layout.data, layout.logs, layout.notebooks, layout.reports};
  plan.gitignore = gitignore_lines(layout, experiments, params);
  return plan;
}

}  // namespace cf::host
