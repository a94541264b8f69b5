// A throwaway project folder for end-to-end tests, and a way to run the real `experiment`
// binary in it. Each test gets its own folder, removed afterwards, so no test sees another's
// leftovers.
#pragma once

#include "support/scratch_folder.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace cf::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Runs `command` through /bin/sh in `folder`, capturing stdout and stderr separately.
inline CommandResult run_shell(const std::filesystem::path& folder, const std::string& command) {
  static int counter = 0;
  const auto base = std::filesystem::temp_directory_path() /
                    ("cf_cmd_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  const std::string out = base.string() + ".out";
  const std::string err = base.string() + ".err";
  const std::string line = "cd " + shell_quote(folder.string()) + " && " + command + " >" + shell_quote(out) +
                           " 2>" + shell_quote(err) + " </dev/null";
  const int status = std::system(line.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_text(out);
  result.err = read_text(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return result;
}

// Success when `result` exited with 0; else a failure naming `step` with both outputs.
inline ::testing::AssertionResult succeeded(const std::string& step, const CommandResult& result) {
  if (result.exit_code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << step << " exited with " << result.exit_code << "\n--- stdout ---\n"
                                       << result.out << "--- stderr ---\n"
                                       << result.err;
}

// Console output without the lines the host adds to recorded runs (where the report went, and a
// git warning should the temporary folder lie in a repository with uncommitted changes), for
// tests about the experiment's own lines.
inline std::string without_git_warning(const std::string& out) {
  std::string kept;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("WARNING - git: ", 0) != 0 && line.rfind("INFO - report: ", 0) != 0) kept += line + "\n";
  }
  return kept;
}

// Every file below `root` (relative path -> contents), leaving out the lock files runs
// coordinate through in a cache's .locks/, which are not artifacts.
inline std::map<std::string, std::string> files_below(const std::filesystem::path& root) {
  std::map<std::string, std::string> files;
  if (!std::filesystem::exists(root)) return files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const std::string relative = std::filesystem::relative(entry.path(), root).string();
    if (entry.is_regular_file() && relative.rfind(".locks/", 0) != 0)
      files[relative] = read_text(entry.path());
  }
  return files;
}

// PRAGMA integrity_check's answer for the database at `file` ("ok" when sound).
inline std::string store_integrity(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return "cannot open " + file.string();
  }
  std::string result;
  sqlite3_exec(
      db, "PRAGMA integrity_check",
      [](void* out, int, char** values, char**) {
        *static_cast<std::string*>(out) += values[0] != nullptr ? values[0] : "";
        return 0;
      },
      &result, nullptr);
  sqlite3_close(db);
  return result;
}

class TempProject {
 public:
  TempProject() = default;
  TempProject(const TempProject&) = delete;
  TempProject& operator=(const TempProject&) = delete;
  // Every test that ran a recorded run in this project leaves a sound run store behind.
  ~TempProject() {
    const auto store = root() / "data" / "store.db";
    if (std::filesystem::exists(store)) {
      EXPECT_EQ(store_integrity(store), "ok") << store;
    }
  }

  const std::filesystem::path& root() const { return folder_.path(); }

  void write(const std::filesystem::path& relative, const std::string& contents) const {
    folder_.write(relative, contents);
  }

  // Copies test plugin `name` (built into CF_TEST_PLUGIN_DIR) to `relative` in the project.
  void add_plugin(const std::string& name, const std::filesystem::path& relative) const {
    const auto target = root() / relative;
    std::filesystem::create_directories(target.parent_path());
    std::filesystem::copy_file(plugin_path(name), target, std::filesystem::copy_options::overwrite_existing);
  }

  static std::filesystem::path plugin_path(const std::string& name) { return test_plugin(name); }

  // Runs the real `experiment` binary with `arguments` (already shell-quoted as needed).
  CommandResult experiment(const std::string& arguments, const std::string& environment = "") const {
    return run_shell(root(), environment + " " + shell_quote(CF_EXPERIMENT_BIN) + " " + arguments);
  }

 private:
  ScratchFolder folder_;
};

}  // namespace cf::test
