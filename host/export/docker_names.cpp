#include "export/docker_names.hpp"

#include <cctype>

namespace cf::host {
namespace {

bool alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// A run of non-alphanumeric characters between two components: kept when Docker accepts it as
// a separator, else one dash.
std::string separator(const std::string& run) {
  if (run == "." || run == "_" || run == "__") return run;
  if (run.find_first_not_of('-') == std::string::npos) return run;
  return "-";
}

}  // namespace

std::string docker_repository(const std::string& experiment) {
  std::string name;
  std::string pending;  // separator characters since the last letter or digit
  for (char c : experiment) {
    if (alnum(c) && static_cast<unsigned char>(c) < 0x80) {
      if (!pending.empty() && !name.empty()) name += separator(pending);
      pending.clear();
      name += lower(c);
    } else {
      pending += c;
    }
  }
  // Docker's limit for a whole reference is 255; leave room for the tag.
  if (name.size() > 120) name.resize(120);
  while (!name.empty() && !alnum(name.back())) name.pop_back();
  return name.empty() ? "experiment" : name;
}

std::string docker_tag(const std::string& experiment, const std::string& reference) {
  std::string run =
      reference.starts_with(experiment + "_") ? reference.substr(experiment.size() + 1) : reference;
  std::string tag;
  for (char c : run) {
    const bool allowed =
        (alnum(c) && static_cast<unsigned char>(c) < 0x80) || c == '_' || c == '.' || c == '-';
    tag += allowed ? lower(c) : '_';
  }
  while (!tag.empty() && (tag.front() == '.' || tag.front() == '-')) tag.erase(tag.begin());
  if (tag.size() > 128) tag.resize(128);
  return tag.empty() ? "run" : tag;
}

}  // namespace cf::host
