// Field reflection for plain structs: CF_PARAMS(Type, field...) lists the fields the SDK maps
// to and from JSON (parameter sets today, artifacts later). The listing is found by
// argument-dependent lookup, so CF_PARAMS works in whatever namespace the struct lives in.
#pragma once

#include <curifactory/detail/preprocessor.hpp>

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>

namespace cf {
namespace detail {
template <class T>
struct type_tag {};
}  // namespace detail

template <class T, class M>
struct field_info {
  std::string_view name;
  M T::*member;
};

// A type made reflectable by CF_PARAMS.
template <class T>
concept Reflected = requires {
  cf_fields(detail::type_tag<T>{});
};

template <Reflected T>
constexpr auto fields_of() {
  return cf_fields(detail::type_tag<T>{});
}

// Calls fn(name, member_reference) for every listed field of `object`, in declaration order.
template <Reflected T, class Object, class Fn>
constexpr void for_each_field(Object& object, Fn&& fn) {
  std::apply([&](const auto&... field) { (fn(field.name, object.*(field.member)), ...); }, fields_of<T>());
}

// The struct's name as CF_PARAMS was given it, without namespace qualifiers: what Python's
// dataclass repr shows ("Layer(units=8)") when a params struct sits inside a list or a map.
template <class T>
concept HasTypeName = requires {
  cf_type_name(detail::type_tag<T>{});
};

namespace detail {
// "ns::Layer" -> "Layer"; a "::" inside template arguments ("Box<ns::X>") is not a qualifier.
constexpr std::string_view unqualified_name(std::string_view written) {
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < written.size(); ++i) {
    if (written[i] == '<') ++depth;
    if (written[i] == '>') --depth;
    if (depth == 0 && written[i] == ':' && i + 1 < written.size() && written[i + 1] == ':') start = i + 2;
  }
  return written.substr(start);
}
}  // namespace detail

// Fields that must be present in every parameter set (declared with CF_REQUIRED); the others
// keep the struct's default when absent.
template <class T>
concept HasRequiredFields = requires {
  cf_required_fields(detail::type_tag<T>{});
};

}  // namespace cf

#define CF_DETAIL_FIELD_INFO(Type, member) \
  ::cf::field_info<Type, decltype(Type::member)>{#member, &Type::member},

// CF_PARAMS(Params, samples, noise, model): declares which fields of Params the SDK maps, and
// records the struct's name for its Python-style repr.
#define CF_PARAMS(Type, ...)                                                               \
  [[maybe_unused]] constexpr auto cf_fields(::cf::detail::type_tag<Type>) {                \
    return std::tuple{CF_DETAIL_FOR_EACH(CF_DETAIL_FIELD_INFO, Type, __VA_ARGS__)};        \
  }                                                                                        \
  [[maybe_unused]] constexpr std::string_view cf_type_name(::cf::detail::type_tag<Type>) { \
    return ::cf::detail::unqualified_name(#Type);                                          \
  }                                                                                        \
  static_assert(true, "require a semicolon after CF_PARAMS")

// Artifact structs use the same reflection: CF_FIELDS(Result, scores, model) lists what
// cf::encode_artifact writes and cf::decode_artifact requires.
#define CF_FIELDS CF_PARAMS

#define CF_DETAIL_FIELD_NAME(Type, member) ((void)sizeof(&Type::member), std::string_view(#member)),

// CF_REQUIRED(Params, samples): a set without `samples` is an error instead of a default.
#define CF_REQUIRED(Type, ...)                                                       \
  [[maybe_unused]] constexpr auto cf_required_fields(::cf::detail::type_tag<Type>) { \
    return std::array{CF_DETAIL_FOR_EACH(CF_DETAIL_FIELD_NAME, Type, __VA_ARGS__)};  \
  }                                                                                  \
  static_assert(true, "require a semicolon after CF_REQUIRED")
