#include "pickle/to_python.hpp"

#include <curifactory/detail/artifact_format.hpp>

#include <cstddef>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cf::pickle {
namespace {

// Where the converter is, kept as pointers into the artifact and formatted only when an error
// needs it, so a large list of numbers costs no string building.
struct Step {
  enum class Kind { element, value, key } kind;
  std::size_t index;           // element or map entry number
  const msgpack::object* key;  // Kind::value: the entry's key
};

std::string format_key(const msgpack::object& key, std::size_t entry) {
  switch (key.type) {
    case msgpack::type::STR:
      return "['" + std::string(key.via.str.ptr, key.via.str.size) + "']";
    case msgpack::type::POSITIVE_INTEGER:
      return "[" + std::to_string(key.via.u64) + "]";
    case msgpack::type::NEGATIVE_INTEGER:
      return "[" + std::to_string(key.via.i64) + "]";
    default:
      return "[entry " + std::to_string(entry) + "]";
  }
}

// The numpy functions building arrays, imported on the first typed array only: an artifact
// without arrays must not pay for importing numpy.
PyObject* numpy_empty() {
  static PyObject* numpy = nullptr;
  static PyObject* empty = nullptr;
  if (empty == nullptr) {
    empty =
        checked(PyObject_GetAttrString(cached_module("numpy", numpy), "empty"), "numpy.empty: ").release();
  }
  return empty;
}

// Releases a buffer view on every path out.
struct BufferGuard {
  Py_buffer* view;
  ~BufferGuard() { PyBuffer_Release(view); }
};

class Converter {
 public:
  PyRef convert(const msgpack::object& o) {
    if (path_.size() >= kMaxDepth) fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    switch (o.type) {
      case msgpack::type::NIL:
        return PyRef::borrow(Py_None);
      case msgpack::type::BOOLEAN:
        return PyRef::borrow(o.via.boolean ? Py_True : Py_False);
      case msgpack::type::POSITIVE_INTEGER:
        return created(PyLong_FromUnsignedLongLong(o.via.u64));
      case msgpack::type::NEGATIVE_INTEGER:
        return created(PyLong_FromLongLong(o.via.i64));
      case msgpack::type::FLOAT32:
      case msgpack::type::FLOAT64:
        // msgpack-cxx widens float32 into f64; Python has only one float type anyway.
        return created(PyFloat_FromDouble(o.via.f64));
      case msgpack::type::STR: {
        PyObject* text =
            PyUnicode_DecodeUTF8(o.via.str.ptr, static_cast<Py_ssize_t>(o.via.str.size), "strict");
        if (text == nullptr) fail("a string that is not valid UTF-8 (" + take_error() + ")");
        return PyRef::steal(text);
      }
      case msgpack::type::BIN:
        return created(PyBytes_FromStringAndSize(o.via.bin.ptr, static_cast<Py_ssize_t>(o.via.bin.size)));
      case msgpack::type::ARRAY:
        return list(o.via.array);
      case msgpack::type::MAP:
        return dict(o.via.map);
      case msgpack::type::EXT:
        if (o.via.ext.type() != CF_MSGPACK_TYPED_ARRAY) {
          fail("an extension object of type " + std::to_string(o.via.ext.type()) + " has no Python form");
        }
        return ndarray(std::as_bytes(std::span(o.via.ext.data(), o.via.ext.size)));
    }
    fail("a MessagePack value of unknown type " + std::to_string(static_cast<int>(o.type)));
  }

 private:
  PyRef list(const msgpack::object_array& items) {
    PyRef result = created(PyList_New(static_cast<Py_ssize_t>(items.size)));
    for (std::size_t i = 0; i < items.size; ++i) {
      path_.push_back({Step::Kind::element, i, nullptr});
      PyRef item = convert(items.ptr[i]);
      path_.pop_back();
      // A list dropped half-filled (an exception above) frees its null slots safely.
      PyList_SET_ITEM(result.get(), static_cast<Py_ssize_t>(i), item.release());
    }
    return result;
  }

  PyRef dict(const msgpack::object_map& entries) {
    PyRef result = created(PyDict_New());
    for (std::size_t i = 0; i < entries.size; ++i) {
      const msgpack::object_kv& entry = entries.ptr[i];
      path_.push_back({Step::Kind::key, i, nullptr});
      const PyRef key = convert(entry.key);
      path_.back() = {Step::Kind::value, i, &entry.key};
      const PyRef value = convert(entry.val);
      path_.back() = {Step::Kind::key, i, nullptr};
      const Py_ssize_t before = PyDict_GET_SIZE(result.get());
      if (PyDict_SetItem(result.get(), key.get(), value.get()) != 0) {
        fail("a key of type " + type_name(key.get()) + " cannot be a dict key (" + take_error() + ")");
      }
      // A second equal key would silently replace the first value.
      if (PyDict_GET_SIZE(result.get()) == before) fail("duplicate key " + repr(key.get()));
      path_.pop_back();
    }
    return result;
  }

  // One copy of the elements, straight from the artifact into the array numpy allocated.
  PyRef ndarray(std::span<const std::byte> payload) {
    std::string why;
    const auto header = detail::parse_typed_array(payload, &why);
    if (!header) fail("malformed typed array: " + why);
    const auto elements = payload.subspan(header->header_size());
    if (header->dtype == CF_DTYPE_BOOL) {
      // numpy would keep any other byte and show it as True, unlike every other reader.
      for (std::size_t i = 0; i < elements.size(); ++i) {
        if (static_cast<unsigned>(elements[i]) > 1) {
          fail("element " + std::to_string(i) + " of a bool array is " +
               std::to_string(static_cast<unsigned>(elements[i])));
        }
      }
    }
    PyRef shape = created(PyTuple_New(static_cast<Py_ssize_t>(header->ndim)));
    for (std::size_t d = 0; d < header->ndim; ++d) {
      PyTuple_SET_ITEM(shape.get(), static_cast<Py_ssize_t>(d),
                       created(PyLong_FromSize_t(header->extents[d])).release());
    }
    PyObject* empty = nullptr;
    try {
      empty = numpy_empty();
    } catch (const std::exception& e) {
      fail(e.what());
    }
    const std::string dtype(detail::dtype_name(header->dtype));
    PyRef array = PyRef::steal(PyObject_CallFunction(empty, "Os", shape.get(), dtype.c_str()));
    if (!array) fail("cannot allocate " + detail::describe_typed_array(*header) + " (" + take_error() + ")");
    Py_buffer view{};
    if (PyObject_GetBuffer(array.get(), &view, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) != 0) {
      fail("numpy.empty gave no writable buffer (" + take_error() + ")");
    }
    const BufferGuard guard{&view};
    if (static_cast<std::size_t>(view.len) != elements.size()) {
      fail("numpy allocated " + std::to_string(view.len) + " bytes for " +
           detail::describe_typed_array(*header) + ", which has " + std::to_string(elements.size()));
    }
    if (!elements.empty()) std::memcpy(view.buf, elements.data(), elements.size());
    return array;
  }

  PyRef created(PyObject* object) {
    if (object == nullptr) fail(take_error());
    return PyRef::steal(object);
  }

  [[noreturn]] void fail(const std::string& message) const {
    std::string where;
    for (const Step& step : path_) {
      switch (step.kind) {
        case Step::Kind::element:
          where += "[" + std::to_string(step.index) + "]";
          break;
        case Step::Kind::value:
          where += format_key(*step.key, step.index);
          break;
        case Step::Kind::key:
          where += "[key " + std::to_string(step.index) + "]";
          break;
      }
    }
    throw std::runtime_error(located(std::move(where), message));
  }

  std::vector<Step> path_;
};

}  // namespace

PyRef to_python(const msgpack::object& value) {
  return Converter().convert(value);
}

}  // namespace cf::pickle
