#include "params/param_sets.hpp"

#include "config/config.hpp"
#include "params/param_hash.hpp"
#include "params/selection.hpp"
#include "params/yaml_file.hpp"
#include "plugin/discovery.hpp"
#include "plugin/loaded_plugin.hpp"
#include "plugin/string_sink.hpp"
#include "util/error.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

namespace cf::host {
namespace {

// One -p file with its raw sets as the file gave them.
struct ParamsFile {
  std::string name;
  std::filesystem::path path;
  rapidjson::Document sets;
  std::optional<YamlParamSets> yaml;  // line numbers, for YAML files
};

ParamsFile read_params_file(const Config& config, const std::string& name) {
  ParamsFile file{name, find_params_file(config.params_dir, config.experiments_dir, name),
                  rapidjson::Document(), std::nullopt};
  if (file.path.empty()) {
    throw UserError("params file '" + name + "' could not be found in either the params folder ('" +
                    display_path(config.params_dir) + "') or the experiments folder ('" +
                    display_path(config.experiments_dir) + "')");
  }
  if (file.path.extension() == kPluginExtension) {
    const LoadedPlugin plugin(file.path);
    StringSink out;
    StringSink error;
    if (plugin.params().get_params(out.sink(), error.sink()) != CF_OK) {
      throw UserError("params file '" + name + "' (" + display_path(file.path) +
                      "): get_params() failed: " + error.text);
    }
    file.sets.Parse<rapidjson::kParseFullPrecisionFlag>(out.text.data(), out.text.size());
  } else {
    file.yaml = read_yaml_param_sets(file.path);
    file.sets.Parse<rapidjson::kParseFullPrecisionFlag>(file.yaml->json.data(), file.yaml->json.size());
  }
  if (file.sets.HasParseError() || !file.sets.IsArray()) {
    throw UserError("params file '" + name + "' (" + display_path(file.path) +
                    ") did not return a list of parameter sets");
  }
  for (rapidjson::SizeType i = 0; i < file.sets.Size(); ++i) {
    if (!file.sets[i].IsObject()) {
      throw UserError("params file '" + name + "' (" + display_path(file.path) + "), set " +
                      std::to_string(i) + ": expected a mapping of fields");
    }
  }
  return file;
}

std::string set_name(const rapidjson::Value& set) {
  const auto it = set.FindMember("name");
  if (it == set.MemberEnd() || !it->value.IsString()) return "UNNAMED";
  return {it->value.GetString(), it->value.GetStringLength()};
}

// Where a normalisation error points in a YAML file: the line of the field it names, else of
// the set.
std::string yaml_location(const ParamsFile& file, std::size_t index, const std::string& message) {
  const auto& yaml = *file.yaml;
  int line = yaml.set_lines.at(index);
  if (const auto open = message.find('\''); open != std::string::npos) {
    const auto close = message.find('\'', open + 1);
    const std::string path = message.substr(open + 1, close - open - 1);
    const std::string top = path.substr(0, path.find_first_of(".["));
    if (const auto it = yaml.key_lines.at(index).find(top); it != yaml.key_lines.at(index).end())
      line = it->second;
  }
  return display_path(file.path) + " line " + std::to_string(line);
}

// The experiment's normalised form of `set`, or empty with `error` set.
std::string normalize_with(const LoadedPlugin& experiment, std::string_view set, std::string& error) {
  StringSink out;
  StringSink failure;
  if (experiment.experiment().normalize_params(cf_str{set.data(), set.size()}, out.sink(), failure.sink()) !=
      CF_OK) {
    error = failure.text.empty() ? "normalize_params failed" : failure.text;
    return {};
  }
  return std::move(out.text);
}

// The raw set's explicit hash, checked; empty when it has none (absent or null, as Python's None).
std::string explicit_hash(const rapidjson::Value& set, const std::function<std::string()>& where) {
  const auto it = set.FindMember("hash");
  if (it == set.MemberEnd() || it->value.IsNull()) return {};
  std::string hash =
      it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength()) : "";
  const std::string problem = it->value.IsString() ? explicit_hash_problem(hash)
                                                   : "an explicit hash must be a string (quote it in YAML)";
  if (!problem.empty()) throw UserError(where() + ": field 'hash': " + problem);
  return hash;
}

SelectedSet normalise(const ParamsFile& file, std::size_t index, const LoadedPlugin& experiment) {
  const rapidjson::Value& raw_set = file.sets[static_cast<rapidjson::SizeType>(index)];
  rapidjson::StringBuffer raw;
  rapidjson::Writer<rapidjson::StringBuffer> raw_writer(raw);
  raw_set.Accept(raw_writer);

  SelectedSet selected{file.name, index, set_name(raw_set), {}, {}, {}, 0};
  const auto where = [&](const std::string& message) {
    const std::string at = file.yaml ? yaml_location(file, index, message)
                                     : display_path(file.path) + ", index " + std::to_string(index);
    return "params file '" + file.name + "' (" + at + "), set '" + selected.name + "'";
  };
  // As the original's args_hash: a set that names its hash runs under it.
  const std::string hash = explicit_hash(raw_set, [&] { return where("'hash'"); });

  std::string error;
  const std::string normalized = normalize_with(experiment, {raw.GetString(), raw.GetSize()}, error);
  if (!error.empty()) throw UserError(where(error) + ": " + error);
  const std::string plugin = display_path(experiment.path());
  const HashedSet hashed = hash_normalized_set(normalized, plugin);
  selected.hash = hash.empty() ? hashed.values_hash : hash;
  selected.json = hashed.with_hash(selected.hash);

  // run() gets the set as this JSON, so its values hash there is what normalising the JSON
  // gives: the input's integers in floating fields are floating by now, its maps in C++ order.
  const std::string again = normalize_with(experiment, selected.json, error);
  if (!error.empty()) {
    throw UserError(plugin + ": the plugin rejected the set '" + selected.name +
                    "' it had normalised itself: " + error);
  }
  selected.values_hash = hash_normalized_set(again, plugin).values_hash;
  return selected;
}

}  // namespace

HashedSet hash_normalized_set(std::string_view normalized, const std::string& plugin) {
  rapidjson::Document set;
  // Full precision: the set is written on to run(), and rapidjson's default parse can move a
  // 17-digit number by one unit in the last place, which changes its repr and so the hash.
  set.Parse<rapidjson::kParseFullPrecisionFlag>(normalized.data(), normalized.size());
  if (set.HasParseError() || !set.IsObject())
    throw UserError(plugin + ": the plugin sent a malformed parameter set");
  const auto representations = set.FindMember("hash_representations");
  if (representations == set.MemberEnd())
    throw UserError(plugin + ": the plugin sent a parameter set without hash terms");
  HashedSet hashed;
  hashed.values_hash = hash_representations(representations->value);
  set.RemoveMember("hash_representations");
  if (const auto carried = set.FindMember("hash"); carried != set.MemberEnd()) {
    if (carried->value.IsString()) {
      hashed.carried_hash.assign(carried->value.GetString(), carried->value.GetStringLength());
    } else if (!carried->value.IsNull()) {
      throw UserError(plugin + ": the plugin sent a parameter set whose hash is not a string");
    }
    set.RemoveMember("hash");
  }
  hashed.name = set_name(set);

  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  set.Accept(writer);
  hashed.json_without_hash.assign(buffer.GetString(), buffer.GetSize());
  return hashed;
}

std::string HashedSet::with_hash(const std::string& hash) const {
  rapidjson::StringBuffer quoted;
  rapidjson::Writer<rapidjson::StringBuffer> writer(quoted);
  writer.String(hash.data(), static_cast<rapidjson::SizeType>(hash.size()));
  // rapidjson wrote the object, so it ends in '}' and is "{}" exactly when it has no member.
  std::string json = json_without_hash;
  json.insert(json.size() - 1, std::string(json.size() > 2 ? "," : "") + "\"hash\":" + quoted.GetString());
  return json;
}

std::string explicit_hash_problem(std::string_view hash) {
  if (hash.empty()) return "an explicit hash cannot be empty (leave it out, or null, to hash the values)";
  if (hash == "." || hash == "..") return "an explicit hash cannot be '.' or '..' (it names cache files)";
  if (hash.find('/') != std::string_view::npos)
    return "an explicit hash cannot contain '/' (it names cache files)";
  for (const char c : hash) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return "an explicit hash cannot contain control characters (it names cache files)";
  }
  return {};
}

std::vector<SelectedSet> select_param_sets(const Config& config, const ParamSelection& options,
                                           const LoadedPlugin& experiment) {
  const auto indices = parse_index_ranges(options.indices, "--indices");
  const auto global_indices = parse_index_ranges(options.global_indices, "--global-indices");

  std::vector<ParamsFile> files;
  for (const std::string& name :
       options.files.empty() ? std::vector<std::string>{options.experiment} : options.files) {
    files.push_back(read_params_file(config, name));
  }

  std::size_t largest = 0;
  for (const auto& file : files) largest = std::max<std::size_t>(largest, file.sets.Size());
  for (const IndexRange& range : indices) {
    if (range.begin >= largest) {
      throw UserError("--indices '" + range.text + "': out of range (the params files have at most " +
                      std::to_string(largest) + " sets)");
    }
  }

  // (file, index) of every set --indices selects, in command-line then file order.
  using Located = std::pair<const ParamsFile*, std::size_t>;
  std::vector<Located> indexed;
  for (const auto& file : files) {
    for (rapidjson::SizeType i = 0; i < file.sets.Size(); ++i) {
      if (indices.empty() || selects(indices, i)) indexed.emplace_back(&file, i);
    }
  }
  // As in the original, every name must be among the sets it could pick from: with --indices,
  // a name the indices leave out is a mistake, not an empty match.
  for (const std::string& wanted : options.names) {
    const auto named = [&](const Located& set) { return set_name(set.first->sets[set.second]) == wanted; };
    if (std::any_of(indexed.begin(), indexed.end(), named)) continue;
    const bool anywhere = std::any_of(files.begin(), files.end(), [&](const ParamsFile& file) {
      return std::any_of(file.sets.Begin(), file.sets.End(),
                         [&](const auto& set) { return set_name(set) == wanted; });
    });
    if (!anywhere)
      throw UserError("-n/--names '" + wanted + "': no parameter set of that name in the params files");
    throw UserError("-n/--names '" + wanted +
                    "': not among the sets --indices selected (the params files have it at other indices)");
  }
  std::vector<Located> kept;
  for (const Located& set : indexed) {
    if (options.names.empty() || std::find(options.names.begin(), options.names.end(),
                                           set_name(set.first->sets[set.second])) != options.names.end()) {
      kept.push_back(set);
    }
  }

  // Each set's position in the list --global-indices selects from, so a parallel child can be
  // given exactly its share of the selection, in order and with its repeats.
  std::vector<std::size_t> positions(kept.size());
  for (std::size_t i = 0; i < kept.size(); ++i) positions[i] = i;
  if (!global_indices.empty()) {
    for (const IndexRange& range : global_indices) {
      if (range.end > kept.size()) {
        throw UserError("--global-indices '" + range.text + "': out of range (" +
                        std::to_string(kept.size()) + " sets to select from)");
      }
    }
    positions = positions_of(global_indices);
    std::vector<Located> chosen;
    chosen.reserve(positions.size());
    for (const std::size_t position : positions) chosen.push_back(kept[position]);
    kept = std::move(chosen);
  }
  if (kept.empty()) {
    throw UserError(
        "No parameter sets found, check that the params files return non-empty lists and that the "
        "--names/--indices filters match");
  }

  std::vector<SelectedSet> selected;
  selected.reserve(kept.size());
  for (std::size_t i = 0; i < kept.size(); ++i) {
    selected.push_back(normalise(*kept[i].first, kept[i].second, experiment));
    selected.back().global_position = positions[i];
  }
  return selected;
}

}  // namespace cf::host
