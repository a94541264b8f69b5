#include "plugin/stale_plugin.hpp"

#include "config/config.hpp"
#include "plugin/discovery.hpp"
#include "plugin/plugin_metadata.hpp"
#include "util/error.hpp"

#include <array>
#include <vector>

namespace cf::host {
namespace {

namespace fs = std::filesystem;

// The most recently written of `files`, skipping those that are not here.
std::optional<fs::path> newest(const std::vector<fs::path>& files) {
  std::optional<fs::path> found;
  fs::file_time_type found_time;
  for (const fs::path& file : files) {
    std::error_code error;
    if (!fs::is_regular_file(file, error)) continue;
    const auto written = fs::last_write_time(file, error);
    if (error) continue;
    if (!found || written > found_time) {
      found = file;
      found_time = written;
    }
  }
  return found;
}

bool is_source_file(const fs::path& path) {
  static constexpr std::array<const char*, 7> kExtensions = {".cpp", ".cc", ".cxx", ".c",
                                                             ".hpp", ".hh", ".h"};
  const std::string extension = path.extension().string();
  for (const char* known : kExtensions) {
    if (extension == known) return true;
  }
  return false;
}

// Every source below `folder`: a multi-file plugin's folder as `experiment init` scaffolds it.
std::vector<fs::path> sources_below(const fs::path& folder) {
  std::vector<fs::path> sources;
  std::error_code error;
  for (fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, error), end;
       !error && it != end; it.increment(error)) {
    if (it->is_regular_file(error) && is_source_file(it->path())) sources.push_back(it->path());
  }
  return sources;
}

}  // namespace

std::optional<fs::path> experiment_source(const fs::path& plugin, const fs::path& experiments_dir,
                                          const std::string& name) {
  try {
    const PluginMetadata metadata = read_plugin_metadata(plugin);
    std::vector<fs::path> recorded;
    // A relative path is relative to a build folder we do not know; a plugin built on another
    // machine names files that are not here. Either way, the project's layout counts instead.
    for (const fs::path& source : metadata.sources) {
      if (source.is_absolute()) recorded.push_back(source);
    }
    if (fs::path(metadata.source).is_absolute()) recorded.emplace_back(metadata.source);
    if (auto source = newest(recorded)) return source;
  } catch (const UserError&) {
    // Unreadable metadata is reported where the plugin is loaded; here it only means "unknown".
  }
  std::error_code error;
  const auto beside = module_file(experiments_dir, name, ".cpp");
  if (fs::is_regular_file(beside, error)) return beside;
  const auto folder = module_file(experiments_dir, name, "");
  if (fs::is_directory(folder, error)) return newest(sources_below(folder));
  return std::nullopt;
}

std::optional<std::string> stale_plugin_warning(const fs::path& plugin, const fs::path& experiments_dir,
                                                const std::string& name) {
  const auto source = experiment_source(plugin, experiments_dir, name);
  if (!source) return std::nullopt;
  std::error_code error;
  const auto built = fs::last_write_time(plugin, error);
  if (error) return std::nullopt;
  const auto edited = fs::last_write_time(*source, error);
  if (error || built >= edited) return std::nullopt;
  return display_path(plugin) + " is older than its source " + display_path(*source) +
         ": rebuild it, or this run uses the code as it was before the last edit";
}

}  // namespace cf::host
