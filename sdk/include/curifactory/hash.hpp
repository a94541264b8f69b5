// What goes into a parameter set's hash, decided by the author:
//
//   CF_HASH(Params, cf::hash_ignore("verbose"),
//           cf::hash_repr("model", [](const Params& p) { return p.model.kind; }));
//
// Every other field contributes md5(name + repr(value)) to the hash, as in the original
// Curifactory; an empty optional (None) contributes nothing, so adding an optional field keeps
// old hashes. A nested params struct as a field contributes its own fields' terms; inside a
// list, map or optional it is part of that value's repr, as a dataclass: Layer(units=8, ...). The plugin only
// produces the representations ("hash_representations" in the normalised set); the host does the md5 sum, so
// every plugin hashes the same way.
#pragma once

#include <curifactory/json.hpp>
#include <curifactory/python_repr.hpp>
#include <curifactory/reflect.hpp>

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cf {

template <class P>
struct hash_option {
  std::string_view field;
  bool ignore = false;
  std::function<std::string(const P&)> repr;  // the text hashed instead of repr(value)
};

// Leaves a field out of the hash (Python: hash_representations = {field: None}).
struct hash_ignore {
  std::string_view field;
  template <class P>
  operator hash_option<P>() const {
    return {field, true, {}};
  }
};

template <class Fn>
struct hash_repr_option {
  std::string_view field;
  Fn fn;
  template <class P>
  operator hash_option<P>() const {
    return {field, false, [fn = fn](const P& params) { return std::string(fn(params)); }};
  }
};

// Hashes `field` as the string fn(params) returns (Python: hash_representations = {field: fn}).
template <class Fn>
hash_repr_option<Fn> hash_repr(std::string_view field, Fn fn) {
  return {field, std::move(fn)};
}

template <class T>
concept HasHashOptions = requires {
  cf_hash_options(detail::type_tag<T>{});
};

template <Reflected T>
void write_hash_representations(json_writer& w, const T& value, const rapidjson::Value* raw = nullptr);

namespace detail {

// Keys of a parameter-set object that are bookkeeping, not fields of the author's struct and
// never counted in its hash.
inline constexpr std::array<std::string_view, 4> reserved_set_keys = {"name", "hash", "overwrite",
                                                                      "hash_representations"};

template <class T>
bool has_field(std::string_view wanted) {
  return std::apply([&](const auto&... field) { return ((field.name == wanted) || ...); }, fields_of<T>());
}

template <class T>
std::vector<hash_option<T>> hash_options_of() {
  if constexpr (HasHashOptions<T>) {
    auto options = cf_hash_options(type_tag<T>{});
    for (const auto& option : options) {
      if (!has_field<T>(option.field)) {
        throw json_error("CF_HASH names unknown field '" + std::string(option.field) + "'");
      }
    }
    return options;
  } else {
    return {};
  }
}

// A field's hash term: a nested params struct contributes its own fields, anything else its
// repr; `raw` is the input the field was read from (see python_repr).
template <class M>
void write_hash_term(json_writer& w, std::string_view name, const M& member, const rapidjson::Value* raw) {
  w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  if constexpr (Reflected<M>) {
    write_hash_representations(w, member, raw);
  } else {
    std::string text;
    python_repr(text, member, raw);
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  }
}

}  // namespace detail

// Writes {"field": "<repr>", "nested": {...}, ...} for the fields that count in the hash. `raw`
// is the JSON object `value` was just read from, when it was: the reprs then follow what the
// original made of that input (an integer stays an integer in a floating field, dict keys keep
// the order written). Without it, every repr comes from the typed values alone.
template <Reflected T>
void write_hash_representations(json_writer& w, const T& value, const rapidjson::Value* raw) {
  const auto options = detail::hash_options_of<T>();
  w.StartObject();
  for_each_field<T>(value, [&](std::string_view name, const auto& member) {
    for (std::string_view reserved : detail::reserved_set_keys) {
      if (name == reserved) return;
    }
    for (const auto& option : options) {
      if (option.field != name) continue;
      if (!option.ignore) {
        w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
        const std::string text = option.repr(value);
        w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      }
      return;
    }
    const rapidjson::Value* member_raw = detail::member_of(raw, name);
    if constexpr (detail::is_optional<std::remove_cvref_t<decltype(member)>>::value) {
      if (member) detail::write_hash_term(w, name, *member, member_raw);  // None adds nothing to the hash
    } else {
      detail::write_hash_term(w, name, member, member_raw);
    }
  });
  w.EndObject();
}

}  // namespace cf

#define CF_HASH(Type, ...)                                                                    \
  inline std::vector<::cf::hash_option<Type>> cf_hash_options(::cf::detail::type_tag<Type>) { \
    return {__VA_ARGS__};                                                                     \
  }                                                                                           \
  static_assert(true, "require a semicolon after CF_HASH")
