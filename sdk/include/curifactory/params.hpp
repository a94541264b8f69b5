// Parameter sets as the author sees them: a name, the typed values, and the hash the host
// computed. get_params() returns them; run() receives the selected ones.
#pragma once

#include <curifactory/hash.hpp>
#include <curifactory/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cf {

template <class P>
struct ParamSet {
  ParamSet() = default;
  // Written as {"name", {.field = value}} in get_params().
  ParamSet(std::string set_name, P values) : name(std::move(set_name)), params(std::move(values)) {}

  std::string name = "UNNAMED";
  P params = P();
  // The host fills it in run(). Set in get_params() (or a YAML set's `hash:`), it is an explicit
  // hash, used as given for --hashes and cache names, as the original's `hash` parameter is. A
  // set copied in run() whose values then change gets a fresh hash from its values instead of
  // the one it carries (the original kept the stale one).
  std::string hash;
};

template <class P>
using ParamSets = std::vector<ParamSet<P>>;

namespace detail {

inline std::string optional_string(const rapidjson::Value& set, const char* key, std::string fallback) {
  const auto it = set.FindMember(key);
  if (it == set.MemberEnd() || it->value.IsNull()) return fallback;
  if (!it->value.IsString()) throw json_error(std::string("field '") + key + "': expected a string");
  return {it->value.GetString(), it->value.GetStringLength()};
}

// Reads one set object; errors name the field but not the set.
template <class P>
ParamSet<P> read_param_set_fields(const rapidjson::Value& json) {
  if (!json.IsObject()) throw json_error("expected a mapping, got " + json_kind(json));
  ParamSet<P> set;
  set.name = optional_string(json, "name", "UNNAMED");
  set.hash = optional_string(json, "hash", "");
  from_json_object(json, set.params, "", reserved_set_keys);
  return set;
}

// Reads the set at `index` of a list; errors also name the set.
template <class P>
ParamSet<P> read_param_set(const rapidjson::Value& json, std::size_t index) {
  try {
    return read_param_set_fields<P>(json);
  } catch (const json_error& e) {
    std::string where = "parameter set " + std::to_string(index);
    if (json.IsObject()) {
      const auto name = json.FindMember("name");
      where += " ('" +
               (name != json.MemberEnd() && name->value.IsString() ? std::string(name->value.GetString())
                                                                   : std::string("UNNAMED")) +
               "')";
    }
    throw json_error(where + ": " + e.what());
  }
}

// The set as JSON; with `hash_representations` (for the host's hash) when normalising, then
// following `raw`, the set object it was just read from, when given (write_hash_representations).
template <class P>
void write_param_set(json_writer& w, const ParamSet<P>& set, bool with_hash_representations = false,
                     const rapidjson::Value* raw = nullptr) {
  w.StartObject();
  w.Key("name");
  w.String(set.name.data(), static_cast<rapidjson::SizeType>(set.name.size()));
  if (!set.hash.empty()) {
    w.Key("hash");
    w.String(set.hash.data(), static_cast<rapidjson::SizeType>(set.hash.size()));
  }
  write_fields(w, set.params);
  if (with_hash_representations) {
    w.Key("hash_representations");
    write_hash_representations(w, set.params, raw);
  }
  w.EndObject();
}

}  // namespace detail
}  // namespace cf
