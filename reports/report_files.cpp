#include "report_files.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

namespace cf::reports {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& file, const std::string& action, const std::string& reason) {
  throw std::runtime_error(file.string() + ": cannot be " + action + ": " + reason);
}

// Unique per process and call, so concurrent runs writing the same report root (the index,
// _latest) never share a temporary name.
fs::path temporary_name_for(const fs::path& target) {
  static std::atomic<unsigned long> counter{0};
  const auto name = "." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                    std::to_string(counter.fetch_add(1));
  return target.parent_path() / name;
}

// Removes the temporary file unless it was renamed into place, however the write ends.
class Temporary {
 public:
  explicit Temporary(const fs::path& target) : path_(temporary_name_for(target)) {}
  ~Temporary() {
    if (armed_) {
      std::error_code ignored;
      fs::remove(path_, ignored);
    }
  }
  Temporary(const Temporary&) = delete;
  Temporary& operator=(const Temporary&) = delete;

  const fs::path& path() const { return path_; }

  void rename_to(const fs::path& target, const std::string& action) {
    std::error_code error;
    fs::rename(path_, target, error);
    if (error) fail(target, action, error.message());
    armed_ = false;
  }

 private:
  fs::path path_;
  bool armed_ = true;
};

void create_folder_of(const fs::path& target, const std::string& action) {
  const auto folder = target.parent_path();
  if (folder.empty()) return;
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) fail(target, action, "cannot create " + folder.string() + ": " + error.message());
}

}  // namespace

void write_file_atomically(const fs::path& target, std::string_view contents) {
  create_folder_of(target, "written");
  Temporary temporary(target);
  {
    std::ofstream out(temporary.path(), std::ios::binary | std::ios::trunc);
    // system_category().message rather than strerror, which is not thread-safe.
    if (!out) fail(target, "written", std::system_category().message(errno));
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.close();
    // A full disk often only shows when the buffer is flushed on close.
    if (!out) fail(target, "written", "write failed");
  }
  temporary.rename_to(target, "written");
}

void copy_file_atomically(const fs::path& source, const fs::path& target) {
  create_folder_of(target, "copied");
  Temporary temporary(target);
  std::error_code error;
  fs::copy_file(source, temporary.path(), fs::copy_options::overwrite_existing, error);
  if (error) fail(target, "copied from " + source.string(), error.message());
  temporary.rename_to(target, "copied");
}

void point_symlink_atomically(const fs::path& link, const fs::path& target) {
  create_folder_of(link, "linked");
  Temporary temporary(link);
  std::error_code error;
  fs::create_directory_symlink(target, temporary.path(), error);
  if (error) fail(link, "linked", error.message());
  // rename(2) swaps a link for a link atomically; over a real folder it fails, and a folder the
  // user put there is theirs, so that is reported rather than removed.
  temporary.rename_to(link, "linked");
}

std::string read_whole_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "read", std::system_category().message(errno));
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail(path, "read", "read failed");
  return contents;
}

}  // namespace cf::reports
