#include "cache/atomic_file.hpp"

#include "config/config.hpp"
#include "util/error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <exception>
#include <memory>
#include <random>
#include <stdexcept>
#include <system_error>

namespace cf::host {
namespace {

// A failed system call inside this file. It carries only the reason: the public functions turn
// it into a UserError naming the file the caller asked for, which for a write is the target
// rather than the temporary file the call was actually made on.
struct SystemFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& action) {
  // std::system_category().message is thread-safe, unlike strerror.
  throw SystemFailure(action + ": " + std::system_category().message(errno));
}

class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

  // An explicit close reports what the destructor would swallow: on NFS a failed write may
  // only surface here.
  bool close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

// Removes the temporary file unless it was renamed into place, whatever way the write ends.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~TemporaryFile() {
    if (armed_) {
      std::error_code ignored;
      std::filesystem::remove(path_, ignored);
    }
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  void release() { armed_ = false; }

 private:
  std::filesystem::path path_;
  bool armed_ = true;
};

std::filesystem::path folder_of(const std::filesystem::path& file) {
  const auto parent = file.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

// Where this process's temporary-name counter starts: random, so that the names of a process
// that reuses a crashed one's pid (the usual case in a container) do not meet its leftovers.
unsigned long long first_count() {
  std::random_device entropy;
  return (static_cast<unsigned long long>(entropy()) << 16) ^ entropy();
}

std::filesystem::path temporary_name(const std::filesystem::path& target) {
  // The pid keeps concurrent `experiment` processes apart, the counter threads of one process.
  static std::atomic<unsigned long long> counter{first_count()};
  std::string name = target.filename().string();
  // Leaves room for the prefix and suffix within the 255-byte limit of a file name.
  constexpr std::size_t kMaxStem = 200;
  if (name.size() > kMaxStem) name.resize(kMaxStem);
  name = "." + name + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  return folder_of(target) / name;
}

void sync_file(const std::filesystem::path& file) {
  // Without this a crash soon after the rename can leave an empty or partial file under the
  // final name, since the rename may reach the disk before the data does.
  Descriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) fail("cannot open the written file");
  if (::fsync(fd.get()) != 0) fail("cannot flush the written file to disk");
}

void sync_folder(const std::filesystem::path& folder) {
  // Makes the rename itself durable.
  Descriptor fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) fail("cannot open folder " + display_path(folder));
  // Some file systems cannot sync a folder and say so with EINVAL; the data itself is safe.
  if (::fsync(fd.get()) != 0 && errno != EINVAL) fail("cannot flush folder " + display_path(folder));
}

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("write failed");
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

std::filesystem::path write_temporary(
    const std::filesystem::path& target,
    const std::function<void(const std::filesystem::path& temporary)>& write) {
  const auto error = [&](const std::string& reason) {
    return UserError(display_path(target) + ": cannot be written: " + reason);
  };
  if (target.filename().empty()) throw error("not a file name");

  const auto folder = folder_of(target);
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw error("cannot create folder " + display_path(folder) + ": " + ec.message());

  // Unique enough not to meet a leftover (see first_count), and a writer truncates anyway.
  TemporaryFile temporary(temporary_name(target));
  try {
    write(temporary.path());
  } catch (const std::exception& e) {
    throw error(e.what());
  } catch (...) {
    throw error("unknown exception while writing");
  }
  temporary.release();
  return temporary.path();
}

void commit_temporary(const std::filesystem::path& temporary, const std::filesystem::path& target) {
  TemporaryFile cleanup(temporary);
  try {
    sync_file(temporary);
    if (::rename(temporary.c_str(), target.c_str()) != 0) fail("cannot rename the written file into place");
  } catch (const std::exception& e) {
    throw UserError(display_path(target) + ": cannot be written: " + e.what());
  }
  cleanup.release();
}

void rename_into_place(const std::filesystem::path& temporary, const std::filesystem::path& target) {
  TemporaryFile cleanup(temporary);
  if (::rename(temporary.c_str(), target.c_str()) != 0) {
    throw UserError(display_path(target) +
                    ": cannot be written: cannot rename the written file into place: " +
                    std::system_category().message(errno));
  }
  cleanup.release();
}

void sync_placed_file(const std::filesystem::path& file) {
  try {
    sync_file(file);
  } catch (const std::exception& e) {
    throw UserError(display_path(file) + ": cannot be written: " + e.what());
  }
}

void sync_folder_of(const std::filesystem::path& file) {
  try {
    sync_folder(folder_of(file));
  } catch (const std::exception& e) {
    throw UserError(display_path(file) + ": cannot be written: " + e.what());
  }
}

void write_file_atomically(const std::filesystem::path& target,
                           const std::function<void(const std::filesystem::path& temporary)>& write) {
  commit_temporary(write_temporary(target, write), target);
  sync_folder_of(target);
}

std::filesystem::path write_text_temporary(const std::filesystem::path& target, std::string_view contents) {
  return write_temporary(target, [&](const std::filesystem::path& temporary) {
    Descriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
    if (!fd.valid()) fail("cannot create a temporary file");
    write_all(fd.get(), contents);
    if (!fd.close()) fail("write failed");
  });
}

void write_text_atomically(const std::filesystem::path& target, std::string_view contents) {
  commit_temporary(write_text_temporary(target, contents), target);
  sync_folder_of(target);
}

void read_file_chunks(const std::filesystem::path& path, std::size_t chunk_size,
                      const std::function<void(std::string_view chunk)>& consume) {
  const auto error = [&](const std::string& reason) {
    return UserError(display_path(path) + ": cannot be read: " + reason);
  };
  Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) throw error(std::system_category().message(errno));
  // Most cached files are small (metadata, scalars): a buffer of the file's size plus one byte
  // (to see the end in the same loop) rather than a zero-filled chunk, whose memset dominated
  // checking thousands of small cache entries. Files that report no size (/proc) get a page.
  struct stat facts {};
  std::size_t capacity = std::max<std::size_t>(chunk_size, 1);
  if (::fstat(fd.get(), &facts) == 0) {
    const auto size = static_cast<std::size_t>(facts.st_size);
    capacity = std::min(capacity, size > 0 ? size + 1 : std::size_t{4096});
  }
  const auto buffer = std::make_unique_for_overwrite<char[]>(capacity);
  for (;;) {
    const ssize_t count = ::read(fd.get(), buffer.get(), capacity);
    if (count < 0) {
      if (errno == EINTR) continue;
      throw error(std::system_category().message(errno));
    }
    if (count == 0) return;
    consume(std::string_view(buffer.get(), static_cast<std::size_t>(count)));
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::string contents;
  std::error_code size_unknown;
  if (const auto size = std::filesystem::file_size(path, size_unknown); !size_unknown) contents.reserve(size);
  read_file_chunks(path, std::size_t{1} << 20, [&](std::string_view chunk) { contents.append(chunk); });
  return contents;
}

}  // namespace cf::host
