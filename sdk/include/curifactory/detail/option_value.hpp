// Which C++ values a cacher option may take, and their JSON text. Options travel to the cacher
// as JSON, so every value with an obvious JSON form is accepted as written: a string literal
// (`.option("arrays", "lists")`), std::string, std::string_view, bool, integers, floating point,
// nullptr, and vectors, string-keyed maps, optionals and CF_PARAMS structs of those. Anything
// else is refused at compile time with one message, instead of an error from deep inside the
// JSON writer that talks about CF_PARAMS.
#pragma once

#include <curifactory/json.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cf::detail {

// Character types are integers to C++ but letters to the author: 'x' would be written as 120,
// so a single character is refused and a string says what is meant.
template <class T>
inline constexpr bool is_character_v =
    std::is_same_v<T, char> || std::is_same_v<T, wchar_t> || std::is_same_v<T, char8_t> ||
    std::is_same_v<T, char16_t> || std::is_same_v<T, char32_t>;

// What cf::to_json writes, characters aside: the values inside a list, map or optional.
template <class T>
struct json_option_element
    : std::bool_constant<std::is_same_v<T, bool> || std::is_same_v<T, std::string> ||
                         std::is_floating_point_v<T> || (std::is_integral_v<T> && !is_character_v<T>) ||
                         Reflected<T>> {};
template <class T, class A>
struct json_option_element<std::vector<T, A>> : json_option_element<T> {};
template <class T>
struct json_option_element<std::optional<T>> : json_option_element<T> {};
template <class T, class C, class A>
struct json_option_element<std::map<std::string, T, C, A>> : json_option_element<T> {};

// A string literal arrives as a char array, a C string as a pointer to char.
template <class T>
inline constexpr bool is_c_string_v =
    std::is_same_v<std::decay_t<T>, const char*> || std::is_same_v<std::decay_t<T>, char*>;

// Whether a value of type V (as passed, any cv or reference) can be a cacher option.
template <class V>
inline constexpr bool is_option_value_v =
    std::is_same_v<std::remove_cvref_t<V>, std::string_view> ||
    std::is_same_v<std::remove_cvref_t<V>, std::nullptr_t> || is_c_string_v<std::remove_cvref_t<V>> ||
    json_option_element<std::remove_cvref_t<V>>::value;

template <class V>
concept OptionValue = is_option_value_v<V>;

// The option's JSON text. A null C string is written as null: there is no string to write, and
// throwing here would fail the plugin's static initialisation, far from the declaration.
template <OptionValue V>
std::string option_json_text(const V& value) {
  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  if constexpr (std::is_same_v<V, std::nullptr_t>) {
    w.Null();
  } else if constexpr (std::is_array_v<V>) {
    // A char buffer may be longer than its text: the string ends at the first NUL, if any.
    std::string_view text(value, std::extent_v<V>);
    text = text.substr(0, text.find('\0'));
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  } else if constexpr (is_c_string_v<V>) {
    if (value == nullptr) {
      w.Null();
    } else {
      const std::string_view text(value);
      w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    }
  } else if constexpr (std::is_same_v<V, std::string_view>) {
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  } else {
    to_json(w, value);
  }
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace cf::detail
