// What `experiment init` writes for a layout: the files with their contents, the folders, and
// the .gitignore lines. Pure: nothing here touches the disk.
#pragma once

#include "scaffold/project_layout.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace cf::host {

struct ScaffoldFile {
  std::filesystem::path path;  // relative to the project folder
  std::string contents;
};

struct ScaffoldPlan {
  std::vector<ScaffoldFile> files;
  std::vector<std::filesystem::path> folders;  // relative unless the layout made them absolute
  std::vector<std::string> gitignore;          // lines for .gitignore, comments included
};

// `project_name` names the CMake project (made a valid identifier here).
ScaffoldPlan scaffold_plan(const ProjectLayout& layout, const std::string& project_name);

// `text` with every @KEY@ of `values` replaced by its value.
std::string replace_markers(std::string text, const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace cf::host
