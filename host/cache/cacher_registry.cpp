#include "cache/cacher_registry.hpp"

#include "config/config.hpp"
#include "plugin/discovery.hpp"
#include "plugin/loaded_plugin.hpp"
#include "plugin/plugin_metadata.hpp"
#include "plugin/string_sink.hpp"
#include "util/error.hpp"

#include <curifactory/detail/host_calls.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <system_error>

#ifndef CF_CACHER_SUBDIR
#error "CF_CACHER_SUBDIR must name the cacher folder relative to the install prefix"
#endif

namespace cf::host {
namespace {

std::vector<std::filesystem::path> plugin_files(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  // A folder that does not exist simply provides no cachers (most projects have none).
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code ignored;
    if (it->path().extension() == kPluginExtension && it->is_regular_file(ignored))
      files.push_back(it->path());
  }
  // Directory order is arbitrary; sorting makes the winner among duplicates reproducible.
  std::sort(files.begin(), files.end());
  return files;
}

// Plugin messages go into a one-line error.
std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text.empty() ? "no reason given" : text;
}

cf_str to_cf(std::string_view text) {
  return cf_str{text.data(), text.size()};
}

std::string cacher_name(const cf_cacher_api& cacher) {
  return cacher.name != nullptr ? cacher.name : "?";
}

}  // namespace

std::vector<std::filesystem::path> default_cacher_folders(const std::filesystem::path& project_root,
                                                          const std::filesystem::path& executable) {
  // CF_CACHER_SUBDIR is relative unless CMAKE_INSTALL_LIBDIR was set to an absolute path, in
  // which case operator/ rightly takes it as it is.
  return {project_root / "cachers", (executable.parent_path() / ".." / CF_CACHER_SUBDIR).lexically_normal()};
}

std::filesystem::path current_executable() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw UserError("/proc/self/exe: cannot find the running executable: " + ec.message());
  return path;
}

CacherRegistry::CacherRegistry(const std::vector<std::filesystem::path>& folders) : folders_(folders) {
  for (const auto& folder : folders) {
    for (const auto& file : plugin_files(folder)) {
      PluginMetadata metadata;
      try {
        metadata = read_plugin_metadata(file);
      } catch (const UserError& e) {
        // Not a plugin, or one for another ABI: get() would refuse it anyway, and a stray
        // file in a cachers folder should not stop runs that never use it. ls shows it, and
        // so does the error for a cacher name nobody provides.
        unreadable_.emplace_back(file, e.what());
        continue;
      }
      if (!metadata.is_cacher || metadata.cacher_name.empty()) continue;
      entries_.try_emplace(metadata.cacher_name, Entry{file, metadata.description, nullptr, nullptr});
    }
  }
}

CacherRegistry::~CacherRegistry() = default;
CacherRegistry::CacherRegistry(CacherRegistry&&) noexcept = default;
CacherRegistry& CacherRegistry::operator=(CacherRegistry&&) noexcept = default;

bool CacherRegistry::has(std::string_view name) const {
  return entries_.find(name) != entries_.end();
}

std::vector<std::string> CacherRegistry::names() const {
  std::vector<std::string> names;
  names.reserve(entries_.size());
  for (const auto& [name, entry] : entries_) names.push_back(name);
  return names;  // std::map keeps them sorted
}

void CacherRegistry::throw_unknown(std::string_view name) const {
  std::string message = "unknown cacher '" + std::string(name) + "' ";
  if (entries_.empty()) {
    message += "(no cachers found in";
    for (std::size_t i = 0; i < folders_.size(); ++i)
      message += (i == 0 ? " " : ", ") + display_path(folders_[i]);
    message += ")";
  } else {
    message += "(available: ";
    bool first = true;
    for (const auto& [known, ignored] : entries_) {
      message += (first ? "" : ", ") + known;
      first = false;
    }
    message += ")";
  }
  for (const auto& [file, reason] : unreadable_)
    message += "; " + display_path(file) + " is unusable: " + reason;
  throw UserError(message);
}

std::vector<std::pair<std::string, std::string>> CacherRegistry::descriptions() const {
  std::vector<std::pair<std::string, std::string>> listed;
  for (const auto& [name, entry] : entries_) listed.emplace_back(name, entry.description);
  return listed;
}

const std::filesystem::path& CacherRegistry::file(std::string_view name) const {
  const auto it = entries_.find(name);
  if (it == entries_.end()) throw_unknown(name);
  return it->second.file;
}

const cf_cacher_api& CacherRegistry::get(std::string_view name) {
  const auto it = entries_.find(name);
  if (it == entries_.end()) throw_unknown(name);
  Entry& found = it->second;
  if (found.api != nullptr) return *found.api;

  auto plugin = std::make_unique<LoadedPlugin>(found.file);
  const cf_cacher_api& api = plugin->cacher();
  const std::string_view reported = api.name != nullptr ? api.name : "";
  if (reported != name) {
    throw UserError(display_path(found.file) + ": its metadata names cacher '" + std::string(name) +
                    "' but its entry point names '" + std::string(reported) + "'");
  }
  if (api.extension == nullptr || api.save == nullptr || api.load == nullptr) {
    throw UserError(display_path(found.file) + ": cacher '" + std::string(name) +
                    "' has no extension or a null save/load function");
  }
  found.plugin = std::move(plugin);
  found.api = &api;
  return api;
}

void save(const cf_cacher_api& cacher, const std::filesystem::path& path, std::string_view artifact,
          std::string_view options_json) {
  const std::string file = path.string();
  StringSink error;
  if (cacher.save(to_cf(file), to_cf(artifact), to_cf(options_json), error.sink()) != CF_OK) {
    throw UserError("cacher '" + cacher_name(cacher) + "' could not save " + display_path(path) + ": " +
                    one_line(std::move(error.text)));
  }
}

void load_into(const cf_cacher_api& cacher, const std::filesystem::path& path, std::string_view options_json,
               cf_sink out) {
  const std::string file = path.string();
  StringSink error;
  if (cacher.load(to_cf(file), to_cf(options_json), out, error.sink()) != CF_OK) {
    throw UserError("cacher '" + cacher_name(cacher) + "' could not load " + display_path(path) + ": " +
                    one_line(std::move(error.text)));
  }
}

std::uint64_t load_size_hint(const cf_cacher_api& cacher, const std::filesystem::path& path,
                             std::string_view options_json) {
  if (cacher.struct_size >= offsetof(cf_cacher_api, load_size) + sizeof(cacher.load_size) &&
      cacher.load_size != nullptr) {
    const std::string file = path.string();
    if (const std::uint64_t exact = cacher.load_size(to_cf(file), to_cf(options_json)); exact > 0)
      return exact;
  }
  std::error_code unknown;
  const std::uint64_t size = std::filesystem::file_size(path, unknown);
  if (unknown) return 0;
  return size + std::min<std::uint64_t>(size / 64, std::uint64_t{64} << 10);
}

std::string load(const cf_cacher_api& cacher, const std::filesystem::path& path,
                 std::string_view options_json) {
  StringSink out;
  // One allocation instead of a copy each time a large artifact's buffer doubles.
  cf::detail::reserve_hint(out.text, load_size_hint(cacher, path, options_json));
  load_into(cacher, path, options_json, out.sink());
  return std::move(out.text);
}

}  // namespace cf::host
