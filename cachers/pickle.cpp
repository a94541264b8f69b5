// The `pickle` cacher: the artifact as Python objects (dicts, lists, numpy arrays), pickled,
// so a Python user reads it with pickle.load. Loading unpickles the file and converts it back;
// unpickling can run any code the file names, so only load pickles from a trusted source.
//
// Options: "protocol", the pickle protocol to write (2 to pickle.HIGHEST_PROTOCOL; default
// pickle.DEFAULT_PROTOCOL). Protocol 5 writes large arrays without an extra copy.
#include "pickle/from_python.hpp"
#include "pickle/python.hpp"
#include "pickle/to_python.hpp"

#include <curifactory/artifact.hpp>
#include <curifactory/cacher.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

namespace {

using cf::pickle::PyRef;

[[noreturn]] void fail(const std::filesystem::path& path, const char* action) {
  throw std::runtime_error(path.string() + ": " + action + ": " + std::system_category().message(errno));
}

[[noreturn]] void fail(const std::filesystem::path& path, const char* action, const std::string& why) {
  throw std::runtime_error(path.string() + ": " + action + ": " + why);
}

// The file is opened here rather than by Python, so a missing folder or a permission problem
// reads like the other cachers' errors, and closed here, where a write error deferred to
// close (NFS, quota) is still seen.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

std::string json_text(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

// The "protocol" option as given, checked for type before Python starts; its range needs
// pickle.HIGHEST_PROTOCOL and is checked by protocol().
std::optional<int> requested_protocol(const rapidjson::Value& options) {
  cf::check_options("pickle", options, {"protocol"});
  const auto found = options.FindMember("protocol");
  if (found == options.MemberEnd()) return std::nullopt;
  if (!found->value.IsInt()) {
    throw std::runtime_error("cacher 'pickle': option 'protocol' must be an integer, got " +
                             json_text(found->value));
  }
  return found->value.GetInt();
}

PyObject* pickle_module() {
  static PyObject* module = nullptr;
  return cf::pickle::cached_module("pickle", module);
}

PyObject* io_module() {
  static PyObject* module = nullptr;
  return cf::pickle::cached_module("io", module);
}

long module_constant(const char* name) {
  const PyRef value = cf::pickle::checked(PyObject_GetAttrString(pickle_module(), name), "pickle: ");
  const long number = PyLong_AsLong(value.get());
  if (number == -1 && PyErr_Occurred()) {
    throw std::runtime_error("pickle." + std::string(name) + ": " + cf::pickle::take_error());
  }
  return number;
}

// Needs the GIL.
int protocol(std::optional<int> requested) {
  if (!requested) return static_cast<int>(module_constant("DEFAULT_PROTOCOL"));
  // 0 and 1 are text-era protocols that store floats and arrays inefficiently.
  const long highest = module_constant("HIGHEST_PROTOCOL");
  if (*requested < 2 || *requested > highest) {
    throw std::runtime_error("cacher 'pickle': option 'protocol' must be between 2 and " +
                             std::to_string(highest) + ", got " + std::to_string(*requested));
  }
  return *requested;
}

// A buffered Python file over `fd` that leaves closing the descriptor to its owner.
PyRef python_file(int fd, const char* mode) {
  const PyRef open = cf::pickle::checked(PyObject_GetAttrString(io_module(), "open"));
  const PyRef arguments = cf::pickle::checked(Py_BuildValue("(is)", fd, mode));
  const PyRef keywords = cf::pickle::checked(Py_BuildValue("{sO}", "closefd", Py_False));
  return cf::pickle::checked(PyObject_Call(open.get(), arguments.get(), keywords.get()));
}

// Closes a Python file; the error text, or empty on success.
std::string close_file(PyObject* file) {
  const PyRef result = PyRef::steal(PyObject_CallMethod(file, "close", nullptr));
  return result ? std::string() : cf::pickle::take_error();
}

void save(const std::filesystem::path& path, std::string_view artifact, const rapidjson::Value& options) {
  const auto requested = requested_protocol(options);
  const auto value = cf::detail::unpack_artifact(artifact);
  Descriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
  if (fd.get() < 0) fail(path, "cannot be created");
  {
    const cf::pickle::PythonCall python;
    const int chosen = protocol(requested);
    const PyRef object = cf::pickle::to_python(value.get());
    const PyRef file = python_file(fd.get(), "wb");
    const PyRef done =
        PyRef::steal(PyObject_CallMethod(pickle_module(), "dump", "OOi", object.get(), file.get(), chosen));
    if (!done) {
      // An OSError is the disk's doing; anything else (a recursion limit) is the value's.
      const bool io_error = PyErr_ExceptionMatches(PyExc_OSError) != 0;
      const std::string why = cf::pickle::take_error();
      close_file(file.get());  // its own error would only repeat the first
      fail(path, io_error ? "cannot be written" : "cannot be pickled", why);
    }
    // Closing flushes the buffer, so a full disk shows up here.
    const std::string close_error = close_file(file.get());
    if (!close_error.empty()) fail(path, "cannot be written", close_error);
  }
  if (::close(fd.release()) != 0) fail(path, "cannot be written");
}

void load(const std::filesystem::path& path, const rapidjson::Value& options,
          const cf::artifact_output& out) {
  const auto requested = requested_protocol(options);
  const Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail(path, "cannot be read");
  const cf::pickle::PythonCall python;
  // Unused when reading (a pickle names its own protocol), but a bad value is still an error
  // rather than something that only fails on the next save.
  protocol(requested);
  const PyRef file = python_file(fd.get(), "rb");
  PyRef object = PyRef::steal(PyObject_CallMethod(pickle_module(), "load", "O", file.get()));
  if (!object) {
    const std::string why = cf::pickle::take_error();
    close_file(file.get());
    fail(path, "cannot be unpickled", why);
  }
  // pickle.load stops at the pickle's end; anything after it means the file is not one this
  // cacher wrote.
  const PyRef rest = PyRef::steal(PyObject_CallMethod(file.get(), "read", "i", 1));
  const bool trailing = !rest || !PyBytes_Check(rest.get()) || PyBytes_GET_SIZE(rest.get()) != 0;
  const std::string read_error = rest ? std::string() : cf::pickle::take_error();
  close_file(file.get());
  if (!read_error.empty()) fail(path, "cannot be read", read_error);
  if (trailing) fail(path, "cannot be unpickled", "data after the end of the pickle");
  cf::pickle::from_python(object.get(), out);
}

}  // namespace

CF_DESCRIPTION("Python pickle of dicts, lists and numpy arrays, for pickle.load (load trusted files only)");
CF_CACHER("pickle", ".pkl", save, load);
