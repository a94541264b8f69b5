#include "cache/artifact_preview.hpp"

#include <curifactory/abi.h>
#include <curifactory/detail/artifact_format.hpp>
#include <curifactory/python_repr.hpp>

#include <msgpack.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>

namespace cf::host {
namespace {

// Elements of a typed array shown before "…": enough to recognise the data, few enough that a
// preview of any array costs the same.
constexpr std::size_t kShownElements = 5;
constexpr std::string_view kEllipsis = "…";

struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Large payloads stay in the caller's bytes; a preview reads a few of them at most.
bool reference_payloads(msgpack::type::object_type, std::size_t, void*) {
  return true;
}

template <class T>
T load(const char* at) {
  T value;
  std::memcpy(&value, at, sizeof value);
  return value;
}

// A float32 shown as the shortest decimal that reads back as the same float32 (0.1, as numpy
// prints it), not as the float64 it widens to (0.10000000149011612).
void repr_float32(std::string& out, float value) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  double widened = value;
  std::from_chars(buffer, end, widened);
  cf::detail::repr_float(out, widened);
}

class PreviewWriter {
 public:
  // Writing stops once `budget` bytes are out: the caller cuts to max_chars anyway, so a long
  // list is walked only as far as it can be shown.
  explicit PreviewWriter(std::size_t budget) : budget_(budget) {}

  bool full() const { return out_.size() > budget_; }
  std::string take() { return std::move(out_); }

  void value(const msgpack::object& o) {
    if (full()) return;
    switch (o.type) {
      case msgpack::type::NIL:
        out_ += "None";
        break;
      case msgpack::type::BOOLEAN:
        out_ += o.via.boolean ? "True" : "False";
        break;
      case msgpack::type::POSITIVE_INTEGER:
        out_ += std::to_string(o.via.u64);
        break;
      case msgpack::type::NEGATIVE_INTEGER:
        out_ += std::to_string(o.via.i64);
        break;
      case msgpack::type::FLOAT32:
        repr_float32(out_, static_cast<float>(o.via.f64));
        break;
      case msgpack::type::FLOAT64:
        cf::detail::repr_float(out_, o.via.f64);
        break;
      case msgpack::type::STR:
        // Only the part that can be shown is escaped; the rest of a long text is never read.
        cf::detail::repr_string(
            out_, std::string_view(o.via.str.ptr, std::min<std::size_t>(o.via.str.size, budget_)));
        break;
      case msgpack::type::BIN:
        out_ += "<bytes: " + std::to_string(o.via.bin.size) + ">";
        break;
      case msgpack::type::ARRAY:
        out_ += '[';
        for (std::uint32_t i = 0; i < o.via.array.size && !full(); ++i) {
          if (i) out_ += ", ";
          value(o.via.array.ptr[i]);
        }
        out_ += ']';
        break;
      case msgpack::type::MAP:
        out_ += '{';
        for (std::uint32_t i = 0; i < o.via.map.size && !full(); ++i) {
          if (i) out_ += ", ";
          value(o.via.map.ptr[i].key);
          out_ += ": ";
          value(o.via.map.ptr[i].val);
        }
        out_ += '}';
        break;
      case msgpack::type::EXT:
        extension(o.via.ext);
        break;
    }
  }

 private:
  void extension(const msgpack::object_ext& ext) {
    if (ext.type() != CF_MSGPACK_TYPED_ARRAY) {
      out_ += "<ext " + std::to_string(ext.type()) + ": " + std::to_string(ext.size) + " bytes>";
      return;
    }
    // The SDK's own parser checks the header against the payload size, so a preview never
    // reads past the payload and a corrupt array is reported as unreadable.
    const char* payload = ext.data();
    const auto parsed = cf::detail::parse_typed_array(
        std::span<const std::byte>(reinterpret_cast<const std::byte*>(payload), ext.size));
    if (!parsed) throw Malformed("bad typed array");
    const unsigned dtype = parsed->dtype;
    const std::size_t element_size = cf::detail::dtype_size(dtype);
    const std::size_t header = parsed->header_size();
    const std::size_t count = parsed->count;
    out_ += cf::detail::dtype_name(dtype);
    out_ += '[';
    for (std::size_t d = 0; d < parsed->ndim; ++d) {
      if (d) out_ += 'x';
      out_ += std::to_string(parsed->extents[d]);
    }
    out_ += "] [";
    const char* elements = payload + header;
    for (std::size_t i = 0; i < count && !full(); ++i) {
      if (i) out_ += ", ";
      if (i == kShownElements) {
        out_ += kEllipsis;
        break;
      }
      element(dtype, elements + i * element_size);
    }
    out_ += ']';
  }

  void element(unsigned dtype, const char* at) {
    switch (dtype) {
      case CF_DTYPE_BOOL:
        out_ += *at ? "True" : "False";
        break;
      case CF_DTYPE_INT8:
        out_ += std::to_string(load<std::int8_t>(at));
        break;
      case CF_DTYPE_UINT8:
        out_ += std::to_string(load<std::uint8_t>(at));
        break;
      case CF_DTYPE_INT16:
        out_ += std::to_string(load<std::int16_t>(at));
        break;
      case CF_DTYPE_UINT16:
        out_ += std::to_string(load<std::uint16_t>(at));
        break;
      case CF_DTYPE_INT32:
        out_ += std::to_string(load<std::int32_t>(at));
        break;
      case CF_DTYPE_UINT32:
        out_ += std::to_string(load<std::uint32_t>(at));
        break;
      case CF_DTYPE_INT64:
        out_ += std::to_string(load<std::int64_t>(at));
        break;
      case CF_DTYPE_UINT64:
        out_ += std::to_string(load<std::uint64_t>(at));
        break;
      case CF_DTYPE_FLOAT32:
        repr_float32(out_, load<float>(at));
        break;
      default:
        cf::detail::repr_float(out_, load<double>(at));
        break;
    }
  }

  std::size_t budget_;
  std::string out_;
};

// Cuts `text` to `max_chars` code points, the last one being "…", when it is longer.
std::string shorten(std::string text, std::size_t max_chars) {
  std::size_t chars = 0;
  std::size_t cut = std::string::npos;  // byte offset after max_chars - 1 code points
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xc0) == 0x80) continue;  // continuation byte
    if (chars + 1 == max_chars) cut = i;
    if (++chars > max_chars) {
      if (max_chars == 0) return {};
      text.resize(cut);
      text += kEllipsis;
      return text;
    }
  }
  return text;
}

}  // namespace

std::string artifact_preview(std::string_view msgpack_bytes, std::size_t max_chars) {
  try {
    std::size_t offset = 0;
    // Containers cannot hold more elements than there are bytes, so corrupt lengths cannot make
    // msgpack allocate gigabytes before noticing.
    const msgpack::unpack_limit limit(msgpack_bytes.size(), msgpack_bytes.size() / 2, msgpack_bytes.size(),
                                      msgpack_bytes.size(), msgpack_bytes.size());
    const auto handle = msgpack::unpack(msgpack_bytes.data(), msgpack_bytes.size(), offset,
                                        reference_payloads, nullptr, limit);
    if (offset != msgpack_bytes.size()) return "<unreadable artifact>";
    // Every code point takes at most 4 bytes, so this much text always reaches max_chars.
    PreviewWriter writer(4 * max_chars + 4);
    writer.value(handle.get());
    return shorten(writer.take(), max_chars);
  } catch (const std::exception&) {
    return "<unreadable artifact>";
  }
}

}  // namespace cf::host
