// `experiment` running in the background (a server, say) with its output in files, for
// end-to-end tests that talk to it while it runs.
#pragma once

#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace cf::test {

// `experiment` running in the background with its output in files; killed if still running when
// the test ends, so a failed assertion leaves no server behind.
class BackgroundExperiment {
 public:
  // With `own_process_group`, the command leads a process group of its own, so a test can send
  // a signal to all of it as a terminal's Ctrl-C does (interrupt_group()).
  BackgroundExperiment(const std::filesystem::path& folder, const std::vector<std::string>& arguments,
                       bool own_process_group = false)
      : out_(folder / "server.out"), err_(folder / "server.err"), own_group_(own_process_group) {
    std::vector<std::string> words{CF_EXPERIMENT_BIN};
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
    const std::string directory = folder.string();
    const std::string out = out_.string();
    const std::string err = err_.string();
    pid_ = ::fork();
    if (pid_ == 0) {
      if (own_process_group) ::setpgid(0, 0);
      const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int in_fd = ::open("/dev/null", O_RDONLY);
      if (::chdir(directory.c_str()) != 0 || out_fd < 0 || err_fd < 0 || in_fd < 0) ::_exit(127);
      ::dup2(in_fd, 0);
      ::dup2(out_fd, 1);
      ::dup2(err_fd, 2);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~BackgroundExperiment() {
    if (pid_ > 0 && !exit_code_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    // Whatever the command started in its own group (its experiment process, parallel children).
    if (own_group_ && pid_ > 0) ::kill(-pid_, SIGKILL);
  }
  BackgroundExperiment(const BackgroundExperiment&) = delete;
  BackgroundExperiment& operator=(const BackgroundExperiment&) = delete;

  pid_t pid() const { return pid_; }
  // What Ctrl-C in a terminal does: `signal` to every process of the command's group (only
  // with own_process_group).
  void signal_group(int signal) const { ::kill(-pid_, signal); }
  std::string out() const { return read_text(out_); }
  std::string err() const { return read_text(err_); }

  // The exit code (128 + signal when killed), or nothing if it is still running after `timeout`.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exit_code_) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      } else if (std::chrono::steady_clock::now() > deadline) {
        break;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    return exit_code_;
  }

  // Waits until stdout holds `text`; false after `timeout` or once the command has exited.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (out().find(text) != std::string::npos) return true;
      if (wait_for_exit(std::chrono::milliseconds(0))) return out().find(text) != std::string::npos;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // The port of the "serving ... at http://127.0.0.1:PORT/" line, once it appears.
  int wait_for_port() {
    const std::regex line(R"(^serving .*reports.* at http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)\n)");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch match;
      const std::string text = out();
      if (std::regex_search(text, match, line)) return std::stoi(match[1]);
      if (wait_for_exit(std::chrono::milliseconds(0))) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "no 'serving' line; stdout: " << out() << " stderr: " << err();
    return 0;
  }

 private:
  std::filesystem::path out_;
  std::filesystem::path err_;
  bool own_group_ = false;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace cf::test
