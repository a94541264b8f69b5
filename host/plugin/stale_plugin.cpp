#include "plugin/stale_plugin.hpp"

#include "config/config.hpp"
#include "plugin/discovery.hpp"
#include "plugin/plugin_metadata.hpp"
#include "util/error.hpp"

namespace cf::host {

std::optional<std::filesystem::path> experiment_source(const std::filesystem::path& plugin,
                                                       const std::filesystem::path& experiments_dir,
                                                       const std::string& name) {
  std::error_code error;
  try {
    const std::filesystem::path recorded = read_plugin_metadata(plugin).source;
    // A relative __FILE__ is relative to a build folder we do not know; a plugin built on
    // another machine names a file that is not here. Either way, fall back to the layout.
    if (recorded.is_absolute() && std::filesystem::is_regular_file(recorded, error)) return recorded;
  } catch (const UserError&) {
    // Unreadable metadata is reported where the plugin is loaded; here it only means "unknown".
  }
  const auto beside = module_file(experiments_dir, name, ".cpp");
  if (std::filesystem::is_regular_file(beside, error)) return beside;
  return std::nullopt;
}

std::optional<std::string> stale_plugin_warning(const std::filesystem::path& plugin,
                                                const std::filesystem::path& experiments_dir,
                                                const std::string& name) {
  const auto source = experiment_source(plugin, experiments_dir, name);
  if (!source) return std::nullopt;
  std::error_code error;
  const auto built = std::filesystem::last_write_time(plugin, error);
  if (error) return std::nullopt;
  const auto edited = std::filesystem::last_write_time(*source, error);
  if (error || built >= edited) return std::nullopt;
  return display_path(plugin) + " is older than its source " + display_path(*source) +
         ": rebuild it, or this run uses the code as it was before the last edit";
}

}  // namespace cf::host
