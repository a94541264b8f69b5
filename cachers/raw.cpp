// The `raw` cacher: the artifact's MessagePack bytes, stored unchanged. The default for any
// output, since every artifact the SDK produces is already MessagePack.
#include <curifactory/cacher.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const char* action) {
  throw std::runtime_error(path.string() + ": " + action + ": " + std::system_category().message(errno));
}

// Closes on every path out, including a failed write.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

void save(const std::filesystem::path& path, std::string_view artifact, const rapidjson::Value&) {
  Descriptor file{::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)};
  if (file.fd < 0) fail(path, "cannot be created");
  while (!artifact.empty()) {
    const ssize_t written = ::write(file.fd, artifact.data(), artifact.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      fail(path, "cannot be written");
    }
    artifact.remove_prefix(static_cast<std::size_t>(written));
  }
  // A write error NFS defers (or a full quota) can show up only when closing.
  const int fd = file.fd;
  file.fd = -1;
  if (::close(fd) != 0) fail(path, "cannot be written");
}

std::string load(const std::filesystem::path& path, const rapidjson::Value&) {
  Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) fail(path, "cannot be read");
  std::string bytes;
  // Artifacts can be large: one allocation instead of repeated doubling.
  if (struct stat status{}; ::fstat(file.fd, &status) == 0 && status.st_size > 0) {
    bytes.reserve(static_cast<std::size_t>(status.st_size));
  }
  char buffer[1 << 16];
  for (;;) {
    const ssize_t count = ::read(file.fd, buffer, sizeof buffer);
    if (count < 0) {
      if (errno == EINTR) continue;
      fail(path, "cannot be read");
    }
    if (count == 0) return bytes;
    bytes.append(buffer, static_cast<std::size_t>(count));
  }
}

}  // namespace

CF_CACHER("raw", ".msgpack", save, load);
