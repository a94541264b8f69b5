// A plugin older than its source file: the researcher edited the experiment and forgot to
// rebuild, so the run would silently use the old code.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace cf::host {

// The source of experiment plugin `plugin` (named `name`, dotted, inside `experiments_dir`) that
// was edited last: of the files its metadata names that exist (CMake's curifactory_add_plugin
// records every source of the plugin, CF_EXPERIMENT the one that holds it), else of the layout
// `experiment init` scaffolds, <experiments_dir>/<name with '/' for '.'>.cpp or every source
// below the folder <experiments_dir>/<name with '/' for '.'>/ of a multi-file plugin.
std::optional<std::filesystem::path> experiment_source(const std::filesystem::path& plugin,
                                                       const std::filesystem::path& experiments_dir,
                                                       const std::string& name);

// A one-line warning naming both files when the plugin was last written before its source;
// nothing when the source is unknown or the plugin is up to date. Never throws.
std::optional<std::string> stale_plugin_warning(const std::filesystem::path& plugin,
                                                const std::filesystem::path& experiments_dir,
                                                const std::string& name);

}  // namespace cf::host
