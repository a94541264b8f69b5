// The YAML parameter reader on arbitrary file contents. Beyond not crashing, what it accepts
// must be what the host then relies on: a JSON array of objects with a line for every set.
#include "fuzz_targets.hpp"
#include "memory_file.hpp"

#include "params/yaml_file.hpp"
#include "util/error.hpp"

#include <rapidjson/document.h>

namespace cf::fuzz {

void yaml_params(Input input) {
  static MemoryFile file;
  const auto& path = file.hold(input);

  try {
    (void)host::read_yaml_description(path);
  } catch (const host::UserError& e) {
    expect_one_line("read_yaml_description", e.what());
  }

  host::YamlParamSets sets;
  try {
    sets = host::read_yaml_param_sets(path);
  } catch (const host::UserError& e) {
    expect_one_line("read_yaml_param_sets", e.what());
    return;
  }
  rapidjson::Document json;
  json.Parse(sets.json.data(), sets.json.size());
  if (json.HasParseError() || !json.IsArray())
    throw Finding("accepted, but the JSON is not an array: " + sets.json);
  if (json.Size() != sets.set_lines.size() || json.Size() != sets.key_lines.size()) {
    throw Finding("accepted " + std::to_string(json.Size()) + " sets but " +
                  std::to_string(sets.set_lines.size()) + " set lines and " +
                  std::to_string(sets.key_lines.size()) + " key line maps");
  }
  for (rapidjson::SizeType i = 0; i < json.Size(); ++i) {
    if (!json[i].IsObject()) throw Finding("accepted set " + std::to_string(i) + " is not a JSON object");
    if (sets.set_lines[i] < 1)
      throw Finding("set " + std::to_string(i) + " starts on line " + std::to_string(sets.set_lines[i]));
    for (const auto& member : json[i].GetObject()) {
      const std::string key(member.name.GetString(), member.name.GetStringLength());
      if (!sets.key_lines[i].contains(key))
        throw Finding("set " + std::to_string(i) + " has no line for '" + key + "'");
    }
  }
}

}  // namespace cf::fuzz
