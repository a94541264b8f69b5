// A plugin's identity as its metadata section states it, read without loading the plugin.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

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
};

// Parses the NUL-separated JSON records of a metadata section. Throws UserError (reason only).
PluginMetadata parse_plugin_metadata(std::string_view section);

// Reads and parses the metadata of `file` and checks its ABI version against the host's.
// Throws UserError with a reason only; callers add the file name.
PluginMetadata read_plugin_metadata(const std::filesystem::path& file);

}  // namespace cf::host
