// The shared libraries that binaries need at run time, as Debian packages to install in an
// image: `ldd` lists each binary's libraries (transitively), `dpkg-query -S` names the package
// that owns each file. Libraries no package owns are returned as files to copy instead.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cf::host {

struct RuntimeLibraries {
  std::vector<std::string> packages;           // sorted, without the ":amd64" suffix
  std::vector<std::filesystem::path> unowned;  // library files no package owns
  std::vector<std::string> unresolved;         // "libfoo.so.1 (for <binary>)": ldd found none
};

// Throws UserError when ldd or dpkg-query cannot be run (not a Debian system).
RuntimeLibraries runtime_libraries(const std::vector<std::filesystem::path>& binaries);

// Exposed for tests: the library paths in `ldd` output, and the names it could not resolve.
struct LddOutput {
  std::vector<std::filesystem::path> paths;
  std::vector<std::string> not_found;
};
LddOutput parse_ldd(const std::string& output);

}  // namespace cf::host
