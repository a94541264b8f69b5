#include "export/runtime_libraries.hpp"

#include "exec/child_command.hpp"
#include "util/error.hpp"

#include <map>
#include <set>
#include <sstream>

namespace cf::host {
namespace {

namespace fs = std::filesystem;

std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// "libc6:amd64, libc6-dev:amd64: /path" -> {/path: libc6}; the first owner is enough.
std::map<fs::path, std::string> owners(const std::vector<fs::path>& files) {
  std::map<fs::path, std::string> owned;
  if (files.empty()) return owned;
  std::vector<std::string> argv = {"dpkg-query", "-S"};
  for (const fs::path& file : files) argv.push_back(file.string());
  // Files no package owns make dpkg-query fail, yet it still prints the owners it found.
  const CapturedOutput result = run_captured(argv);
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    const auto split = line.find(": /");
    if (split == std::string::npos) continue;  // "diversion by ..." and other notes
    std::string package = line.substr(0, line.find_first_of(",:"));
    owned.emplace(line.substr(split + 2), trimmed(package));
  }
  return owned;
}

// Other spellings of a library's path: merged /usr (Debian 12 registers /lib/... and
// /usr/lib/... alike, but a package knows only one), and the file a symlink leads to.
std::vector<fs::path> alternatives(const fs::path& file) {
  std::vector<fs::path> paths;
  const std::string text = file.string();
  if (text.starts_with("/usr/")) {
    paths.emplace_back(text.substr(4));
  } else {
    paths.emplace_back("/usr" + text);
  }
  std::error_code error;
  const fs::path real = fs::canonical(file, error);
  if (!error && real != file) {
    paths.push_back(real);
    const std::string real_text = real.string();
    paths.emplace_back(real_text.starts_with("/usr/") ? real_text.substr(4) : "/usr" + real_text);
  }
  return paths;
}

}  // namespace

LddOutput parse_ldd(const std::string& output) {
  LddOutput parsed;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    line = trimmed(line);
    const auto arrow = line.find(" => ");
    std::string target = arrow == std::string::npos ? line : line.substr(arrow + 4);
    if (target.starts_with("not found")) {
      parsed.not_found.push_back(line.substr(0, arrow));
      continue;
    }
    if (!target.starts_with('/')) continue;  // linux-vdso.so.1, "statically linked"
    parsed.paths.emplace_back(target.substr(0, target.find(" (")));
  }
  return parsed;
}

RuntimeLibraries runtime_libraries(const std::vector<fs::path>& binaries) {
  std::set<fs::path> libraries;
  RuntimeLibraries result;
  for (const fs::path& binary : binaries) {
    const CapturedOutput ldd = run_captured({"ldd", binary.string()});
    // ldd fails on a static binary ("not a dynamic executable"), which needs nothing.
    const LddOutput parsed = parse_ldd(ldd.out);
    libraries.insert(parsed.paths.begin(), parsed.paths.end());
    for (const std::string& name : parsed.not_found)
      result.unresolved.push_back(name + " (for " + binary.string() + ")");
  }

  std::map<fs::path, std::string> owned = owners({libraries.begin(), libraries.end()});
  std::map<fs::path, std::vector<fs::path>> retry;  // library -> its other spellings
  std::vector<fs::path> others;
  for (const fs::path& library : libraries) {
    if (owned.contains(library)) continue;
    retry[library] = alternatives(library);
    others.insert(others.end(), retry[library].begin(), retry[library].end());
  }
  const std::map<fs::path, std::string> owned_elsewhere = owners(others);
  std::set<std::string> packages;
  for (const fs::path& library : libraries) {
    if (const auto it = owned.find(library); it != owned.end()) {
      packages.insert(it->second);
      continue;
    }
    bool found = false;
    for (const fs::path& other : retry[library]) {
      if (const auto it = owned_elsewhere.find(other); it != owned_elsewhere.end()) {
        packages.insert(it->second);
        found = true;
        break;
      }
    }
    if (!found) result.unowned.push_back(library);
  }
  result.packages.assign(packages.begin(), packages.end());
  return result;
}

}  // namespace cf::host
