// Artifacts: how a stage's outputs become the MessagePack bytes that cross the ABI and land in
// the cache, and back.
//
//   std::string bytes = cf::encode_artifact(value);
//   auto copy = cf::decode_artifact<Model>(bytes);   // throws cf::artifact_error
//
// Built in: bool, integers (range-checked on decode), float and double, std::string,
// cf::Blob (bin), std::vector, cf::Array (N-D), std::array, std::pair, std::tuple,
// std::optional (nil when empty), std::map, std::unordered_map, cf::ordered_map (in its order),
// and structs listed with CF_FIELDS (a map of field name -> value; decoding needs every field
// and no other). A vector of numbers or bools and a cf::Array are one typed-array extension
// object (abi.h), so a large one is encoded and decoded with a single memcpy. Decoding never
// converts one element type of a typed array into another.
//
// Any other type becomes an artifact by specializing cf::codec:
//
//   template <> struct cf::codec<Point> {
//     static void encode(cf::Encoder& e, const Point& p) { e.begin_array(2); e.value(p.x); e.value(p.y); }
//     static void decode(const cf::Decoder& d, Point& p) { p = {d[0].as<double>(), d[1].as<double>()}; }
//   };
#pragma once

#include <curifactory/abi.h>
#include <curifactory/detail/artifact_format.hpp>
#include <curifactory/reflect.hpp>

#include <msgpack.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// unpack_reference_func, which keeps decoding from copying large payloads, is API v2 onwards.
static_assert(MSGPACK_DEFAULT_API_VERSION >= 2, "curifactory needs msgpack-cxx API version 2 or later");

namespace cf {

// An N-dimensional array of numbers or bools, row-major: encoded as one typed array whose
// shape travels with it. Decodes from any typed array of element type T, including a 1-D one
// written from a std::vector<T>.
template <class T>
struct Array {
  static_assert(detail::array_element<T>, "cf::Array holds bool, integers, float or double");

  std::vector<std::size_t> shape;
  std::vector<T> data;

  Array() = default;
  // A zero-filled array of this shape.
  explicit Array(std::vector<std::size_t> extents) : shape(std::move(extents)), data(count(shape)) {}
  Array(std::vector<std::size_t> extents, std::vector<T> elements)
      : shape(std::move(extents)), data(std::move(elements)) {}

  friend bool operator==(const Array&, const Array&) = default;

 private:
  static std::size_t count(std::span<const std::size_t> extents) {
    const auto n = detail::element_count(extents);
    if (!n) throw artifact_error("cf::Array: the shape's element count does not fit in memory");
    return *n;
  }
};

// Opaque bytes (a serialized model, an image file): encoded as a MessagePack bin object.
struct Blob {
  std::vector<std::uint8_t> bytes;
  friend bool operator==(const Blob&, const Blob&) = default;
};

class Encoder;
class Decoder;

// How T is encoded and decoded. Specialize it (fully, or partially through Enable) to make a
// type an artifact; it needs
//   static void encode(cf::Encoder&, const T&);
//   static void decode(const cf::Decoder&, T&);
// encode runs twice per artifact, once to measure and once to write, and must write the same
// values both times. decode reports problems with Decoder::fail / Decoder::error, which name
// the path.
template <class T, class Enable = void>
struct codec {
  static_assert(sizeof(T) == 0,
                "cf: no codec for this type: list its fields with CF_FIELDS or specialize cf::codec");
};

// Writes one MessagePack value through codecs. Containers are announced with their element
// count (begin_array / begin_map) and followed by exactly that many values (keys and values
// alternating for a map).
class Encoder {
 public:
  explicit Encoder(std::string* target = nullptr) : output_(target), packer_(output_) {}
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  template <class U>
  void value(const U& v) {
    codec<U>::encode(*this, v);
  }

  void nil() { packer_.pack_nil(); }
  void boolean(bool b) { b ? packer_.pack_true() : packer_.pack_false(); }
  void integer(std::int64_t i) { packer_.pack_int64(i); }
  void unsigned_integer(std::uint64_t u) { packer_.pack_uint64(u); }
  // Floats are written as floats even when integral: msgpack-cxx's pack_double would turn 2.0
  // into the integer 2, which a Python reader would then see as an int.
  void float32(float f) { float_bits(0xca, std::bit_cast<std::uint32_t>(f)); }
  void float64(double d) { float_bits(0xcb, std::bit_cast<std::uint64_t>(d)); }
  void string(std::string_view s) {
    packer_.pack_str(length(s.size(), "string"));
    raw(s.data(), s.size());
  }
  void bytes(std::span<const std::byte> b) {
    packer_.pack_bin(length(b.size(), "byte blob"));
    raw(b.data(), b.size());
  }
  void begin_array(std::size_t n) { packer_.pack_array(length(n, "array")); }
  void begin_map(std::size_t n) { packer_.pack_map(length(n, "map")); }
  // A map key that is a name: the same as string(), named for readable codecs.
  void key(std::string_view name) { string(name); }

  // A typed array of `dtype` with this shape, its product(shape) elements contiguous at
  // `elements`. In the counting pass of encode_artifact the elements are not read.
  void typed_array(cf_dtype dtype, std::span<const std::size_t> shape, const void* elements) {
    const std::size_t count = begin_typed_array(dtype, shape);
    raw(elements, count * detail::dtype_size(dtype));
  }
  // The same for bools, which std::vector<bool> packs as bits: widened to a byte each.
  void typed_array(std::span<const std::size_t> shape, const std::vector<bool>& elements) {
    const std::size_t count = begin_typed_array(CF_DTYPE_BOOL, shape);
    if (count != elements.size()) throw artifact_error("bool array: shape and element count differ");
    if (output_.counting()) {
      raw(nullptr, count);
      return;
    }
    std::array<char, 4096> chunk;
    for (std::size_t done = 0; done < count;) {
      const std::size_t n = std::min(chunk.size(), count - done);
      for (std::size_t i = 0; i < n; ++i) chunk[i] = elements[done + i] ? 1 : 0;
      raw(chunk.data(), n);
      done += n;
    }
  }

  // For encodings the helpers above do not cover (another extension type, say).
  msgpack::packer<detail::artifact_output>& packer() { return packer_; }
  std::size_t bytes_written() const { return output_.written(); }

 private:
  void raw(const void* data, std::size_t size) { output_.write(static_cast<const char*>(data), size); }

  void float_bits(unsigned char marker, std::uint64_t bits) {
    const std::size_t size = marker == 0xca ? 4 : 8;
    std::array<char, 9> buffer{static_cast<char>(marker)};
    for (std::size_t i = 0; i < size; ++i) buffer[1 + i] = static_cast<char>(bits >> (8 * (size - 1 - i)));
    raw(buffer.data(), 1 + size);
  }

  // MessagePack lengths are 32-bit; a bigger value cannot be one object.
  static std::uint32_t length(std::size_t n, std::string_view what) {
    if (n > std::numeric_limits<std::uint32_t>::max()) {
      throw artifact_error("cannot encode a " + std::string(what) + " of " + std::to_string(n) +
                           " (MessagePack's limit is 2^32-1)");
    }
    return static_cast<std::uint32_t>(n);
  }

  // Writes the extension header and the typed array header; returns the element count.
  std::size_t begin_typed_array(cf_dtype dtype, std::span<const std::size_t> shape) {
    if (shape.size() > CF_MAX_DIMS) {
      throw artifact_error("cannot encode an array of " + std::to_string(shape.size()) +
                           " dimensions (at most " + std::to_string(CF_MAX_DIMS) + ")");
    }
    const auto count = detail::element_count(shape);
    const std::size_t header = detail::typed_array_fixed_header + 8 * shape.size();
    const std::size_t element_size = detail::dtype_size(dtype);
    if (element_size == 0) {
      throw artifact_error("cannot encode a typed array of unknown dtype " + std::to_string(dtype));
    }
    if (!count || *count > (std::numeric_limits<std::uint32_t>::max() - header) / element_size) {
      throw artifact_error("cannot encode a typed array over 4 GiB (MessagePack's object limit)");
    }
    packer_.pack_ext(header + *count * element_size, CF_MSGPACK_TYPED_ARRAY);
    std::array<char, detail::typed_array_fixed_header + 8 * CF_MAX_DIMS> bytes{};
    bytes[0] = static_cast<char>(dtype);
    bytes[1] = static_cast<char>(shape.size());
    for (std::size_t d = 0; d < shape.size(); ++d) {
      const auto extent = static_cast<std::uint64_t>(shape[d]);
      std::memcpy(bytes.data() + detail::typed_array_fixed_header + 8 * d, &extent, sizeof extent);
    }
    raw(bytes.data(), header);
    return *count;
  }

  detail::artifact_output output_;
  msgpack::packer<detail::artifact_output> packer_;
};

// What a MessagePack value is, as codecs see it.
enum class value_kind { nil, boolean, integer, floating, string, bytes, array, map, typed_array, extension };

// A validated typed array inside the artifact's bytes (not copied).
struct TypedArrayView {
  cf_dtype dtype{};
  std::vector<std::size_t> shape;
  std::size_t count = 0;                // product(shape)
  std::span<const std::byte> elements;  // count * element size bytes, little-endian, unaligned
};

// Reads one MessagePack value through codecs. It knows its path from the artifact's root
// (".model.layers[2]"), so every error it raises says where the problem is.
class Decoder {
 public:
  explicit Decoder(const msgpack::object& object, std::string path = {})
      : object_(&object), path_(std::move(path)) {}

  template <class U>
  U as() const {
    U out{};
    codec<U>::decode(*this, out);
    return out;
  }
  // Decodes into an existing object (which keeps its allocation where the codec can reuse it).
  template <class U>
  void into(U& out) const {
    codec<U>::decode(*this, out);
  }

  value_kind kind() const {
    switch (object_->type) {
      case msgpack::type::NIL:
        return value_kind::nil;
      case msgpack::type::BOOLEAN:
        return value_kind::boolean;
      case msgpack::type::POSITIVE_INTEGER:
      case msgpack::type::NEGATIVE_INTEGER:
        return value_kind::integer;
      case msgpack::type::FLOAT32:
      case msgpack::type::FLOAT64:
        return value_kind::floating;
      case msgpack::type::STR:
        return value_kind::string;
      case msgpack::type::BIN:
        return value_kind::bytes;
      case msgpack::type::ARRAY:
        return value_kind::array;
      case msgpack::type::MAP:
        return value_kind::map;
      case msgpack::type::EXT:
        return object_->via.ext.type() == CF_MSGPACK_TYPED_ARRAY ? value_kind::typed_array
                                                                 : value_kind::extension;
    }
    return value_kind::extension;
  }
  bool is_nil() const { return object_->type == msgpack::type::NIL; }

  // Element count of an array or a map.
  std::size_t size() const {
    if (object_->type == msgpack::type::ARRAY) return object_->via.array.size;
    if (object_->type == msgpack::type::MAP) return object_->via.map.size;
    fail("an array or a map");
  }
  // Element i of an array.
  Decoder operator[](std::size_t i) const {
    if (object_->type != msgpack::type::ARRAY) fail("an array");
    if (i >= object_->via.array.size) {
      error("no element " + std::to_string(i) + " in an array of " + std::to_string(object_->via.array.size));
    }
    return Decoder(object_->via.array.ptr[i], path_ + "[" + std::to_string(i) + "]");
  }
  // The value under string key `name` of a map, or nothing when the map has no such key.
  std::optional<Decoder> find(std::string_view name) const {
    if (object_->type != msgpack::type::MAP) fail("a map");
    for (const auto& entry : std::span(object_->via.map.ptr, object_->via.map.size)) {
      if (entry.key.type == msgpack::type::STR &&
          std::string_view(entry.key.via.str.ptr, entry.key.via.str.size) == name) {
        return Decoder(entry.val, path_ + "." + std::string(name));
      }
    }
    return std::nullopt;
  }
  // The same, for a field that must be there.
  Decoder field(std::string_view name) const {
    auto found = find(name);
    if (!found) error("missing field '" + std::string(name) + "'");
    return *found;
  }
  // Calls fn(key, value) with a Decoder for each entry of a map, in stored order.
  template <class Fn>
  void for_each_entry(Fn&& fn) const {
    if (object_->type != msgpack::type::MAP) fail("a map");
    const auto entries = std::span(object_->via.map.ptr, object_->via.map.size);
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const msgpack::object& key = entries[i].key;
      std::string where;
      if (key.type == msgpack::type::STR) {
        where = "['" + std::string(key.via.str.ptr, key.via.str.size) + "']";
      } else if (key.type == msgpack::type::POSITIVE_INTEGER) {
        where = "[" + std::to_string(key.via.u64) + "]";
      } else if (key.type == msgpack::type::NEGATIVE_INTEGER) {
        where = "[" + std::to_string(key.via.i64) + "]";
      } else {
        where = "[entry " + std::to_string(i) + "]";
      }
      fn(Decoder(key, path_ + "[key " + std::to_string(i) + "]"), Decoder(entries[i].val, path_ + where));
    }
  }

  // A string's text, pointing into the artifact's bytes.
  std::string_view string() const {
    if (object_->type != msgpack::type::STR) fail("a string");
    return {object_->via.str.ptr, object_->via.str.size};
  }
  // A bin object's bytes, pointing into the artifact's bytes.
  std::span<const std::byte> bytes() const {
    if (object_->type != msgpack::type::BIN) fail("bytes");
    return {reinterpret_cast<const std::byte*>(object_->via.bin.ptr), object_->via.bin.size};
  }
  // A typed array, checked against abi.h's layout.
  TypedArrayView typed_array() const {
    if (kind() != value_kind::typed_array) fail("a typed array");
    std::string why;
    const auto header = detail::parse_typed_array(ext_payload(), &why);
    if (!header) error("malformed typed array: " + why);
    TypedArrayView view;
    view.dtype = header->dtype;
    view.shape.assign(header->extents.begin(),
                      header->extents.begin() + static_cast<std::ptrdiff_t>(header->ndim));
    view.count = header->count;
    view.elements = ext_payload().subspan(header->header_size());
    return view;
  }

  const msgpack::object& object() const { return *object_; }
  const std::string& path() const { return path_; }

  // Throws "at <path>: expected <expected>, got <what is there>".
  [[noreturn]] void fail(std::string_view expected) const {
    error("expected " + std::string(expected) + ", got " + describe());
  }
  // Throws "at <path>: <message>".
  [[noreturn]] void error(std::string_view message) const {
    throw artifact_error("at " + (path_.empty() ? std::string("the top level") : path_) + ": " +
                         std::string(message));
  }
  // What the value is, for "got ..." in messages: "a string", "int32[10]", "an array of 3".
  std::string describe() const {
    switch (object_->type) {
      case msgpack::type::NIL:
        return "nil";
      case msgpack::type::BOOLEAN:
        return "a bool";
      case msgpack::type::POSITIVE_INTEGER:
      case msgpack::type::NEGATIVE_INTEGER:
        return "an integer";
      case msgpack::type::FLOAT32:
      case msgpack::type::FLOAT64:
        return "a float";
      case msgpack::type::STR:
        return "a string";
      case msgpack::type::BIN:
        return "bytes";
      case msgpack::type::ARRAY:
        return "an array of " + std::to_string(object_->via.array.size);
      case msgpack::type::MAP:
        return "a map of " + std::to_string(object_->via.map.size);
      case msgpack::type::EXT:
        break;
    }
    if (object_->via.ext.type() != CF_MSGPACK_TYPED_ARRAY) {
      return "an extension object of type " + std::to_string(object_->via.ext.type());
    }
    const auto header = detail::parse_typed_array(ext_payload());
    return header ? detail::describe_typed_array(*header) : "a malformed typed array";
  }

 private:
  std::span<const std::byte> ext_payload() const {
    return {reinterpret_cast<const std::byte*>(object_->via.ext.data()), object_->via.ext.size};
  }

  const msgpack::object* object_;
  std::string path_;
};

namespace detail {

// Large str/bin/ext payloads stay where they are in the caller's bytes instead of being copied
// into msgpack's zone; each codec then copies what it keeps exactly once.
inline bool reference_payloads(msgpack::type::object_type, std::size_t, void*) {
  return true;
}

// Parses one whole artifact. Container sizes are capped by the input length (every element
// takes at least a byte), so corrupt bytes cannot make msgpack reserve gigabytes up front.
inline msgpack::object_handle unpack_artifact(std::string_view bytes) {
  std::size_t offset = 0;
  msgpack::object_handle handle;
  try {
    const msgpack::unpack_limit limit(bytes.size(), bytes.size() / 2, bytes.size(), bytes.size(),
                                      bytes.size());
    handle = msgpack::unpack(bytes.data(), bytes.size(), offset, reference_payloads, nullptr, limit);
  } catch (const msgpack::insufficient_bytes&) {
    throw artifact_error("truncated artifact: its " + std::to_string(bytes.size()) +
                         " bytes end in the middle of a value");
  } catch (const msgpack::unpack_error& e) {
    throw artifact_error(std::string("malformed artifact: ") + e.what());
  }
  if (offset != bytes.size()) {
    throw artifact_error("malformed artifact: " + std::to_string(bytes.size() - offset) +
                         " bytes left after the value");
  }
  return handle;
}

}  // namespace detail

// The MessagePack encoding of `value`, allocated once at its exact size.
template <class T>
std::string encode_artifact(const T& value) {
  Encoder counter;
  counter.value(value);
  std::string bytes;
  bytes.reserve(counter.bytes_written());
  Encoder writer(&bytes);
  writer.value(value);
  return bytes;
}

// Decodes an artifact written by encode_artifact<T> (or anything with the same layout). T must
// be default-constructible; errors are cf::artifact_error naming the offending path.
template <class T>
T decode_artifact(std::string_view bytes) {
  const auto handle = detail::unpack_artifact(bytes);
  return Decoder(handle.get()).as<T>();
}

}  // namespace cf

#include <curifactory/detail/artifact_codecs.hpp>
