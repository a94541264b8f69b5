// Mapping between JSON (as parameter sets cross the ABI) and the author's typed values:
// booleans, integers, floating point, strings, vectors, string-keyed maps (std::map, or
// cf::ordered_map to keep the order keys were written in), optionals and CF_PARAMS structs
// nested to any depth. Absent fields keep their defaults; a mistyped value
// or an unknown key throws cf::json_error naming the field's path.
#pragma once

#include <curifactory/ordered_map.hpp>
#include <curifactory/reflect.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cf {

struct json_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

namespace detail {

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_string_map : std::false_type {};
template <class T, class C, class A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};
template <class T>
struct is_string_map<ordered_map<T>> : std::true_type {};
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

inline std::string json_kind(const rapidjson::Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return "a boolean";
  if (v.IsInt64() || v.IsUint64()) return "an integer";
  if (v.IsNumber()) return "a number";
  if (v.IsString()) return "a string";
  if (v.IsArray()) return "a list";
  return "a mapping";
}

[[noreturn]] inline void mistyped(std::string_view path, std::string_view expected,
                                  const rapidjson::Value& got) {
  throw json_error("field '" + std::string(path) + "': expected " + std::string(expected) + ", got " +
                   json_kind(got));
}

inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

inline std::string join_path(std::string_view parent, std::string_view child) {
  return parent.empty() ? std::string(child) : std::string(parent) + "." + std::string(child);
}

}  // namespace detail

template <class T>
void from_json(const rapidjson::Value& json, T& out, std::string_view path);

// Reads the fields of a CF_PARAMS struct; `reserved` keys are skipped silently (for example
// the "name" and "hash" of a parameter set, which are not fields of the author's struct).
template <Reflected T>
void from_json_object(const rapidjson::Value& json, T& out, std::string_view path,
                      std::span<const std::string_view> reserved = {}) {
  if (!json.IsObject()) detail::mistyped(path.empty() ? "<set>" : path, "a mapping", json);
  for (auto it = json.MemberBegin(); it != json.MemberEnd(); ++it) {
    const std::string_view key(it->name.GetString(), it->name.GetStringLength());
    bool known = false;
    for (std::string_view r : reserved) known = known || key == r;
    std::string_view closest;
    std::size_t best = std::numeric_limits<std::size_t>::max();
    for_each_field<T>(out, [&](std::string_view name, auto& member) {
      if (name == key) {
        known = true;
        from_json(it->value, member, detail::join_path(path, name));
      } else if (const auto d = detail::edit_distance(name, key); d < best) {
        best = d;
        closest = name;
      }
    });
    if (!known) {
      std::string message = "unknown field '" + detail::join_path(path, key) + "'";
      if (!closest.empty() && best <= std::max<std::size_t>(1, key.size() / 3)) {
        message += " (did you mean '" + detail::join_path(path, closest) + "'?)";
      }
      throw json_error(message);
    }
  }
  if constexpr (HasRequiredFields<T>) {
    for (std::string_view required : cf_required_fields(detail::type_tag<T>{})) {
      if (!json.HasMember(rapidjson::Value(rapidjson::StringRef(required.data(), required.size())))) {
        throw json_error("missing required field '" + detail::join_path(path, required) + "'");
      }
    }
  }
}

template <class T>
void from_json(const rapidjson::Value& json, T& out, std::string_view path) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!json.IsBool()) detail::mistyped(path, "a boolean", json);
    out = json.GetBool();
  } else if constexpr (std::is_integral_v<T>) {
    if (json.IsInt64() && std::in_range<T>(json.GetInt64())) {
      out = static_cast<T>(json.GetInt64());
    } else if (json.IsUint64() && std::in_range<T>(json.GetUint64())) {
      out = static_cast<T>(json.GetUint64());
    } else if (json.IsInt64() || json.IsUint64()) {
      throw json_error("field '" + std::string(path) + "': integer out of range");
    } else {
      detail::mistyped(path, "an integer", json);
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!json.IsNumber()) detail::mistyped(path, "a number", json);
    out = static_cast<T>(json.GetDouble());
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!json.IsString()) detail::mistyped(path, "a string", json);
    out.assign(json.GetString(), json.GetStringLength());
  } else if constexpr (detail::is_optional<T>::value) {
    if (json.IsNull()) {
      out.reset();
    } else {
      typename T::value_type value{};
      from_json(json, value, path);
      out = std::move(value);
    }
  } else if constexpr (detail::is_vector<T>::value) {
    if (!json.IsArray()) detail::mistyped(path, "a list", json);
    out.clear();
    out.resize(json.Size());
    for (rapidjson::SizeType i = 0; i < json.Size(); ++i) {
      from_json(json[i], out[i], std::string(path) + "[" + std::to_string(i) + "]");
    }
  } else if constexpr (detail::is_string_map<T>::value) {
    if (!json.IsObject()) detail::mistyped(path, "a mapping", json);
    out.clear();
    for (auto it = json.MemberBegin(); it != json.MemberEnd(); ++it) {
      std::string key(it->name.GetString(), it->name.GetStringLength());
      from_json(it->value, out[key], std::string(path) + "['" + key + "']");
    }
  } else if constexpr (Reflected<T>) {
    from_json_object(json, out, path);
  } else {
    static_assert(sizeof(T) == 0, "cf: this type cannot be read from JSON; list it with CF_PARAMS");
  }
}

template <class T>
void to_json(json_writer& w, const T& value);

template <Reflected T>
void write_fields(json_writer& w, const T& value) {
  for_each_field<T>(value, [&](std::string_view name, const auto& member) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    to_json(w, member);
  });
}

template <class T>
void to_json(json_writer& w, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    w.Bool(value);
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    w.Int64(value);
  } else if constexpr (std::is_integral_v<T>) {
    w.Uint64(value);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(value)) throw json_error("cannot write a non-finite number as JSON");
    w.Double(static_cast<double>(value));
  } else if constexpr (std::is_same_v<T, std::string>) {
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  } else if constexpr (detail::is_optional<T>::value) {
    if (value) {
      to_json(w, *value);
    } else {
      w.Null();
    }
  } else if constexpr (detail::is_vector<T>::value) {
    w.StartArray();
    for (const auto& item : value) to_json(w, item);
    w.EndArray();
  } else if constexpr (detail::is_string_map<T>::value) {
    w.StartObject();
    for (const auto& [key, item] : value) {
      w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
      to_json(w, item);
    }
    w.EndObject();
  } else if constexpr (Reflected<T>) {
    w.StartObject();
    write_fields(w, value);
    w.EndObject();
  } else {
    static_assert(sizeof(T) == 0, "cf: this type cannot be written as JSON; list it with CF_PARAMS");
  }
}

}  // namespace cf
