#include "pickle/python.hpp"

#include <dlfcn.h>

#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

// The prefix of the Python the plugin was linked against (pkg-config python3-embed), so the
// interpreter finds that Python's standard library and numpy whatever `python3` is first on
// PATH.
#ifndef CF_PYTHON_PREFIX
#error "CF_PYTHON_PREFIX must name the prefix of the Python the plugin links"
#endif

namespace cf::pickle {
namespace {

std::string from_utf8(PyObject* text) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(text, &size);
  if (data == nullptr) {
    PyErr_Clear();
    return "?";
  }
  return std::string(data, static_cast<std::size_t>(size));
}

// Debian builds numpy's extension modules without linking libpython: they expect its symbols
// to be global. A plugin dlopen'ed with RTLD_LOCAL brings libpython in locally, so without
// this `import numpy` fails with an undefined symbol. Re-opening the already loaded library
// with RTLD_GLOBAL | RTLD_NOLOAD promotes it without loading anything. The handle is never
// closed: libpython must stay for as long as the interpreter lives, which is the process.
void promote_libpython() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&Py_InitializeFromConfig), &info) == 0 || info.dli_fname == nullptr) {
    throw std::runtime_error("cannot find the loaded libpython to make its symbols global");
  }
  if (::dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD) == nullptr) {
    const char* why = ::dlerror();
    throw std::runtime_error(std::string("cannot make ") + info.dli_fname +
                             "'s symbols global (numpy needs them): " + (why ? why : "dlopen failed"));
  }
}

[[noreturn]] void fail_status(const PyStatus& status, std::string_view what) {
  std::string text = "cannot start the embedded Python (" + std::string(what) + ")";
  if (status.func != nullptr) text += std::string(": ") + status.func;
  if (status.err_msg != nullptr) text += std::string(": ") + status.err_msg;
  if (PyStatus_IsExit(status)) text += ": exit code " + std::to_string(status.exitcode);
  throw std::runtime_error(text);
}

// Clears a PyConfig on every path out.
struct ConfigGuard {
  PyConfig* config;
  ~ConfigGuard() { PyConfig_Clear(config); }
};

void start_interpreter() {
  promote_libpython();
  // Another plugin in this process, or an earlier load of this one, may have started it: the
  // interpreter is per process, not per plugin.
  if (Py_IsInitialized()) return;

  PyConfig config;
  // Isolated: PYTHONHOME, PYTHONPATH and the user's site-packages cannot point the interpreter
  // at another Python's library (this machine has a second python3 without numpy first on
  // PATH), and the process's locale and argv are left alone.
  PyConfig_InitIsolatedConfig(&config);
  const ConfigGuard guard{&config};
  // The host owns SIGINT; an interpreter handler would swallow Ctrl-C during a run.
  config.install_signal_handlers = 0;
  // The system Python's folders are not ours to write __pycache__ into.
  config.write_bytecode = 0;
  PyStatus status = PyConfig_SetBytesString(&config, &config.home, CF_PYTHON_PREFIX);
  if (PyStatus_Exception(status)) fail_status(status, "home");
  const std::string executable = std::string(CF_PYTHON_PREFIX) + "/bin/python" +
                                 std::to_string(PY_MAJOR_VERSION) + "." + std::to_string(PY_MINOR_VERSION);
  status = PyConfig_SetBytesString(&config, &config.program_name, executable.c_str());
  if (PyStatus_Exception(status)) fail_status(status, "program name");
  status = Py_InitializeFromConfig(&config);
  if (PyStatus_Exception(status)) fail_status(status, "initialisation");
  // Initialisation leaves this thread holding the GIL. Releasing it here lets every call,
  // from whichever thread the host makes it, take it with PyGILState_Ensure. This thread's
  // state is kept (not deleted): PyGILState_Ensure finds and reuses it.
  PyEval_SaveThread();
}

// Starts the interpreter once per plugin load. A failure is remembered rather than retried:
// a half-initialised interpreter cannot be initialised again.
void ensure_started() {
  static std::mutex mutex;
  static bool started = false;
  static std::optional<std::string> failure;
  const std::lock_guard lock(mutex);
  if (started) return;
  if (failure) throw std::runtime_error(*failure);
  try {
    start_interpreter();
    started = true;
  } catch (const std::exception& e) {
    failure = e.what();
    throw;
  }
}

}  // namespace

// Python is deliberately never finalized, not even when the plugin is unloaded: numpy does not
// support being initialised a second time in one process, so a finalized interpreter could
// not be restarted by a later load of this plugin (or by another plugin sharing libpython).
// The interpreter holds no pointer into this plugin, so unloading the plugin leaves it intact.
PythonCall::PythonCall() {
  ensure_started();
  state_ = PyGILState_Ensure();
}

PythonCall::~PythonCall() {
  PyGILState_Release(state_);
}

std::string take_error() {
  PyObject* type = nullptr;
  PyObject* value = nullptr;
  PyObject* traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  if (type == nullptr) return "unknown Python error";
  PyErr_NormalizeException(&type, &value, &traceback);
  const PyRef owned_type = PyRef::steal(type);
  const PyRef owned_value = PyRef::steal(value);
  const PyRef owned_traceback = PyRef::steal(traceback);
  std::string text = PyType_Check(type) ? type_name(reinterpret_cast<PyTypeObject*>(type)) : "exception";
  if (value != nullptr) {
    const std::string message = str(value);
    if (!message.empty()) text += ": " + message;
  }
  return text;
}

PyRef checked(PyObject* result, std::string_view context) {
  if (result == nullptr) throw std::runtime_error(std::string(context) + take_error());
  return PyRef::steal(result);
}

PyObject* cached_module(const char* name, PyObject*& slot) {
  if (slot == nullptr) {
    slot = checked(PyImport_ImportModule(name), "cannot import " + std::string(name) + ": ").release();
  }
  return slot;
}

std::string type_name(PyTypeObject* type) {
  const PyRef object = PyRef::borrow(reinterpret_cast<PyObject*>(type));
  const PyRef module = PyRef::steal(PyObject_GetAttrString(object.get(), "__module__"));
  const PyRef qualname = PyRef::steal(PyObject_GetAttrString(object.get(), "__qualname__"));
  if (!module || !qualname || !PyUnicode_Check(module.get()) || !PyUnicode_Check(qualname.get())) {
    PyErr_Clear();
    return type->tp_name;
  }
  const std::string prefix = from_utf8(module.get());
  const std::string name = from_utf8(qualname.get());
  return prefix == "builtins" ? name : prefix + "." + name;
}

std::string located(std::string where, const std::string& problem) {
  constexpr std::size_t kHead = 60;
  constexpr std::size_t kTail = 60;
  if (where.empty()) return "at the top level: " + problem;
  if (where.size() > kHead + kTail + 3) {
    // Cut at segment boundaries so no key is shown half.
    const std::size_t head = where.rfind('[', kHead);
    const std::size_t tail = where.find('[', where.size() - kTail);
    if (head != std::string::npos && head > 0 && tail != std::string::npos && tail > head) {
      where = where.substr(0, head) + "..." + where.substr(tail);
    }
  }
  return "at " + where + ": " + problem;
}

std::string str(PyObject* object) {
  const PyRef text = PyRef::steal(PyObject_Str(object));
  if (!text) {
    PyErr_Clear();
    return "?";
  }
  return from_utf8(text.get());
}

std::string repr(PyObject* object) {
  const PyRef text = PyRef::steal(PyObject_Repr(object));
  if (!text) {
    PyErr_Clear();
    return "?";
  }
  return from_utf8(text.get());
}

}  // namespace cf::pickle
