// Finding a project's experiment and parameter files, and naming them the way the CLI does:
// the path inside the module folder without extension, '/' written as '.'.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cf::host {

struct ProjectFile {
  enum class Type { plugin, yaml };
  std::string name;  // e.g. "subexp.example"
  std::filesystem::path path;
  Type type;
};

inline constexpr const char* kPluginExtension = ".so";

// Every plugin (.so) and YAML params file (.yaml, .yml) under `folder`, recursively, sorted by
// name. The folder must exist.
std::vector<ProjectFile> scan_module_folder(const std::filesystem::path& folder);

// "subexp.example" -> "<folder>/subexp/example<extension>".
std::filesystem::path module_file(const std::filesystem::path& folder, const std::string& dotted_name,
                                  const std::string& extension);

// The file a params name means: a plugin, else a .yaml, else a .yml file, looked for in
// `params_dir`, then in `experiments_dir`. Empty when there is none.
std::filesystem::path find_params_file(const std::filesystem::path& params_dir,
                                       const std::filesystem::path& experiments_dir, const std::string& name);

}  // namespace cf::host
