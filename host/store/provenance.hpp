// Where a run came from: the project's git state and the software environment it ran in.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cf::host {

struct GitState {
  std::string commit;   // full hex id of HEAD; empty outside a work tree or without commits
  bool dirty = false;   // uncommitted changes to tracked files, or untracked files
  std::string warning;  // "not inside a git work tree" / "uncommitted changes: a, b, ..." or empty
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
