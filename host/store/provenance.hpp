// Where a run came from: the project's git state and the software environment it ran in.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cf::host {

// What the run store, the report and the environment record as the commit of a project that is
// in no git repository at all: a fact about the project, not a problem with it, so no warning.
inline constexpr const char* kNotAGitRepository = "not a git repository";

struct GitState {
  // Full hex id of HEAD; kNotAGitRepository when no repository holds the folder; empty in a
  // repository without commits, a bare one, or one that cannot be read (each with a warning).
  std::string commit;
  bool dirty = false;   // uncommitted changes to tracked files, or untracked files
  std::string warning;  // "uncommitted changes: a, b, ...", "no commits yet", ... or empty
};

// The git state of the work tree containing `folder` (libgit2; no `git` binary needed).
GitState git_state(const std::filesystem::path& folder);

// JSON object: {"os": {sysname, release, version, machine}, "hostname", "compiler",
// "libraries": {name: version, ...}, "plugins": [{"path", "build_id", "xxh3"}], "git": {commit,
// dirty}} for the store and a full store's environment file.
std::string environment_json(const GitState& git, const std::vector<std::filesystem::path>& plugins);

// The GNU build id of an ELF file (hex), read from its .note.gnu.build-id section without
// loading it; empty when it has none.
std::string elf_build_id(const std::filesystem::path& file);

}  // namespace cf::host
