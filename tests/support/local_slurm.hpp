// A real single-node Slurm for one test, started by scripts/slurm_local.sh under a scratch folder
// and stopped again by scripts/slurm_local_stop.sh, with SLURM_CONF pointing at it meanwhile (so
// sbatch in this process and in every `experiment` it starts reaches it).
#pragma once

#include "support/scratch_folder.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace cf::test {

class LocalSlurm {
 public:
  // Why a local Slurm cannot run here (to skip on), or nothing when it can.
  static std::optional<std::string> unavailable() {
    for (const char* program :
         {"sbatch", "scontrol", "scancel", "slurmctld", "slurmd", "munged", "mungekey"}) {
      if (!installed(program)) {
        return std::string(program) + " is not installed (scripts/setup.sh installs slurm-wlm and munge)";
      }
    }
    if (::geteuid() != 0) return std::string("the local Slurm daemons need root");
    return std::nullopt;
  }

  // Starts the daemons; started() says whether they came up, start_output() what the script said.
  LocalSlurm() {
    // munged refuses a socket below a folder others cannot traverse, and mkdtemp makes 0700.
    std::filesystem::permissions(scratch_.path(),
                                 std::filesystem::perms::group_exec | std::filesystem::perms::others_exec,
                                 std::filesystem::perm_options::add);
    state_ = scratch_.path() / "slurm";
    const auto start_log = scratch_.path() / "slurm_start.log";
    const std::string command = "'" + std::string(CF_SOURCE_DIR) + "/scripts/slurm_local.sh' '" +
                                state_.string() + "' >'" + start_log.string() + "' 2>&1";
    const int status = std::system(command.c_str());
    output_ = read(start_log);
    std::istringstream lines(output_);
    std::string last;
    for (std::string line; std::getline(lines, line);) last = line;
    const std::string prefix = "export SLURM_CONF=";
    if (status == 0 && last.rfind(prefix, 0) == 0) {
      ::setenv("SLURM_CONF", last.substr(prefix.size()).c_str(), 1);
      started_ = true;
    }
  }

  // Even a failed start may have left daemons running, so the stop script always runs.
  ~LocalSlurm() {
    const std::string command = "'" + std::string(CF_SOURCE_DIR) + "/scripts/slurm_local_stop.sh' '" +
                                state_.string() + "' >/dev/null 2>&1";
    [[maybe_unused]] const int status = std::system(command.c_str());
    if (started_) ::unsetenv("SLURM_CONF");
  }
  LocalSlurm(const LocalSlurm&) = delete;
  LocalSlurm& operator=(const LocalSlurm&) = delete;

  bool started() const { return started_; }
  const std::string& start_output() const { return output_; }
  const std::filesystem::path& scratch() const { return scratch_.path(); }

 private:
  // slurmctld lives in sbin, which a non-login PATH may lack.
  static bool installed(const std::string& program) {
    std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
    path += ":/usr/sbin:/sbin";
    std::istringstream folders(path);
    for (std::string folder; std::getline(folders, folder, ':');) {
      if (!folder.empty() && ::access((std::filesystem::path(folder) / program).c_str(), X_OK) == 0)
        return true;
    }
    return false;
  }

  static std::string read(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  ScratchFolder scratch_;
  std::filesystem::path state_;
  std::string output_;
  bool started_ = false;
};

}  // namespace cf::test
