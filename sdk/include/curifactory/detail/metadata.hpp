// Compile-time metadata records placed in the plugin's CF_METADATA_SECTION.
//
// The host reads this section straight from the ELF file (no dlopen), so `experiment ls` never
// runs plugin code. Each record is one NUL-terminated JSON object built at compile time, which
// is why the strings are escaped here by consteval code instead of at run time.
#pragma once

#include <curifactory/abi.h>
#include <curifactory/detail/preprocessor.hpp>
#include <curifactory/version.hpp>

#include <array>
#include <cstddef>
#include <string_view>

namespace cf::detail {

template <std::size_t N>
struct literal {
  char chars[N]{};
  consteval literal(const char (&text)[N]) {
    for (std::size_t i = 0; i < N; ++i) chars[i] = text[i];
  }
  constexpr std::string_view view() const { return {chars, N - 1}; }
};

constexpr std::size_t json_escaped_size(std::string_view text) {
  std::size_t size = 0;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      size += 2;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      size += 6;
    } else {
      size += 1;
    }
  }
  return size;
}

struct record_writer {
  char* out;
  constexpr void raw(std::string_view text) {
    for (char c : text) *out++ = c;
  }
  constexpr void escaped(std::string_view text) {
    constexpr std::string_view hex = "0123456789abcdef";
    for (char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        *out++ = '\\';
        *out++ = c;
      } else if (byte < 0x20) {
        raw("\\u00");
        *out++ = hex[byte >> 4];
        *out++ = hex[byte & 0xf];
      } else {
        *out++ = c;
      }
    }
  }
};

inline constexpr std::string_view record_head =
    "{\"curifactory_abi\":" CF_DETAIL_STR(CF_ABI_VERSION) ",\"sdk\":\"" CURIFACTORY_SDK_VERSION "\"";

// Builds `{"curifactory_abi":N,"sdk":"x.y.z","k1":"v1",...}\0` from key/value literal pairs.
template <literal... KeyValues>
consteval auto metadata_record() {
  static_assert(sizeof...(KeyValues) % 2 == 0, "metadata_record takes key/value pairs");
  constexpr std::array<std::string_view, sizeof...(KeyValues)> items{KeyValues.view()...};
  constexpr std::size_t size = [&] {
    std::size_t n = record_head.size() + 2;  // closing brace and NUL
    for (std::size_t i = 0; i < items.size(); i += 2) {
      n += 6 + json_escaped_size(items[i]) + json_escaped_size(items[i + 1]);  // ,"k":"v"
    }
    return n;
  }();
  std::array<char, size> record{};
  record_writer w{record.data()};
  w.raw(record_head);
  for (std::size_t i = 0; i < items.size(); i += 2) {
    w.raw(",\"");
    w.escaped(items[i]);
    w.raw("\":\"");
    w.escaped(items[i + 1]);
    w.raw("\"");
  }
  w.raw("}");
  *w.out = '\0';
  return record;
}

}  // namespace cf::detail

// Places one record in the metadata section. `retain` keeps it under --gc-sections and `used`
// keeps the compiler from dropping an object nothing references.
#define CF_DETAIL_METADATA(...)                                                                      \
  [[gnu::used, gnu::retain, gnu::section(CF_METADATA_SECTION)]] static constexpr auto CF_DETAIL_CAT( \
      cf_metadata_record_, __COUNTER__) = ::cf::detail::metadata_record<__VA_ARGS__>()

// One-line description shown by `experiment ls`.
#define CF_DESCRIPTION(text) CF_DETAIL_METADATA("description", text)
