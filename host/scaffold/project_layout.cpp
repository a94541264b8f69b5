#include "scaffold/project_layout.hpp"

#include "config/config.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cctype>
#include <istream>
#include <ostream>

namespace cf::host {
namespace {

struct Question {
  std::string ProjectLayout::*value;
  std::optional<std::string> LayoutFlags::*flag;
  const char* flag_name;
  const char* prompt;
  bool module;  // a folder of plugin sources, which the scaffolded CMakeLists.txt builds
};

constexpr Question kQuestions[] = {
    {&ProjectLayout::experiments, &LayoutFlags::experiments, "--experiments-path", "Experiments folder",
     true},
    {&ProjectLayout::params, &LayoutFlags::params, "--params-path", "Parameters folder", true},
    {&ProjectLayout::data, &LayoutFlags::data, "--data-path", "Data folder (run store)", false},
    {&ProjectLayout::cache, &LayoutFlags::cache, "--cache-path", "Cache folder", false},
    {&ProjectLayout::runs, &LayoutFlags::runs, "--runs-path", "Full-store runs folder", false},
    {&ProjectLayout::logs, &LayoutFlags::logs, "--logs-path", "Logs folder", false},
    {&ProjectLayout::notebooks, &LayoutFlags::notebooks, "--notebooks-path", "Notebooks folder", false},
    {&ProjectLayout::reports, &LayoutFlags::reports, "--reports-path", "Reports folder", false},
};

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

// `where` names the value for the error: the flag, or the prompt's folder.
void check(const Question& question, const std::string& value, const std::string& where) {
  const auto fail = [&](const std::string& why) {
    throw UserError("init: " + where + " '" + value + "': " + why);
  };
  if (value.empty()) throw UserError("init: " + where + ": the folder cannot be empty");
  if (std::any_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    fail("contains a control character");
  }
  if (!question.module) return;  // data may live anywhere, even outside the project
  // Checked before the dots of a module name become separators, which would make "." read "/".
  if (std::filesystem::path(value).lexically_normal() == ".") fail("must be a folder inside the project");
  const std::filesystem::path folder = module_folder(value).lexically_normal();
  if (folder.is_absolute()) fail("must be a folder inside the project (a relative path)");
  if (folder == "." || *folder.begin() == "..") fail("must be a folder inside the project");
  // The scaffolded CMakeLists.txt quotes it; these would end or expand the quoted string.
  if (value.find_first_of("\"\\$;@") != std::string::npos) fail("cannot contain \" \\ $ ; or @");
}

}  // namespace

std::string join_folder(const std::string& folder, const std::string& name) {
  return folder.ends_with('/') ? folder + name : folder + "/" + name;
}

ProjectLayout choose_layout(const LayoutFlags& flags, bool ask, std::istream& in, std::ostream& out) {
  ProjectLayout layout;
  bool input_open = ask;
  for (const Question& question : kQuestions) {
    std::string& value = layout.*question.value;
    // The cache and runs live in the data folder unless told otherwise.
    if (question.value == &ProjectLayout::cache) value = join_folder(layout.data, "cache");
    if (question.value == &ProjectLayout::runs) value = join_folder(layout.data, "runs");

    if (const auto& given = flags.*question.flag) {
      check(question, *given, question.flag_name);
      value = *given;
      continue;
    }
    if (!input_open) continue;
    out << question.prompt << " [" << value << "]: " << std::flush;
    std::string line;
    if (!std::getline(in, line)) {
      // No more answers (a closed stdin, or a script that gave fewer lines): defaults from here.
      out << "\n";
      input_open = false;
      continue;
    }
    line = trimmed(line);
    if (line.empty()) continue;
    std::string where = question.prompt;
    where[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(where[0])));
    check(question, line, where);
    value = line;
  }
  return layout;
}

}  // namespace cf::host
