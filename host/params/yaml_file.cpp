#include "params/yaml_file.hpp"

#include "util/error.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

namespace cf::host {
namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

}  // namespace

std::string read_yaml_description(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw UserError("cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  try {
    (void)YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw UserError("malformed YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                    std::to_string(e.mark.column + 1) + ": " + e.msg);
  }

  std::string description;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const std::string stripped = trim(line);
    if (stripped.empty() && description.empty()) continue;
    if (stripped.empty() || stripped.front() != '#') break;
    const auto body = stripped.find_first_not_of('#');
    const std::string comment = body == std::string::npos ? std::string() : trim(stripped.substr(body));
    if (comment.empty()) continue;
    if (!description.empty()) description += ' ';
    description += comment;
  }
  return description;
}

}  // namespace cf::host
