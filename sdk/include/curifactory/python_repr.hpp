// Python's repr() for the value types the SDK maps, so that parameter hashes match the
// original Curifactory's: the same field values give the same md5 terms.
//
// Floats print as Python prints them (shortest round-trip, exponent form outside 1e-4..1e16),
// strings follow Python's quoting and escaping rules. Not covered: Python also escapes
// unassigned code points and a few rare non-printable categories beyond those handled below.
// A nested params struct inside a list, map or optional prints as a Python dataclass does:
// Layer(units=8, activation='relu'), every listed field in declaration order.
#pragma once

#include <curifactory/json.hpp>
#include <curifactory/reflect.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>

namespace cf {
namespace detail {

inline void repr_float(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "nan";
    return;
  }
  if (std::isinf(value)) {
    out += value < 0 ? "-inf" : "inf";
    return;
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));  // e.g. -1.25e+17
  if (text.front() == '-') {
    out += '-';
    text.remove_prefix(1);
  }
  const auto e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::from_chars(text.data() + e + 1 + (text[e + 1] == '+'), text.data() + text.size(), exponent);
  const int point = exponent + 1;  // digits before the decimal point
  const auto length = static_cast<int>(digits.size());
  if (point > -4 && point <= 16) {
    if (point <= 0) {
      out += "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
    } else if (point >= length) {
      out += digits + std::string(static_cast<std::size_t>(point - length), '0') + ".0";
    } else {
      out += digits.substr(0, static_cast<std::size_t>(point)) + "." +
             digits.substr(static_cast<std::size_t>(point));
    }
    return;
  }
  out += digits.substr(0, 1);
  if (length > 1) out += "." + digits.substr(1);
  out += exponent < 0 ? "e-" : "e+";
  const int magnitude = exponent < 0 ? -exponent : exponent;
  if (magnitude < 10) out += '0';
  out += std::to_string(magnitude);
}

// Code points Python's str.isprintable() rejects, beyond the ASCII controls: Latin-1
// controls, soft hyphen, non-ASCII spaces, format characters, line/paragraph separators,
// surrogates and private use.
constexpr bool python_unprintable(char32_t c) {
  return (c >= 0x80 && c <= 0xa0) || c == 0xad || c == 0x061c || c == 0x1680 || c == 0x180e ||
         (c >= 0x2000 && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f) || (c >= 0x205f && c <= 0x2064) ||
         (c >= 0x2066 && c <= 0x206f) || c == 0x3000 || (c >= 0xd800 && c <= 0xf8ff) || c == 0xfeff ||
         (c >= 0xfff9 && c <= 0xfffb) || (c >= 0xf0000);
}

inline void append_hex_escape(std::string& out, char32_t c) {
  constexpr std::string_view hex = "0123456789abcdef";
  const int width = c <= 0xff ? 2 : c <= 0xffff ? 4 : 8;
  out += width == 2 ? "\\x" : width == 4 ? "\\u" : "\\U";
  for (int shift = (width - 1) * 4; shift >= 0; shift -= 4) out += hex[(c >> shift) & 0xf];
}

inline void repr_string(std::string& out, std::string_view text) {
  const bool has_single = text.find('\'') != std::string_view::npos;
  const bool has_double = text.find('"') != std::string_view::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  out += quote;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80           ? 1
                               : (lead >> 5) == 0x6  ? 2
                               : (lead >> 4) == 0xe  ? 3
                               : (lead >> 3) == 0x1e ? 4
                                                     : 0;
    bool valid = length > 0 && i + length <= text.size();
    char32_t c = length == 1 ? lead : length == 2 ? lead & 0x1f : length == 3 ? lead & 0x0f : lead & 0x07;
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xc0) == 0x80;
      c = (c << 6) | (next & 0x3f);
    }
    if (!valid) {  // not UTF-8: show the byte, as Python shows a surrogate-escaped one
      append_hex_escape(out, lead);
      ++i;
      continue;
    }
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f || python_unprintable(c)) {
      append_hex_escape(out, c);
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  out += quote;
}

// The member `name` of a JSON object, or null.
inline const rapidjson::Value* member_of(const rapidjson::Value* object, std::string_view name) {
  if (object == nullptr || !object->IsObject()) return nullptr;
  const auto it = object->FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
  return it == object->MemberEnd() ? nullptr : &it->value;
}

// Prints a floating value as the integer its input wrote, when it was read from one: Python
// read that input as an int. Reading it gave exactly `value`, or it is not the value read.
template <class F>
bool repr_integer_input(std::string& out, F value, const rapidjson::Value* raw) {
  if (raw == nullptr || !raw->IsNumber() || raw->IsDouble()) return false;
  if (raw->IsInt64()) {
    if (static_cast<F>(raw->GetInt64()) != value) return false;
    out += std::to_string(raw->GetInt64());
  } else {
    if (static_cast<F>(raw->GetUint64()) != value) return false;
    out += std::to_string(raw->GetUint64());
  }
  return true;
}

// True when the JSON object `raw` holds exactly the keys of `map`, each once: then `map` was just
// read from it and its entries can be shown in the input's order.
template <class Map>
bool same_keys(const Map& map, const rapidjson::Value* raw) {
  if (raw == nullptr || !raw->IsObject() || raw->MemberCount() != map.size()) return false;
  std::set<std::string_view> seen;
  for (auto it = raw->MemberBegin(); it != raw->MemberEnd(); ++it) {
    const std::string_view key(it->name.GetString(), it->name.GetStringLength());
    if (!seen.insert(key).second || map.find(std::string(key)) == map.end()) return false;
  }
  return true;
}

}  // namespace detail

// python_repr(out, value, raw) is Python's repr of the value as the original would have read it
// from the same input: `raw` is the JSON the value was just read from (null when it was not in
// the input, as for a default or a value built in C++). Two things Python keeps that the typed
// value loses: a floating field written as an integer (`alpha: 1`) is an int there and prints
// "1", not "1.0"; and a dict keeps the order its keys were written in, where std::map sorts.
// Both apply at any depth: list elements, map values, optionals, nested structs.
template <class T>
void python_repr(std::string& out, const T& value, const rapidjson::Value* raw) {
  if constexpr (std::is_same_v<T, bool>) {
    out += value ? "True" : "False";
  } else if constexpr (std::is_integral_v<T>) {
    out += std::to_string(value);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!detail::repr_integer_input(out, value, raw)) detail::repr_float(out, static_cast<double>(value));
  } else if constexpr (std::is_same_v<T, std::string>) {
    detail::repr_string(out, value);
  } else if constexpr (detail::is_optional<T>::value) {
    if (value) {
      python_repr(out, *value, raw);
    } else {
      out += "None";
    }
  } else if constexpr (detail::is_vector<T>::value) {
    // Elements pair with the input's only while it is the list they were read from.
    const bool read = raw != nullptr && raw->IsArray() && raw->Size() == value.size();
    out += '[';
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i > 0) out += ", ";
      python_repr(out, value[i], read ? &(*raw)[static_cast<rapidjson::SizeType>(i)] : nullptr);
    }
    out += ']';
  } else if constexpr (detail::is_string_map<T>::value) {
    out += '{';
    bool first = true;
    const auto entry = [&](std::string_view key, const auto& item, const rapidjson::Value* item_raw) {
      if (!first) out += ", ";
      first = false;
      detail::repr_string(out, key);
      out += ": ";
      python_repr(out, item, item_raw);
    };
    if (detail::same_keys(value, raw)) {
      for (auto it = raw->MemberBegin(); it != raw->MemberEnd(); ++it) {
        const std::string_view key(it->name.GetString(), it->name.GetStringLength());
        entry(key, value.find(std::string(key))->second, &it->value);
      }
    } else {
      for (const auto& [key, item] : value) entry(key, item, nullptr);
    }
    out += '}';
  } else if constexpr (Reflected<T>) {
    // A dataclass inside a container: Python shows ClassName(field=value, ...), every field.
    static_assert(HasTypeName<T>, "cf: list the struct with CF_PARAMS, which records its name for its repr");
    out += cf_type_name(detail::type_tag<T>{});
    out += '(';
    bool first = true;
    for_each_field<T>(value, [&](std::string_view name, const auto& member) {
      if (!first) out += ", ";
      first = false;
      out += name;
      out += '=';
      python_repr(out, member, detail::member_of(raw, name));
    });
    out += ')';
  } else {
    static_assert(sizeof(T) == 0,
                  "cf: no Python repr for this type; give the field a CF_HASH representation");
  }
}

template <class T>
void python_repr(std::string& out, const T& value) {
  python_repr(out, value, nullptr);
}

template <class T>
std::string python_repr(const T& value) {
  std::string out;
  python_repr(out, value);
  return out;
}

}  // namespace cf
