#include "plugin/discovery.hpp"

#include <algorithm>

namespace cf::host {
namespace {

bool is_yaml(const std::filesystem::path& path) {
  const auto extension = path.extension();
  return extension == ".yaml" || extension == ".yml";
}

std::string dotted_name(const std::filesystem::path& relative) {
  std::string name = relative.parent_path().generic_string();
  if (!name.empty()) name += '/';
  name += relative.stem().string();
  std::replace(name.begin(), name.end(), '/', '.');
  return name;
}

}  // namespace

std::vector<ProjectFile> scan_module_folder(const std::filesystem::path& folder) {
  std::vector<ProjectFile> files;
  const auto options = std::filesystem::directory_options::skip_permission_denied;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder, options)) {
    std::error_code ignored;
    if (!entry.is_regular_file(ignored)) continue;
    const auto& path = entry.path();
    ProjectFile::Type type;
    if (path.extension() == kPluginExtension) {
      type = ProjectFile::Type::plugin;
    } else if (is_yaml(path)) {
      type = ProjectFile::Type::yaml;
    } else {
      continue;
    }
    files.push_back({dotted_name(path.lexically_relative(folder)), path, type});
  }
  std::sort(files.begin(), files.end(), [](const ProjectFile& a, const ProjectFile& b) {
    return a.name != b.name ? a.name < b.name : a.path < b.path;
  });
  return files;
}

std::filesystem::path module_file(const std::filesystem::path& folder, const std::string& dotted_name,
                                  const std::string& extension) {
  std::string relative = dotted_name;
  std::replace(relative.begin(), relative.end(), '.', '/');
  return folder / (relative + extension);
}

std::filesystem::path find_params_file(const std::filesystem::path& params_dir,
                                       const std::filesystem::path& experiments_dir,
                                       const std::string& name) {
  for (const auto& folder : {params_dir, experiments_dir}) {
    for (const char* extension : {kPluginExtension, ".yaml", ".yml"}) {
      if (auto path = module_file(folder, name, extension); std::filesystem::is_regular_file(path))
        return path;
    }
  }
  return {};
}

}  // namespace cf::host
