// The codecs artifact.hpp provides for standard types, written against the same
// cf::Encoder / cf::Decoder an author's codec uses. Included at the end of artifact.hpp.
#pragma once

#include <curifactory/artifact.hpp>
#include <curifactory/ordered_map.hpp>

#include <algorithm>
#include <array>
#include <concepts>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cf {
namespace detail {

// How messages name the type a codec expects: "int32", "float64" (numpy's names, like
// typed arrays), "bool".
template <array_element T>
std::string scalar_name() {
  return std::string(dtype_name(dtype_of<T>()));
}

template <array_element T>
std::string array_name() {
  return "a " + scalar_name<T>() + " array";
}

// Copies a typed array's elements into `out`; the view was validated, so the sizes agree.
template <array_element T>
void copy_elements(const Decoder& d, const TypedArrayView& view, std::vector<T>& out) {
  if constexpr (std::is_same_v<T, bool>) {
    out.assign(view.count, false);
    for (std::size_t i = 0; i < view.count; ++i) {
      const auto byte = static_cast<unsigned>(view.elements[i]);
      if (byte > 1) d.error("element " + std::to_string(i) + " of a bool array is " + std::to_string(byte));
      out[i] = byte == 1;
    }
  } else {
    out.resize(view.count);
    if (view.count != 0) std::memcpy(out.data(), view.elements.data(), view.elements.size());
  }
}

template <array_element T>
TypedArrayView typed_array_of(const Decoder& d) {
  if (d.kind() != value_kind::typed_array) d.fail(array_name<T>());
  auto view = d.typed_array();
  if (view.dtype != dtype_of<T>()) d.fail(array_name<T>());
  return view;
}

template <class Container>
void encode_sequence(Encoder& e, const Container& items) {
  e.begin_array(items.size());
  for (const auto& item : items) e.value(item);
}

template <class Map>
void decode_map(const Decoder& d, Map& out) {
  out.clear();
  d.for_each_entry([&](const Decoder& key, const Decoder& value) {
    auto [it, inserted] = out.try_emplace(key.as<typename Map::key_type>());
    if (!inserted) key.error("duplicate key");
    value.into(it->second);
  });
}

}  // namespace detail

template <>
struct codec<bool> {
  static void encode(Encoder& e, bool v) { e.boolean(v); }
  static void decode(const Decoder& d, bool& out) {
    if (d.kind() != value_kind::boolean) d.fail("bool");
    out = d.object().via.boolean;
  }
};

template <class T>
requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && sizeof(T) <= 8) struct codec<T> {
  static void encode(Encoder& e, T v) {
    if constexpr (std::is_signed_v<T>) {
      e.integer(v);
    } else {
      e.unsigned_integer(v);
    }
  }
  static void decode(const Decoder& d, T& out) {
    const msgpack::object& o = d.object();
    if (o.type == msgpack::type::POSITIVE_INTEGER) {
      if (o.via.u64 > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) out_of_range(d, o.via.u64);
      out = static_cast<T>(o.via.u64);
    } else if (o.type == msgpack::type::NEGATIVE_INTEGER) {
      if constexpr (std::is_unsigned_v<T>) {
        out_of_range(d, o.via.i64);
      } else {
        if (o.via.i64 < static_cast<std::int64_t>(std::numeric_limits<T>::min())) out_of_range(d, o.via.i64);
        out = static_cast<T>(o.via.i64);
      }
    } else {
      d.fail(detail::scalar_name<T>());
    }
  }

 private:
  template <class V>
  [[noreturn]] static void out_of_range(const Decoder& d, V value) {
    d.error("expected " + detail::scalar_name<T>() + ", got " + std::to_string(value) + " (out of range)");
  }
};

template <class T>
requires(std::is_same_v<T, float> || std::is_same_v<T, double>) struct codec<T> {
  static void encode(Encoder& e, T v) {
    if constexpr (std::is_same_v<T, float>) {
      e.float32(v);
    } else {
      e.float64(v);
    }
  }
  // Integers are accepted: another writer may well store 2.0 as 2.
  static void decode(const Decoder& d, T& out) {
    const msgpack::object& o = d.object();
    switch (o.type) {
      case msgpack::type::FLOAT32:
      case msgpack::type::FLOAT64:
        out = static_cast<T>(o.via.f64);
        break;
      case msgpack::type::POSITIVE_INTEGER:
        out = static_cast<T>(o.via.u64);
        break;
      case msgpack::type::NEGATIVE_INTEGER:
        out = static_cast<T>(o.via.i64);
        break;
      default:
        d.fail(detail::scalar_name<T>());
    }
  }
};

template <>
struct codec<std::string> {
  static void encode(Encoder& e, const std::string& v) { e.string(v); }
  static void decode(const Decoder& d, std::string& out) { out.assign(d.string()); }
};

// Encode only: a view cannot own what it decodes.
template <>
struct codec<std::string_view> {
  static void encode(Encoder& e, std::string_view v) { e.string(v); }
};

template <>
struct codec<Blob> {
  static void encode(Encoder& e, const Blob& v) { e.bytes(std::as_bytes(std::span(v.bytes))); }
  static void decode(const Decoder& d, Blob& out) {
    const auto bytes = d.bytes();
    out.bytes.resize(bytes.size());
    if (!bytes.empty()) std::memcpy(out.bytes.data(), bytes.data(), bytes.size());
  }
};

// Numbers and bools: one 1-D typed array. A plain MessagePack array of scalars (as other
// writers produce) is read too, element by element.
template <detail::array_element T, class A>
struct codec<std::vector<T, A>> {
  static void encode(Encoder& e, const std::vector<T, A>& v) {
    const std::array<std::size_t, 1> shape{v.size()};
    if constexpr (std::is_same_v<std::vector<T, A>, std::vector<bool>>) {
      e.typed_array(shape, v);
    } else if constexpr (std::is_same_v<T, bool>) {
      e.typed_array(shape, std::vector<bool>(v.begin(), v.end()));
    } else {
      e.typed_array(detail::dtype_of<T>(), shape, v.data());
    }
  }
  static void decode(const Decoder& d, std::vector<T, A>& out) {
    if (d.kind() == value_kind::array) {
      out.resize(d.size());
      for (std::size_t i = 0; i < out.size(); ++i) {
        T element{};
        d[i].into(element);
        out[i] = element;
      }
      return;
    }
    const auto view = detail::typed_array_of<T>(d);
    if (view.shape.size() != 1) d.fail("a 1-D " + detail::scalar_name<T>() + " array");
    if constexpr (std::is_same_v<A, std::allocator<T>>) {
      detail::copy_elements(d, view, out);
    } else {
      std::vector<T> elements;
      detail::copy_elements(d, view, elements);
      out.assign(elements.begin(), elements.end());
    }
  }
};

template <class T, class A>
struct codec<std::vector<T, A>> {
  static void encode(Encoder& e, const std::vector<T, A>& v) { detail::encode_sequence(e, v); }
  static void decode(const Decoder& d, std::vector<T, A>& out) {
    if (d.kind() != value_kind::array) d.fail("an array");
    out.resize(d.size());
    for (std::size_t i = 0; i < out.size(); ++i) d[i].into(out[i]);
  }
};

template <class T>
struct codec<Array<T>> {
  static void encode(Encoder& e, const Array<T>& v) {
    const auto count = detail::element_count(v.shape);
    if (!count || *count != v.data.size()) {
      std::string shape;
      for (std::size_t extent : v.shape) shape += (shape.empty() ? "" : "x") + std::to_string(extent);
      throw artifact_error("cannot encode " + detail::type_name<Array<T>>() + ": shape [" + shape +
                           "] needs " + (count ? std::to_string(*count) : std::string("too many")) +
                           " elements, data has " + std::to_string(v.data.size()));
    }
    if constexpr (std::is_same_v<T, bool>) {
      e.typed_array(v.shape, v.data);
    } else {
      e.typed_array(detail::dtype_of<T>(), v.shape, v.data.data());
    }
  }
  static void decode(const Decoder& d, Array<T>& out) {
    auto view = detail::typed_array_of<T>(d);
    detail::copy_elements(d, view, out.data);
    out.shape = std::move(view.shape);
  }
};

template <class T, std::size_t N>
struct codec<std::array<T, N>> {
  static void encode(Encoder& e, const std::array<T, N>& v) { detail::encode_sequence(e, v); }
  static void decode(const Decoder& d, std::array<T, N>& out) {
    if (d.kind() != value_kind::array || d.size() != N) d.fail("an array of " + std::to_string(N));
    for (std::size_t i = 0; i < N; ++i) d[i].into(out[i]);
  }
};

template <class... T>
struct codec<std::tuple<T...>> {
  static void encode(Encoder& e, const std::tuple<T...>& v) {
    e.begin_array(sizeof...(T));
    std::apply([&](const auto&... item) { (e.value(item), ...); }, v);
  }
  static void decode(const Decoder& d, std::tuple<T...>& out) {
    if (d.kind() != value_kind::array || d.size() != sizeof...(T)) {
      d.fail("an array of " + std::to_string(sizeof...(T)));
    }
    std::size_t i = 0;
    std::apply([&](auto&... item) { (d[i++].into(item), ...); }, out);
  }
};

template <class A, class B>
struct codec<std::pair<A, B>> {
  static void encode(Encoder& e, const std::pair<A, B>& v) {
    e.begin_array(2);
    e.value(v.first);
    e.value(v.second);
  }
  static void decode(const Decoder& d, std::pair<A, B>& out) {
    if (d.kind() != value_kind::array || d.size() != 2) d.fail("an array of 2");
    d[0].into(out.first);
    d[1].into(out.second);
  }
};

template <class T>
struct codec<std::optional<T>> {
  static void encode(Encoder& e, const std::optional<T>& v) {
    if (v) {
      e.value(*v);
    } else {
      e.nil();
    }
  }
  static void decode(const Decoder& d, std::optional<T>& out) {
    if (d.is_nil()) {
      out.reset();
    } else {
      d.into(out.emplace());
    }
  }
};

template <class K, class V, class C, class A>
struct codec<std::map<K, V, C, A>> {
  static void encode(Encoder& e, const std::map<K, V, C, A>& v) {
    e.begin_map(v.size());
    for (const auto& [key, item] : v) {
      e.value(key);
      e.value(item);
    }
  }
  static void decode(const Decoder& d, std::map<K, V, C, A>& out) { detail::decode_map(d, out); }
};

// Entries in the map's own order, which is part of its value.
template <class V>
struct codec<ordered_map<V>> {
  static void encode(Encoder& e, const ordered_map<V>& v) {
    e.begin_map(v.size());
    for (const auto& [key, item] : v) {
      e.value(key);
      e.value(item);
    }
  }
  static void decode(const Decoder& d, ordered_map<V>& out) { detail::decode_map(d, out); }
};

// Entries are written in key order where keys can be ordered, so equal maps give equal bytes
// whatever their hash table's history.
template <class K, class V, class H, class E, class A>
struct codec<std::unordered_map<K, V, H, E, A>> {
  static void encode(Encoder& e, const std::unordered_map<K, V, H, E, A>& v) {
    e.begin_map(v.size());
    std::vector<const typename std::unordered_map<K, V, H, E, A>::value_type*> entries;
    entries.reserve(v.size());
    for (const auto& entry : v) entries.push_back(&entry);
    if constexpr (std::totally_ordered<K>) {
      std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->first < b->first; });
    }
    for (const auto* entry : entries) {
      e.value(entry->first);
      e.value(entry->second);
    }
  }
  static void decode(const Decoder& d, std::unordered_map<K, V, H, E, A>& out) { detail::decode_map(d, out); }
};

// Structs listed with CF_FIELDS: a map of field name -> value, in declaration order.
template <Reflected T>
struct codec<T> {
  static void encode(Encoder& e, const T& v) {
    e.begin_map(std::tuple_size_v<decltype(fields_of<T>())>);
    for_each_field<T>(v, [&](std::string_view name, const auto& member) {
      e.key(name);
      e.value(member);
    });
  }
  // Every field must be present and nothing else: a missing or unknown field means the bytes
  // were written from another version of the struct, which a default would silently hide.
  static void decode(const Decoder& d, T& out) {
    if (d.kind() != value_kind::map) d.fail("a map of fields (" + detail::type_name<T>() + ")");
    for_each_field<T>(out, [&](std::string_view name, auto& member) { d.field(name).into(member); });
    d.for_each_entry([&](const Decoder& key, const Decoder&) {
      if (key.kind() != value_kind::string) key.fail("a field name");
      bool known = false;
      for_each_field<T>(out, [&](std::string_view name, auto&) { known = known || name == key.string(); });
      if (!known) d.error("unknown field '" + std::string(key.string()) + "' for " + detail::type_name<T>());
    });
  }
};

}  // namespace cf
