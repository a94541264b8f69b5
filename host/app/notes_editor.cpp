#include "app/notes_editor.hpp"

#include "util/error.hpp"
#include "util/shell_quote.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cf::host {
namespace {

constexpr const char* kTemplate =
    "\n"
    "# Notes for this run. Lines starting with '#' are dropped; leave it empty for no notes.\n"
    "# The first line is the short form shown in the report index; the rest appears in full\n"
    "# in the run's report.\n";

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream folders(path != nullptr ? path : "");
  for (std::string folder; std::getline(folders, folder, ':');) {
    if (!folder.empty() && ::access((std::filesystem::path(folder) / program).c_str(), X_OK) == 0)
      return true;
  }
  return false;
}

std::string find_editor() {
  if (const char* editor = std::getenv("EDITOR"); editor != nullptr && *editor != '\0') return editor;
  for (const char* candidate : {"vim", "nvim", "emacs", "nano", "vi"}) {
    if (on_path(candidate)) return candidate;
  }
  throw UserError("--notes: no editor found; set $EDITOR or give the notes as --notes TEXT");
}

std::string trim_blank_lines(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\n");
  if (first == std::string::npos) return "";
  const auto line_start = text.rfind('\n', first);
  const auto begin = line_start == std::string::npos ? 0 : line_start + 1;
  const auto last = text.find_last_not_of(" \t\n");
  return text.substr(begin, last + 1 - begin);
}

}  // namespace

std::string edit_notes() {
  const std::string editor = find_editor();
  char name[] = "/tmp/cf_notes_XXXXXX.md";
  const int fd = ::mkstemps(name, 3);
  if (fd < 0) throw UserError("--notes: cannot create a temporary file for the editor");
  ::close(fd);
  const std::filesystem::path file(name);
  struct Remove {
    std::filesystem::path path;
    ~Remove() {
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
    }
  } cleanup{file};
  std::ofstream(file) << kTemplate;

  // Through the shell, since $EDITOR may carry arguments ("code --wait").
  const int status = std::system((editor + " " + shell_quote(file.string())).c_str());
  if (status != 0)
    throw UserError("--notes: the editor '" + editor + "' failed (status " + std::to_string(status) + ")");

  std::ifstream in(file);
  std::string notes;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.front() == '#') continue;
    notes += line + "\n";
  }
  return trim_blank_lines(notes);
}

}  // namespace cf::host
