// The `raw` cacher: the artifact's MessagePack bytes, stored unchanged. The default for any
// output, since every artifact the SDK produces is already MessagePack.
#include <curifactory/cacher.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>
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

void save_checked(const std::filesystem::path& path, std::string_view artifact,
                  const rapidjson::Value& options) {
  cf::check_options("raw", options, {});
  save(path, artifact, options);
}

// Read in pieces small enough to stay in the CPU cache on their way to the receiver, which
// reserves the file's size first (cf_host_api::artifact_size_hint; the host does the same), so
// the artifact is allocated once at its final size and each byte is copied once into it. Small
// files are read into a buffer no larger than themselves: zero-filling a fixed-size one
// dominated a cached run's many small loads.
constexpr std::size_t kPiece = std::size_t{256} << 10;

void load(const std::filesystem::path& path, const rapidjson::Value& options,
          const cf::artifact_output& out) {
  cf::check_options("raw", options, {});
  Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) fail(path, "cannot be read");
  struct stat facts {};
  const bool sized = ::fstat(file.fd, &facts) == 0 && facts.st_size > 0;
  const std::size_t capacity = sized ? std::min(kPiece, static_cast<std::size_t>(facts.st_size) + 1) : kPiece;
  const auto buffer = std::make_unique_for_overwrite<char[]>(capacity);
  for (;;) {
    const ssize_t count = ::read(file.fd, buffer.get(), capacity);
    if (count < 0) {
      if (errno == EINTR) continue;
      fail(path, "cannot be read");
    }
    if (count == 0) return;
    out.write(std::string_view(buffer.get(), static_cast<std::size_t>(count)));
  }
}

// The file is the artifact.
std::uint64_t load_size(const std::filesystem::path& path, const rapidjson::Value&) {
  struct stat facts {};
  return ::stat(path.c_str(), &facts) == 0 && facts.st_size > 0 ? static_cast<std::uint64_t>(facts.st_size)
                                                                : 0;
}

}  // namespace

CF_DESCRIPTION("MessagePack bytes exactly as the stage produced them (the default)");
CF_CACHER_SIZED("raw", ".msgpack", save_checked, load, load_size);
