#include "store/provenance.hpp"

#include "cache/checksum.hpp"
#include "plugin/elf_section.hpp"
#include "util/error.hpp"

#include <elf.h>
#include <fmt/core.h>
#include <git2.h>
#include <openssl/crypto.h>
#include <rapidjson/rapidjson.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/version.h>
#include <sqlite3.h>
#include <sys/utsname.h>
#include <xxhash.h>
#include <zstd.h>
#include <boost/version.hpp>
#include <msgpack/version.hpp>

#include <cstdint>
#include <cstring>
#include <memory>

namespace cf::host {
namespace {

// libgit2 keeps global state (thread-local errors, caches) that must be set up before any call
// and is reference counted, so each use can hold its own guard.
class Libgit2 {
 public:
  Libgit2() { git_libgit2_init(); }
  ~Libgit2() { git_libgit2_shutdown(); }
  Libgit2(const Libgit2&) = delete;
  Libgit2& operator=(const Libgit2&) = delete;
};

struct RepositoryDeleter {
  void operator()(git_repository* repository) const { git_repository_free(repository); }
};
struct StatusListDeleter {
  void operator()(git_status_list* list) const { git_status_list_free(list); }
};

std::string last_git_error() {
  const git_error* error = git_error_last();
  return error != nullptr && error->message != nullptr ? error->message : "unknown libgit2 error";
}

std::string oid_hex(const git_oid& oid) {
  char text[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(text, sizeof text, &oid);
  return text;
}

// Paths of every changed, staged or untracked entry (ignored ones are not asked for), in
// libgit2's order, which is sorted by path.
std::vector<std::string> changed_paths(git_repository* repository) {
  git_status_options options;
  git_status_options_init(&options, GIT_STATUS_OPTIONS_VERSION);
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  // Untracked folders are reported as one entry, as `git status` does: recursing would walk
  // every file of an untracked data folder for nothing but a longer list.
  options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED;
  git_status_list* raw = nullptr;
  if (git_status_list_new(&raw, repository, &options) != 0) throw UserError(last_git_error());
  const std::unique_ptr<git_status_list, StatusListDeleter> list(raw);

  std::vector<std::string> paths;
  const std::size_t count = git_status_list_entrycount(list.get());
  for (std::size_t i = 0; i < count; ++i) {
    const git_status_entry* entry = git_status_byindex(list.get(), i);
    if (entry == nullptr || entry->status == GIT_STATUS_CURRENT) continue;
    const git_diff_delta* delta =
        entry->index_to_workdir != nullptr ? entry->index_to_workdir : entry->head_to_index;
    if (delta == nullptr) continue;
    const char* path = delta->new_file.path != nullptr ? delta->new_file.path : delta->old_file.path;
    paths.emplace_back(path != nullptr ? path : "?");
  }
  return paths;
}

std::string changes_warning(const std::vector<std::string>& paths) {
  constexpr std::size_t kShown = 5;
  std::string text = "uncommitted changes: ";
  for (std::size_t i = 0; i < paths.size() && i < kShown; ++i) {
    if (i > 0) text += ", ";
    text += paths[i];
  }
  if (paths.size() > kShown) text += " and " + std::to_string(paths.size() - kShown) + " more";
  return text;
}

std::string dotted_version(unsigned major, unsigned minor, unsigned patch) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::string compiler_text() {
#if defined(__clang__)
  return __VERSION__;  // already names itself ("Clang 14.0.6", "Debian Clang ...")
#elif defined(__GNUC__)
  return "GCC " __VERSION__;
#else
  return "unknown";
#endif
}

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(JsonWriter& w, std::string_view text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void write_libraries(JsonWriter& w) {
  const auto entry = [&](const char* name, const std::string& version) {
    w.Key(name);
    write_string(w, version);
  };
  w.StartObject();
  entry("boost", dotted_version(BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100));
  entry("fmt", dotted_version(FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100));
  int git_major = 0;
  int git_minor = 0;
  int git_patch = 0;
  git_libgit2_version(&git_major, &git_minor, &git_patch);
  entry("libgit2", dotted_version(static_cast<unsigned>(git_major), static_cast<unsigned>(git_minor),
                                  static_cast<unsigned>(git_patch)));
  entry("msgpack", MSGPACK_VERSION);
  entry("openssl", OpenSSL_version(OPENSSL_VERSION));
  entry("rapidjson", RAPIDJSON_VERSION_STRING);
  entry("spdlog", dotted_version(SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH));
  entry("sqlite3", sqlite3_libversion());
  const unsigned xxhash = XXH_versionNumber();
  entry("xxhash", dotted_version(xxhash / 10000, xxhash / 100 % 100, xxhash % 100));
  // Only the zstd cacher links libzstd; the host knows the version it was built against.
  entry("zstd", ZSTD_VERSION_STRING);
  // yaml-cpp 0.7 publishes no version in its headers, so it is left out rather than guessed.
  w.EndObject();
}

}  // namespace

GitState git_state(const std::filesystem::path& folder) {
  const Libgit2 library;
  GitState state;

  git_repository* raw = nullptr;
  const int opened = git_repository_open_ext(&raw, folder.c_str(), 0, nullptr);
  const std::unique_ptr<git_repository, RepositoryDeleter> repository(raw);
  if (opened == GIT_ENOTFOUND) {
    state.commit = kNotAGitRepository;
    return state;
  }
  // Inside a bare repository's own folder the project is in a repository but has no work tree to
  // commit from, which is worth saying.
  if (opened == 0 && git_repository_is_bare(repository.get())) {
    state.warning = "not inside a git work tree";
    return state;
  }
  // Provenance is advisory: a repository libgit2 cannot read (foreign owner, corruption) is
  // reported, never a reason to stop the run.
  if (opened != 0) {
    state.warning = "cannot read the git state: " + last_git_error();
    return state;
  }

  try {
    const std::vector<std::string> paths = changed_paths(repository.get());
    state.dirty = !paths.empty();
    if (state.dirty) state.warning = changes_warning(paths);
  } catch (const UserError& e) {
    state.warning = std::string("cannot read the git status: ") + e.what();
  }

  git_oid head{};
  const int resolved = git_reference_name_to_id(&head, repository.get(), "HEAD");
  if (resolved == 0) {
    state.commit = oid_hex(head);
  } else if (resolved == GIT_ENOTFOUND || resolved == GIT_EUNBORNBRANCH ||
             git_repository_head_unborn(repository.get()) == 1) {
    // Every file is uncommitted here, so listing them would say nothing new.
    state.warning = "no commits yet";
  } else {
    state.warning = "cannot read HEAD: " + last_git_error();
  }
  return state;
}

std::string environment_json(const GitState& git, const std::vector<std::filesystem::path>& plugins) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();

  struct utsname system {};
  const bool have_uname = ::uname(&system) == 0;
  w.Key("os");
  w.StartObject();
  for (const auto& [key, value] :
       {std::pair{"sysname", system.sysname}, std::pair{"release", system.release},
        std::pair{"version", system.version}, std::pair{"machine", system.machine}}) {
    w.Key(key);
    write_string(w, have_uname ? value : "");
  }
  w.EndObject();
  w.Key("hostname");
  write_string(w, have_uname ? system.nodename : "");

  w.Key("compiler");
  write_string(w, compiler_text());
  w.Key("libraries");
  write_libraries(w);

  w.Key("plugins");
  w.StartArray();
  for (const auto& plugin : plugins) {
    w.StartObject();
    w.Key("path");
    write_string(w, plugin.string());
    // A plugin that vanished or changed since it was loaded keeps its place in the list with
    // the reason, so the environment file still says which plugins the run used.
    std::string build_id;
    std::string checksum;
    std::string problem;
    try {
      build_id = elf_build_id(plugin);
      checksum = file_checksum(plugin);
    } catch (const UserError& e) {
      problem = e.what();
    }
    w.Key("build_id");
    write_string(w, build_id);
    w.Key("xxh3");
    write_string(w, checksum);
    if (!problem.empty()) {
      w.Key("error");
      write_string(w, problem);
    }
    w.EndObject();
  }
  w.EndArray();

  w.Key("git");
  w.StartObject();
  w.Key("commit");
  write_string(w, git.commit);
  w.Key("dirty");
  w.Bool(git.dirty);
  w.EndObject();

  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string elf_build_id(const std::filesystem::path& file) {
  std::optional<std::string> section;
  try {
    section = read_elf_section(file, ".note.gnu.build-id");
  } catch (const UserError& e) {
    throw UserError(file.string() + ": " + e.what());
  }
  if (!section) return {};

  // A note is three 4-byte words (name size, descriptor size, type), then the name and the
  // descriptor, each padded to 4 bytes. The section may in principle hold several notes.
  const auto padded = [](std::uint64_t size) { return (size + 3) / 4 * 4; };
  const std::string& bytes = *section;
  std::uint64_t offset = 0;
  while (offset <= bytes.size() && bytes.size() - offset >= 12) {
    std::uint32_t words[3];
    std::memcpy(words, bytes.data() + offset, sizeof words);
    const std::uint64_t name_size = words[0];
    const std::uint64_t desc_size = words[1];
    const std::uint64_t name_at = offset + 12;
    const std::uint64_t desc_at = name_at + padded(name_size);
    if (desc_at > bytes.size() || desc_size > bytes.size() - desc_at)
      throw UserError(file.string() + ": corrupt ELF file (build id note)");
    const std::string_view name(bytes.data() + name_at, name_size);
    if (words[2] == NT_GNU_BUILD_ID && name == std::string_view("GNU\0", 4)) {
      constexpr char kHex[] = "0123456789abcdef";
      std::string hex;
      hex.reserve(desc_size * 2);
      for (std::uint64_t i = 0; i < desc_size; ++i) {
        const auto byte = static_cast<unsigned char>(bytes[desc_at + i]);
        hex += kHex[byte >> 4];
        hex += kHex[byte & 0xf];
      }
      return hex;
    }
    offset = desc_at + padded(desc_size);
  }
  return {};
}

}  // namespace cf::host
