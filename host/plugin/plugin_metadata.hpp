// A plugin's identity as its metadata section states it, read without loading the plugin.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cf::host {

struct PluginMetadata {
  long abi_version = 0;
  std::string sdk_version;
  std::string description;
  bool is_experiment = false;
  bool is_params = false;
  bool is_cacher = false;
  std::string cacher_name;
  std::string source;  // experiments: the source file that defines the entry point, as compiled
  // Every source of the plugin as its build listed them (CMake's curifactory_add_plugin), with
  // relative ones taken from `source_dir`; empty for plugins built without that helper.
  std::vector<std::filesystem::path> sources;
};

// Parses the NUL-separated JSON records of a metadata section. Throws UserError (reason only).
PluginMetadata parse_plugin_metadata(std::string_view section);

// Reads and parses the metadata of `file` and checks its ABI version against the host's.
// Throws UserError with a reason only; callers add the file name.
PluginMetadata read_plugin_metadata(const std::filesystem::path& file);

// The same, but nothing for a well-formed shared object without a metadata section: a library
// (one the plugins link, say), not a broken plugin. Files that cannot be read still throw.
std::optional<PluginMetadata> read_plugin_metadata_if_any(const std::filesystem::path& file);

}  // namespace cf::host
