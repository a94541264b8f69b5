#include "pickle/from_python.hpp"

#include <curifactory/detail/artifact_format.hpp>

#include <msgpack.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cf::pickle {
namespace {

// What msgpack's packer writes to: small pieces are gathered so the host's sink is not called
// per number, large ones (array elements, bytes) go straight through without another copy.
class ChunkedOutput {
 public:
  explicit ChunkedOutput(const artifact_output& out) : out_(out) { buffer_.reserve(kChunk); }
  void write(const char* data, std::size_t size) {
    if (buffer_.size() + size > kChunk) flush();
    if (size >= kChunk) {
      out_.write(std::string_view(data, size));
    } else {
      buffer_.append(data, size);
    }
  }
  void flush() {
    out_.write(buffer_);
    buffer_.clear();
  }

 private:
  static constexpr std::size_t kChunk = std::size_t{64} << 10;
  const artifact_output& out_;
  std::string buffer_;
};

// Where the converter is. Keys are borrowed from the dict being walked, which the walk holds a
// reference to, and are only formatted when an error needs them.
struct Step {
  enum class Kind { element, value, key } kind;
  std::size_t index;
  PyObject* key;
};

// Releases a buffer view on every path out.
struct BufferGuard {
  Py_buffer* view;
  ~BufferGuard() { PyBuffer_Release(view); }
};

// numpy's types, when numpy is loaded. Unpickling an array imports numpy, so when nothing has
// imported it the value cannot hold a numpy object and numpy is not imported just to check.
struct Numpy {
  PyObject* ndarray;
  PyObject* generic;
  PyObject* asarray;
};

const Numpy* loaded_numpy() {
  static std::optional<Numpy> numpy;
  if (numpy) return &*numpy;
  const PyRef name = checked(PyUnicode_FromString("numpy"));
  const PyRef module = PyRef::steal(PyImport_GetModule(name.get()));
  if (!module) {
    PyErr_Clear();
    return nullptr;
  }
  const auto attribute = [&](const char* name) {
    return checked(PyObject_GetAttrString(module.get(), name), "numpy." + std::string(name) + ": ").release();
  };
  numpy = Numpy{attribute("ndarray"), attribute("generic"), attribute("asarray")};
  return &*numpy;
}

// The artifact element type of a numpy dtype, by kind and width; nothing for the others
// (float16, complex, strings, objects, structured, datetimes).
std::optional<cf_dtype> artifact_dtype(PyObject* dtype) {
  const PyRef kind = PyRef::steal(PyObject_GetAttrString(dtype, "kind"));
  const PyRef itemsize = PyRef::steal(PyObject_GetAttrString(dtype, "itemsize"));
  if (!kind || !itemsize || !PyUnicode_Check(kind.get()) || PyUnicode_GetLength(kind.get()) != 1) {
    PyErr_Clear();
    return std::nullopt;
  }
  const long size = PyLong_AsLong(itemsize.get());
  if (size == -1 && PyErr_Occurred()) {
    PyErr_Clear();
    return std::nullopt;
  }
  switch (PyUnicode_READ_CHAR(kind.get(), 0)) {
    case 'b':
      return size == 1 ? std::optional(CF_DTYPE_BOOL) : std::nullopt;
    case 'i':
      switch (size) {
        case 1:
          return CF_DTYPE_INT8;
        case 2:
          return CF_DTYPE_INT16;
        case 4:
          return CF_DTYPE_INT32;
        case 8:
          return CF_DTYPE_INT64;
      }
      return std::nullopt;
    case 'u':
      switch (size) {
        case 1:
          return CF_DTYPE_UINT8;
        case 2:
          return CF_DTYPE_UINT16;
        case 4:
          return CF_DTYPE_UINT32;
        case 8:
          return CF_DTYPE_UINT64;
      }
      return std::nullopt;
    case 'f':
      if (size == 4) return CF_DTYPE_FLOAT32;
      if (size == 8) return CF_DTYPE_FLOAT64;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

// A key's repr inside a message: a key can be any length, a message stays one short line.
std::string shortened(std::string text) {
  constexpr std::size_t kLimit = 60;
  if (text.size() <= kLimit) return text;
  std::size_t cut = kLimit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  text = text.substr(0, cut) + "...";
  return text;
}

class Converter {
 public:
  explicit Converter(const artifact_output& out) : stream_(out), packer_(stream_) {}

  void convert(PyObject* o) {
    if (path_.size() >= kMaxDepth) {
      fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels (a value that contains itself?)");
    }
    if (o == Py_None) {
      packer_.pack_nil();
    } else if (PyBool_Check(o)) {  // before int: bool is a subclass of int
      o == Py_True ? packer_.pack_true() : packer_.pack_false();
    } else if (PyLong_Check(o)) {
      integer(o);
    } else if (PyFloat_Check(o)) {
      float64(PyFloat_AS_DOUBLE(o));
    } else if (PyUnicode_Check(o)) {
      Py_ssize_t size = 0;
      const char* text = PyUnicode_AsUTF8AndSize(o, &size);
      if (text == nullptr) fail("a str that cannot be UTF-8 (" + take_error() + ")");
      packer_.pack_str(length(static_cast<std::size_t>(size), "str"));
      stream_.write(text, static_cast<std::size_t>(size));
    } else if (PyBytes_Check(o)) {
      bytes(PyBytes_AS_STRING(o), PyBytes_GET_SIZE(o));
    } else if (PyByteArray_Check(o)) {
      bytes(PyByteArray_AS_STRING(o), PyByteArray_GET_SIZE(o));
    } else if (PyList_Check(o) || PyTuple_Check(o)) {
      sequence(o);
    } else if (PyDict_Check(o)) {
      dict(o);
    } else if (!numpy_value(o)) {
      fail("a pickled " + type_name(o) + " has no artifact form");
    }
  }

  void finish() { stream_.flush(); }

 private:
  void integer(PyObject* o) {
    int overflow = 0;
    const long long value = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow == 0) {
      if (value == -1 && PyErr_Occurred()) fail(take_error());
      packer_.pack_int64(value);
      return;
    }
    if (overflow > 0) {
      const unsigned long long big = PyLong_AsUnsignedLongLong(o);
      if (!(big == static_cast<unsigned long long>(-1) && PyErr_Occurred())) {
        packer_.pack_uint64(big);
        return;
      }
      PyErr_Clear();
    }
    // str() of a huge int can itself fail (Python limits int-to-text conversion), so the
    // message gives its size instead.
    const PyRef bits = PyRef::steal(PyObject_CallMethod(o, "bit_length", nullptr));
    const std::string size = bits ? str(bits.get()) + "-bit " : std::string();
    PyErr_Clear();
    fail("the " + size + (overflow < 0 ? "negative " : "") + "int does not fit in int64 or uint64");
  }

  // Written by hand: msgpack-cxx's pack_float/pack_double store an integral value (2.0, -0.0)
  // as an integer, and the value must come back a float.
  void float_bits(unsigned char marker, std::uint64_t bits, std::size_t size) {
    std::array<char, 9> buffer{static_cast<char>(marker)};
    for (std::size_t i = 0; i < size; ++i) buffer[1 + i] = static_cast<char>(bits >> (8 * (size - 1 - i)));
    stream_.write(buffer.data(), 1 + size);
  }
  void float64(double value) { float_bits(0xcb, std::bit_cast<std::uint64_t>(value), 8); }
  void float32(float value) { float_bits(0xca, std::bit_cast<std::uint32_t>(value), 4); }

  void bytes(const char* data, Py_ssize_t size) {
    packer_.pack_bin(length(static_cast<std::size_t>(size), "bytes object"));
    stream_.write(data, static_cast<std::size_t>(size));
  }

  void sequence(PyObject* o) {
    // Holding the sequence keeps its items alive even if converting one ran Python code.
    const PyRef items = PyRef::steal(PySequence_Fast(o, "not a sequence"));
    if (!items) fail(take_error());
    const Py_ssize_t size = PySequence_Fast_GET_SIZE(items.get());
    packer_.pack_array(length(static_cast<std::size_t>(size), PyList_Check(o) ? "list" : "tuple"));
    for (Py_ssize_t i = 0; i < size; ++i) {
      if (i >= PySequence_Fast_GET_SIZE(items.get())) fail("the list changed size while it was read");
      const PyRef item = PyRef::borrow(PySequence_Fast_GET_ITEM(items.get(), i));
      path_.push_back({Step::Kind::element, static_cast<std::size_t>(i), nullptr});
      convert(item.get());
      path_.pop_back();
    }
  }

  void dict(PyObject* o) {
    const PyRef owner = PyRef::borrow(o);
    packer_.pack_map(length(static_cast<std::size_t>(PyDict_GET_SIZE(o)), "dict"));
    Py_ssize_t position = 0;
    PyObject* key = nullptr;
    PyObject* value = nullptr;
    for (std::size_t entry = 0; PyDict_Next(o, &position, &key, &value); ++entry) {
      const PyRef held_key = PyRef::borrow(key);
      const PyRef held_value = PyRef::borrow(value);
      path_.push_back({Step::Kind::key, entry, nullptr});
      convert(key);
      path_.back() = {Step::Kind::value, entry, key};
      convert(value);
      path_.pop_back();
    }
  }

  // numpy arrays and scalars; false for anything else.
  bool numpy_value(PyObject* o) {
    const Numpy* numpy = loaded_numpy();
    if (numpy == nullptr) return false;
    // Exactly ndarray: a subclass (a masked array, a matrix) carries meaning an artifact would
    // silently drop.
    if (reinterpret_cast<PyObject*>(Py_TYPE(o)) == numpy->ndarray) {
      ndarray(o, numpy->asarray);
      return true;
    }
    const int is_scalar = PyObject_IsInstance(o, numpy->generic);
    if (is_scalar < 0) fail(take_error());
    if (is_scalar == 0) return false;
    scalar(o);
    return true;
  }

  void ndarray(PyObject* o, PyObject* asarray) {
    const PyRef dtype = made(PyObject_GetAttrString(o, "dtype"));
    const auto element = artifact_dtype(dtype.get());
    if (!element) fail("a numpy.ndarray of dtype " + str(dtype.get()) + " has no artifact form");
    // asarray, not ascontiguousarray (which turns a 0-D array into 1-D): C order and the
    // little-endian type abi.h prescribes, copying only an array that is neither.
    const std::string name(detail::dtype_name(*element));
    const PyRef array = made(PyObject_CallFunction(asarray, "Oss", o, name.c_str(), "C"));
    Py_buffer view{};
    if (PyObject_GetBuffer(array.get(), &view, PyBUF_C_CONTIGUOUS) != 0) fail(take_error());
    const BufferGuard guard{&view};
    const auto ndim = static_cast<std::size_t>(view.ndim);
    if (ndim > CF_MAX_DIMS) {
      fail("a numpy.ndarray of " + std::to_string(ndim) + " dimensions has no artifact form (at most " +
           std::to_string(CF_MAX_DIMS) + ")");
    }
    const std::size_t header = detail::typed_array_fixed_header + 8 * ndim;
    const auto size = static_cast<std::size_t>(view.len);
    if (size > std::numeric_limits<std::uint32_t>::max() - header) {
      fail("a numpy.ndarray of " + std::to_string(size) + " bytes is over MessagePack's 4 GiB object limit");
    }
    packer_.pack_ext(header + size, CF_MSGPACK_TYPED_ARRAY);
    std::array<char, detail::typed_array_fixed_header + 8 * CF_MAX_DIMS> bytes{};
    bytes[0] = static_cast<char>(*element);
    bytes[1] = static_cast<char>(ndim);
    for (std::size_t d = 0; d < ndim; ++d) {
      const auto extent = static_cast<std::uint64_t>(view.shape[d]);
      std::memcpy(bytes.data() + detail::typed_array_fixed_header + 8 * d, &extent, sizeof extent);
    }
    stream_.write(bytes.data(), header);
    stream_.write(static_cast<const char*>(view.buf), size);
  }

  void scalar(PyObject* o) {
    const PyRef dtype = made(PyObject_GetAttrString(o, "dtype"));
    const auto element = artifact_dtype(dtype.get());
    if (!element) fail("a pickled " + type_name(o) + " has no artifact form");
    // item() gives the Python bool, int or float of the same value.
    const PyRef item = made(PyObject_CallMethod(o, "item", nullptr));
    switch (*element) {
      case CF_DTYPE_FLOAT32:
        // Exact: the value came from a float32.
        float32(static_cast<float>(PyFloat_AsDouble(item.get())));
        break;
      case CF_DTYPE_FLOAT64:
        float64(PyFloat_AsDouble(item.get()));
        break;
      default:
        convert(item.get());
        break;
    }
  }

  PyRef made(PyObject* result) const {
    if (result == nullptr) fail(take_error());
    return PyRef::steal(result);
  }

  std::uint32_t length(std::size_t size, std::string_view what) const {
    if (size > std::numeric_limits<std::uint32_t>::max()) {
      fail("a " + std::string(what) + " of " + std::to_string(size) +
           " is over MessagePack's limit of 2^32-1");
    }
    return static_cast<std::uint32_t>(size);
  }

  [[noreturn]] void fail(const std::string& message) const {
    std::string where;
    for (const Step& step : path_) {
      switch (step.kind) {
        case Step::Kind::element:
          where += "[" + std::to_string(step.index) + "]";
          break;
        case Step::Kind::value:
          where += "[" + shortened(repr(step.key)) + "]";
          break;
        case Step::Kind::key:
          where += "[key " + std::to_string(step.index) + "]";
          break;
      }
    }
    throw std::runtime_error(located(std::move(where), message));
  }

  ChunkedOutput stream_;
  msgpack::packer<ChunkedOutput> packer_;
  std::vector<Step> path_;
};

}  // namespace

void from_python(PyObject* value, const artifact_output& out) {
  Converter converter(out);
  converter.convert(value);
  converter.finish();
}

}  // namespace cf::pickle
