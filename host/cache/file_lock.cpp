#include "cache/file_lock.hpp"

#include "config/config.hpp"
#include "util/error.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <system_error>

namespace cf::host {
namespace {

// 31 bits: any file system's locks reach that far (NFS's NLM included), and two different
// entries share a byte only if their hashes collide there while both are being computed.
off_t position_of(std::string_view key) {
  return static_cast<off_t>(XXH3_64bits(key.data(), key.size()) & 0x7fffffffu);
}

}  // namespace

FileLock::FileLock(const std::filesystem::path& file, std::string_view key) {
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0 && errno == ENOENT) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  }
  if (fd_ < 0) {
    throw UserError(display_path(file) +
                    ": cannot create a lock file: " + std::system_category().message(errno));
  }
  // Owned by this open file description, not by the process as a classic POSIX lock is, so
  // closing another descriptor of the same file elsewhere in the process does not drop it.
  struct flock range {};
  range.l_type = F_WRLCK;
  range.l_whence = SEEK_SET;
  range.l_start = position_of(key);
  range.l_len = 1;
  while (::fcntl(fd_, F_OFD_SETLKW, &range) != 0) {
    if (errno == EINTR) continue;
    const int error = errno;
    ::close(fd_);
    fd_ = -1;
    throw UserError(display_path(file) + ": cannot lock: " + std::system_category().message(error));
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace cf::host
