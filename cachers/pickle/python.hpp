// The interpreter the pickle cacher runs pickle and numpy in, embedded in the plugin: started
// on the first save or load (never when the plugin is merely loaded, which `experiment ls`
// and the registry do), entered with the GIL around each call, and never finalized.
#pragma once

// Python.h sets feature macros the C library headers read, so it comes before any of them.
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace cf::pickle {

// Both conversions recurse on the C stack, so nesting is capped, and a value that contains
// itself (which unpickling can build) ends with an error instead of a crash. Saving meets
// Python's own limit first: its pickler raises RecursionError at about 500 nested lists.
inline constexpr std::size_t kMaxDepth = 1000;

// "at <where>: <problem>", the form of every conversion error. `where` is the path from the
// top ("['model'][2]"); a deep one is cut in the middle so the message stays one short line.
std::string located(std::string where, const std::string& problem);

// One owned reference. Every PyRef of a call must die while the call's PythonCall still holds
// the GIL, which declaring the PythonCall first guarantees.
class PyRef {
 public:
  PyRef() = default;
  // Takes over a new reference (what most C API calls return).
  static PyRef steal(PyObject* object) { return PyRef(object); }
  // Adds a reference to a borrowed one.
  static PyRef borrow(PyObject* object) {
    Py_XINCREF(object);
    return PyRef(object);
  }
  ~PyRef() { Py_XDECREF(object_); }
  PyRef(PyRef&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
  PyRef& operator=(PyRef&& other) noexcept {
    if (this != &other) {
      Py_XDECREF(object_);
      object_ = std::exchange(other.object_, nullptr);
    }
    return *this;
  }
  PyRef(const PyRef&) = delete;
  PyRef& operator=(const PyRef&) = delete;

  PyObject* get() const { return object_; }
  // Hands the reference to a call that steals it (PyList_SET_ITEM, PyTuple_SET_ITEM).
  PyObject* release() { return std::exchange(object_, nullptr); }
  explicit operator bool() const { return object_ != nullptr; }

 private:
  explicit PyRef(PyObject* object) : object_(object) {}
  PyObject* object_ = nullptr;
};

// Holds the GIL for one cacher call, starting the interpreter first if this process has none.
// Throws std::runtime_error when the interpreter cannot be started.
class PythonCall {
 public:
  PythonCall();
  ~PythonCall();
  PythonCall(const PythonCall&) = delete;
  PythonCall& operator=(const PythonCall&) = delete;

 private:
  PyGILState_STATE state_;
};

// The pending Python exception as "TypeName: message", cleared.
std::string take_error();

// `result` as an owned reference, or std::runtime_error("<context><pending exception>") when
// it is null (the C API's way of saying an exception is pending).
PyRef checked(PyObject* result, std::string_view context = {});

// A module imported once per plugin load and kept: the interpreter outlives the plugin, and
// dropping the reference from a static destructor would run without the GIL.
PyObject* cached_module(const char* name, PyObject*& slot);

// How messages name a Python type: "datetime.date", "numpy.ndarray", or "set" for builtins.
std::string type_name(PyTypeObject* type);
inline std::string type_name(PyObject* object) {
  return type_name(Py_TYPE(object));
}

// str(object) / repr(object) as UTF-8; a failure yields "?" (used only inside messages).
std::string str(PyObject* object);
std::string repr(PyObject* object);

}  // namespace cf::pickle
