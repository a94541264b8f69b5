// The cachers available to a run, found by name. Scanning reads only each plugin's metadata
// section, so listing or checking names never runs plugin code; a cacher is loaded the first
// time an artifact needs it.
#pragma once

#include <curifactory/abi.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cf::host {

class LoadedPlugin;

// Where cachers are looked for, in order of precedence: the project's own cachers/ folder,
// then the ones installed next to the `experiment` binary (<bin>/../<libdir>/curifactory/cachers,
// the same relative layout in the build tree and in an install).
std::vector<std::filesystem::path> default_cacher_folders(const std::filesystem::path& project_root,
                                                          const std::filesystem::path& executable);

// The running binary, from /proc/self/exe. Throws UserError when it cannot be read.
std::filesystem::path current_executable();

// Not thread-safe: get() loads plugins lazily.
class CacherRegistry {
 public:
  // Scans each folder (not recursively) for *.so cachers. A missing folder or a file whose
  // metadata cannot be read is skipped; when two files provide the same name, the one in the
  // earlier folder wins (within a folder, the first file name in sorted order).
  explicit CacherRegistry(const std::vector<std::filesystem::path>& folders);
  ~CacherRegistry();
  CacherRegistry(CacherRegistry&&) noexcept;
  CacherRegistry& operator=(CacherRegistry&&) noexcept;

  bool has(std::string_view name) const;
  std::vector<std::string> names() const;  // sorted
  // The plugin file providing `name`. Throws UserError like get() for an unknown name.
  const std::filesystem::path& file(std::string_view name) const;

  // Loads the cacher on first use and keeps it loaded as long as the registry lives. Throws
  // UserError "unknown cacher 'x' (available: a, b)", or one naming the plugin file when it
  // cannot be loaded or its entry point reports another name than its metadata.
  const cf_cacher_api& get(std::string_view name);

  // For `experiment ls`: every cacher found (name, description) and every file in a cachers
  // folder that could not be read as one (file, reason).
  std::vector<std::pair<std::string, std::string>> descriptions() const;
  const std::vector<std::pair<std::filesystem::path, std::string>>& unreadable() const { return unreadable_; }

 private:
  struct Entry {
    std::filesystem::path file;
    std::string description;
    std::unique_ptr<LoadedPlugin> plugin;
    const cf_cacher_api* api = nullptr;
  };
  [[noreturn]] void throw_unknown(std::string_view name) const;

  std::vector<std::filesystem::path> folders_;
  std::map<std::string, Entry, std::less<>> entries_;
  std::vector<std::pair<std::filesystem::path, std::string>> unreadable_;
};

// Calls the cacher through the C ABI. A failure becomes UserError
// "cacher '<name>' could not save <path>: <message>" (or "could not load").
void save(const cf_cacher_api& cacher, const std::filesystem::path& path, std::string_view artifact,
          std::string_view options_json);
std::string load(const cf_cacher_api& cacher, const std::filesystem::path& path,
                 std::string_view options_json);
// How many bytes load() of `path` is expected to write, 0 when unknown: the cacher's own answer
// when it gives one (cf_cacher_api::load_size), else the file's size with a little room, since
// other formats differ from MessagePack by a header and a reservation a few bytes short would
// cost a copy of everything when the last piece arrives. A reader reserves it first.
std::uint64_t load_size_hint(const cf_cacher_api& cacher, const std::filesystem::path& path,
                             std::string_view options_json);
// load() straight into the caller's sink (the experiment plugin's), so the host holds no copy.
void load_into(const cf_cacher_api& cacher, const std::filesystem::path& path, std::string_view options_json,
               cf_sink out);

}  // namespace cf::host
