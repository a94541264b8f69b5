// YAML parameter files: a list of parameter sets (and, later, sweeps) in the params or
// experiments folder.
#pragma once

#include <filesystem>
#include <string>

namespace cf::host {

// The file's leading '#' comment block, joined into one line (its `ls` description). Also
// checks that the file is well-formed YAML; throws UserError with the line and column if not.
std::string read_yaml_description(const std::filesystem::path& file);

}  // namespace cf::host
