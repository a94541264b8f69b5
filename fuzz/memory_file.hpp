// An in-memory file for readers whose API takes a path: they run their real file code (open,
// fstat, pread) on the fuzz input without it touching the disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

namespace cf::fuzz {

class MemoryFile {
 public:
  MemoryFile();
  ~MemoryFile();
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  // Replaces the contents with `bytes`; the returned path opens them (/proc/self/fd/N).
  const std::filesystem::path& hold(std::span<const std::uint8_t> bytes);

 private:
  int fd_;
  std::filesystem::path path_;
};

}  // namespace cf::fuzz
