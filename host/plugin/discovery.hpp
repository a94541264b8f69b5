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

}  // namespace cf::host
