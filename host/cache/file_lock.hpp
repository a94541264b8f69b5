// An exclusive lock between processes on one cache entry (flock on a lock file), so two runs or
// two parallel children never compute the same stage output at once: the second waits, then
// finds the first one's files and loads them.
#pragma once

#include <filesystem>

namespace cf::host {

class FileLock {
 public:
  // Blocks until the lock on `file` (created with its folders if needed) is held. Throws
  // UserError naming the file when it cannot be created or locked.
  explicit FileLock(const std::filesystem::path& file);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace cf::host
