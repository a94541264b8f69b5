// Building blocks of the artifact encoding that carry no policy: element types of typed
// arrays, the payload header abi.h specifies, readable type names, and the byte stream
// msgpack's packer writes to. artifact.hpp builds the public codec on top of them.
#pragma once

#include <curifactory/abi.h>

#include <cxxabi.h>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>

// Typed arrays are copied to and from memory with memcpy, which is only the little-endian
// layout abi.h prescribes on a little-endian machine.
static_assert(std::endian::native == std::endian::little,
              "curifactory artifacts assume a little-endian machine (typed arrays are memcpy'd)");

namespace cf {

// A value that cannot be encoded, or bytes that do not decode to the requested type. The
// message names where in the value the problem is and what was expected there.
struct artifact_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {

// Element types a typed array can hold: one dtype per C++ arithmetic type of the same width
// and signedness (long double has none, so it is not one).
template <class T>
concept array_element =
    std::is_arithmetic_v<T> && !std::is_same_v<T, long double> &&
    (std::is_integral_v<T> ? sizeof(T) <= 8 : (std::is_same_v<T, float> || std::is_same_v<T, double>));

template <array_element T>
constexpr cf_dtype dtype_of() {
  if constexpr (std::is_same_v<T, bool>) {
    return CF_DTYPE_BOOL;
  } else if constexpr (std::is_same_v<T, float>) {
    return CF_DTYPE_FLOAT32;
  } else if constexpr (std::is_same_v<T, double>) {
    return CF_DTYPE_FLOAT64;
  } else {
    constexpr bool is_signed = std::is_signed_v<T>;
    if constexpr (sizeof(T) == 1) return is_signed ? CF_DTYPE_INT8 : CF_DTYPE_UINT8;
    if constexpr (sizeof(T) == 2) return is_signed ? CF_DTYPE_INT16 : CF_DTYPE_UINT16;
    if constexpr (sizeof(T) == 4) return is_signed ? CF_DTYPE_INT32 : CF_DTYPE_UINT32;
    if constexpr (sizeof(T) == 8) return is_signed ? CF_DTYPE_INT64 : CF_DTYPE_UINT64;
  }
}

// Bytes per element, 0 for a value that is no cf_dtype (so a corrupt header is detectable).
constexpr std::size_t dtype_size(unsigned dtype) {
  switch (dtype) {
    case CF_DTYPE_BOOL:
    case CF_DTYPE_INT8:
    case CF_DTYPE_UINT8:
      return 1;
    case CF_DTYPE_INT16:
    case CF_DTYPE_UINT16:
      return 2;
    case CF_DTYPE_INT32:
    case CF_DTYPE_UINT32:
    case CF_DTYPE_FLOAT32:
      return 4;
    case CF_DTYPE_INT64:
    case CF_DTYPE_UINT64:
    case CF_DTYPE_FLOAT64:
      return 8;
    default:
      return 0;
  }
}

// numpy's names, since that is what a Python reader of the same artifact would call them.
constexpr std::string_view dtype_name(unsigned dtype) {
  constexpr std::array<std::string_view, 12> names = {"?",     "bool",   "int8",    "uint8",
                                                      "int16", "uint16", "int32",   "uint32",
                                                      "int64", "uint64", "float32", "float64"};
  return dtype < names.size() ? names[dtype] : "?";
}

inline constexpr std::size_t typed_array_fixed_header = 8;

// A typed array's header: abi.h's fixed 8 bytes followed by one uint64 per dimension.
struct typed_array_header {
  cf_dtype dtype{};
  std::size_t ndim = 0;
  std::array<std::size_t, CF_MAX_DIMS> extents{};
  std::size_t count = 1;  // product of the extents
  std::size_t header_size() const { return typed_array_fixed_header + 8 * ndim; }
};

// Multiplies extents, or returns nothing when the product does not fit in size_t (a shape
// from corrupt bytes must not wrap around to a small, plausible count).
inline std::optional<std::size_t> element_count(std::span<const std::size_t> shape) {
  std::size_t count = 1;
  for (std::size_t extent : shape) {
    if (extent != 0 && count > std::numeric_limits<std::size_t>::max() / extent) return std::nullopt;
    count *= extent;
  }
  return count;
}

// Parses and validates a typed array payload; the error text completes "malformed typed
// array: ...". Checking the size against the shape here means a caller can memcpy the elements
// without reading past the payload.
inline std::optional<typed_array_header> parse_typed_array(std::span<const std::byte> payload,
                                                           std::string* error = nullptr) {
  const auto reject = [&](std::string why) -> std::optional<typed_array_header> {
    if (error != nullptr) *error = std::move(why);
    return std::nullopt;
  };
  if (payload.size() < typed_array_fixed_header) {
    return reject("payload of " + std::to_string(payload.size()) + " bytes is shorter than its header");
  }
  typed_array_header header;
  const auto dtype = static_cast<unsigned>(payload[0]);
  if (dtype_size(dtype) == 0) return reject("unknown element type " + std::to_string(dtype));
  header.dtype = static_cast<cf_dtype>(dtype);
  header.ndim = static_cast<std::size_t>(payload[1]);
  if (header.ndim > CF_MAX_DIMS) {
    return reject(std::to_string(header.ndim) + " dimensions (at most " + std::to_string(CF_MAX_DIMS) + ")");
  }
  for (std::size_t i = 2; i < typed_array_fixed_header; ++i) {
    if (payload[i] != std::byte{0}) return reject("reserved header bytes are not zero");
  }
  if (payload.size() < header.header_size()) {
    return reject("payload of " + std::to_string(payload.size()) + " bytes is shorter than its " +
                  std::to_string(header.ndim) + " extents");
  }
  for (std::size_t d = 0; d < header.ndim; ++d) {
    std::uint64_t extent = 0;
    std::memcpy(&extent, payload.data() + typed_array_fixed_header + 8 * d, sizeof extent);
    if (extent > std::numeric_limits<std::size_t>::max()) return reject("extent too large");
    header.extents[d] = static_cast<std::size_t>(extent);
  }
  const auto count = element_count(std::span(header.extents.data(), header.ndim));
  const std::size_t element_size = dtype_size(dtype);
  const std::size_t available = payload.size() - header.header_size();
  if (!count || *count > available / element_size || *count * element_size != available) {
    std::string shape;
    for (std::size_t d = 0; d < header.ndim; ++d) shape += (d ? "x" : "") + std::to_string(header.extents[d]);
    return reject(std::string(dtype_name(dtype)) + "[" + shape + "] needs " +
                  (count ? std::to_string(*count * element_size) : std::string("more")) +
                  " bytes of elements, the payload has " + std::to_string(available));
  }
  header.count = *count;
  return header;
}

// "float64[2x3]": how errors and previews show a typed array's type and shape.
inline std::string describe_typed_array(const typed_array_header& header) {
  std::string text(dtype_name(header.dtype));
  text += '[';
  for (std::size_t d = 0; d < header.ndim; ++d) {
    if (d) text += 'x';
    text += std::to_string(header.extents[d]);
  }
  text += ']';
  return text;
}

// Removes every ", <prefix>...>" template argument (balanced brackets) from a demangled name.
inline void erase_default_arguments(std::string& name, std::string_view prefix) {
  for (std::size_t at = name.find(prefix); at != std::string::npos; at = name.find(prefix, at)) {
    std::size_t end = at + prefix.size();
    for (int depth = 1; end < name.size() && depth > 0; ++end) {
      depth += name[end] == '<' ? 1 : name[end] == '>' ? -1 : 0;
    }
    name.erase(at, end - at);
  }
}

inline void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// The C++ name of T as an author wrote it, for error messages: demangled, with libstdc++'s
// inline namespace and defaulted allocator/comparator arguments dropped, so
// "std::map<std::string, double>" rather than a 150-character expansion.
template <class T>
std::string type_name() {
  const char* mangled = typeid(T).name();
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free);
  if (status != 0 || !demangled) return mangled;
  std::string name = demangled.get();
  replace_all(name, "std::__cxx11::", "std::");
  for (std::string_view argument : {", std::allocator<", ", std::char_traits<", ", std::less<",
                                    ", std::hash<", ", std::equal_to<", ", std::default_delete<"}) {
    erase_default_arguments(name, argument);
  }
  replace_all(name, " >", ">");
  replace_all(name, "std::basic_string<char>", "std::string");
  return name;
}

// The stream msgpack's packer writes to. Without a target it only counts, which is how
// encode_artifact learns the exact size before writing: the output is then allocated once and
// a large typed array is copied once, never moved by a growing buffer.
class artifact_output {
 public:
  explicit artifact_output(std::string* target) : target_(target) {}
  void write(const char* data, std::size_t size) {
    if (target_ != nullptr) target_->append(data, size);
    written_ += size;
  }
  std::size_t written() const { return written_; }
  bool counting() const { return target_ == nullptr; }

 private:
  std::string* target_;
  std::size_t written_ = 0;
};

}  // namespace detail
}  // namespace cf
