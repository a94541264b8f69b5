// Whether a folder lies in a git repository, found the way the host's libgit2 finds one (the
// folder or a parent holds `.git`, or is itself a bare repository), without linking libgit2. A
// test about runs outside any repository checks this first: a temporary folder inside one would
// make it test something else.
#pragma once

#include <filesystem>

namespace cf::test {

inline bool inside_a_git_repository(const std::filesystem::path& folder) {
  std::error_code error;
  for (std::filesystem::path at = std::filesystem::absolute(folder, error); !error && !at.empty();
       at = at.parent_path()) {
    const bool bare = std::filesystem::is_regular_file(at / "HEAD", error) &&
                      std::filesystem::is_directory(at / "objects", error) &&
                      std::filesystem::is_directory(at / "refs", error);
    if (std::filesystem::exists(at / ".git", error) || bare) return true;
    if (at == at.root_path()) break;
  }
  return false;
}

}  // namespace cf::test
