// An exclusive lock between processes on one cache entry, so two runs or two parallel children
// never compute the same stage output at once: the second waits, then finds the first one's
// files and loads them. Every entry of a cache shares one lock file and locks its own byte of
// it (an open-file-description byte-range lock at a position hashed from the entry's name):
// a lock file per entry cost a new inode per stage call, a large share of a cold run with
// thousands of small stages, and left thousands of files behind.
#pragma once

#include <filesystem>
#include <string_view>

namespace cf::host {

class FileLock {
 public:
  // Blocks until `key`'s byte of `file` (created with its folders if needed) is locked. Throws
  // UserError naming the file when it cannot be created or locked.
  FileLock(const std::filesystem::path& file, std::string_view key);
  // Closing the descriptor releases the lock, also when the process dies.
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace cf::host
