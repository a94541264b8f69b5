// A plugin loaded for use. Its metadata and ABI version are checked before the library is
// mapped, so a plugin built for another ABI never runs a line of code in this process.
#pragma once

#include <curifactory/abi.h>

#include <filesystem>
#include <memory>

#include "plugin/plugin_metadata.hpp"

namespace cf::host {

class LoadedPlugin {
 public:
  // Loads with RTLD_LOCAL. Throws UserError "<file>: <reason>" for a file that is not a
  // plugin, a wrong ABI version, or a library the dynamic loader refuses.
  explicit LoadedPlugin(const std::filesystem::path& file);
  ~LoadedPlugin();
  LoadedPlugin(LoadedPlugin&&) noexcept;
  LoadedPlugin& operator=(LoadedPlugin&&) noexcept;

  const std::filesystem::path& path() const { return path_; }
  const PluginMetadata& metadata() const { return metadata_; }

  // The entry point of each kind, checked for presence, struct size and ABI version.
  // Throws UserError naming the file when the plugin does not provide it.
  const cf_experiment_api& experiment() const;
  const cf_params_api& params() const;
  const cf_cacher_api& cacher() const;

 private:
  struct Library;
  std::filesystem::path path_;
  PluginMetadata metadata_;
  std::unique_ptr<Library> library_;
};

}  // namespace cf::host
