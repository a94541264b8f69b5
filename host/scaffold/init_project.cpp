#include "scaffold/init_project.hpp"

#include "cache/cacher_registry.hpp"
#include "config/config.hpp"
#include "scaffold/project_files.hpp"
#include "util/error.hpp"
#include "util/shell_quote.hpp"

#include <algorithm>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>

namespace cf::host {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& contents, std::ios::openmode mode) {
  std::ofstream out(path, std::ios::binary | mode);
  out << contents;
  if (!out.flush()) throw UserError("init: " + display_path(path) + ": cannot be written");
}

// The lines of `wanted` that `existing` (a .gitignore) does not have yet, comments only when
// some pattern is missing.
std::vector<std::string> missing_lines(const std::string& existing, const std::vector<std::string>& wanted) {
  std::set<std::string> present;
  std::istringstream lines(existing);
  for (std::string line; std::getline(lines, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    present.insert(line);
  }
  std::vector<std::string> missing;
  for (const std::string& line : wanted) {
    if (line.starts_with('#') || !present.contains(line)) missing.push_back(line);
  }
  const bool any_pattern = std::any_of(missing.begin(), missing.end(),
                                       [](const std::string& line) { return !line.starts_with('#'); });
  return any_pattern ? missing : std::vector<std::string>{};
}

// The install prefix of this `experiment` when the SDK's CMake package is installed beside it,
// so the next steps can say where find_package should look.
std::optional<fs::path> sdk_prefix() {
  try {
    const fs::path bin = current_executable().parent_path();
    // CF_CACHER_SUBDIR is <libdir>/curifactory/cachers; the package is <libdir>/cmake/Curifactory.
    const fs::path libdir = fs::path(CF_CACHER_SUBDIR).parent_path().parent_path();
    const fs::path prefix = (bin / "..").lexically_normal();
    std::error_code error;
    if (fs::is_regular_file(prefix / libdir / "cmake" / "Curifactory" / "CurifactoryConfig.cmake", error)) {
      return prefix.has_filename() ? prefix : prefix.parent_path();
    }
  } catch (const UserError&) {
    // No /proc: the hint is a convenience, so go without it.
  }
  return std::nullopt;
}

}  // namespace

void init_project(const fs::path& folder, const LayoutFlags& flags, bool yes, std::istream& in,
                  std::ostream& out) {
  const ProjectLayout layout = choose_layout(flags, !yes, in, out);
  const fs::path root = fs::absolute(folder).lexically_normal();
  const std::string name = (root.has_filename() ? root : root.parent_path()).filename().string();
  const ScaffoldPlan plan = scaffold_plan(layout, name);

  // Everything is checked before anything is written, so a refusal leaves the folder as it was.
  std::vector<bool> keep;
  for (const ScaffoldFile& file : plan.files) {
    const fs::path target = root / file.path;
    std::error_code error;
    if (!fs::exists(fs::symlink_status(target, error))) {
      keep.push_back(false);
      continue;
    }
    if (fs::is_regular_file(target, error) && read_file(target) == file.contents) {
      keep.push_back(true);
      continue;
    }
    throw UserError(
        "init: " + display_path(target) +
        " already exists and differs from the file init would write; nothing was written (move it "
        "away to scaffold here)");
  }
  for (const fs::path& relative : plan.folders) {
    const fs::path target = root / relative;
    std::error_code error;
    if (fs::exists(target, error) && !fs::is_directory(target, error)) {
      throw UserError("init: " + display_path(target) +
                      " is in the way of a folder init would create; nothing "
                      "was written");
    }
  }
  const fs::path gitignore = root / ".gitignore";
  std::optional<std::string> existing_gitignore;
  if (std::error_code error; fs::exists(fs::symlink_status(gitignore, error))) {
    existing_gitignore = fs::is_regular_file(gitignore, error) ? read_file(gitignore) : std::nullopt;
    if (!existing_gitignore)
      throw UserError("init: " + display_path(gitignore) + " cannot be read; nothing was written");
  }

  try {
    for (const fs::path& relative : plan.folders) fs::create_directories(root / relative);
    for (std::size_t i = 0; i < plan.files.size(); ++i) {
      const fs::path target = root / plan.files[i].path;
      if (keep[i]) {
        out << "kept     " << display_path(target) << " (already as init would write it)\n";
        continue;
      }
      fs::create_directories(target.parent_path());
      write_file(target, plan.files[i].contents, std::ios::trunc);
      out << "created  " << display_path(target) << "\n";
    }
  } catch (const fs::filesystem_error& e) {
    throw UserError("init: " + display_path(e.path1()) + ": " + e.code().message());
  }

  const std::vector<std::string> lines =
      existing_gitignore ? missing_lines(*existing_gitignore, plan.gitignore) : plan.gitignore;
  if (!lines.empty()) {
    std::string text;
    // Appended lines start on a line of their own, after a blank one.
    if (existing_gitignore && !existing_gitignore->empty())
      text += existing_gitignore->ends_with('\n') ? "\n" : "\n\n";
    for (const std::string& line : lines) text += line + "\n";
    write_file(gitignore, text, std::ios::app);
    out << (existing_gitignore ? "appended " : "created  ") << display_path(gitignore) << "\n";
  } else {
    out << "kept     " << display_path(gitignore) << " (already ignores the build and data folders)\n";
  }

  std::string configure = "cmake -S . -B build";
  if (const auto prefix = sdk_prefix()) configure += " -DCMAKE_PREFIX_PATH=" + shell_word(prefix->string());
  out << "\nNext, build the example and run it:\n"
      << "  " << configure << " && cmake --build build\n"
      << "  experiment example                    # its own two parameter sets\n"
      << "  experiment example -p example_sweep   # five noise levels\n"
      << "  experiment reports                    # the reports, on http://127.0.0.1:8080/\n";
}

}  // namespace cf::host
