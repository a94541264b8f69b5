#include "exec/supervisor.hpp"

#include "exec/process_end.hpp"
#include "util/error.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <system_error>

namespace cf::host {
namespace {

class Pipe {
 public:
  Pipe() {
    if (::pipe2(fds_.data(), O_CLOEXEC) != 0) {
      throw UserError("cannot start the experiment process: " + std::system_category().message(errno));
    }
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void close_read() { close_fd(fds_[0]); }
  void close_write() { close_fd(fds_[1]); }

 private:
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  std::array<int, 2> fds_{-1, -1};
};

// A page shared between the parent and the forked child (see SupervisorChannel::started): a
// 32-bit length, then that many bytes of the child's latest report. The parent reads it only
// once the child has ended, so neither side needs a lock.
class StageBoard {
 public:
  static constexpr std::size_t kSize = 4096;

  StageBoard() {
    void* page = ::mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
      throw UserError("cannot start the experiment process: " + std::system_category().message(errno));
    page_ = static_cast<char*>(page);
  }
  ~StageBoard() { ::munmap(page_, kSize); }
  StageBoard(const StageBoard&) = delete;
  StageBoard& operator=(const StageBoard&) = delete;

  char* page() const { return page_; }

  static void write(char* page, std::string_view text) {
    const auto length = static_cast<std::uint32_t>(std::min(text.size(), kSize - sizeof(std::uint32_t)));
    std::memcpy(page + sizeof length, text.data(), length);
    std::memcpy(page, &length, sizeof length);
  }

  std::string read() const {
    std::uint32_t length = 0;
    std::memcpy(&length, page_, sizeof length);
    length = std::min<std::uint32_t>(length, kSize - sizeof length);
    return std::string(page_ + sizeof length, length);
  }

 private:
  char* page_ = nullptr;
};

volatile std::sig_atomic_t received_signal = 0;  // the first SIGINT/SIGTERM while supervising
volatile std::sig_atomic_t supervised_pid = 0;

void pass_on(int signal_number) {
  if (received_signal == 0) received_signal = signal_number;
  if (supervised_pid > 0) ::kill(static_cast<pid_t>(supervised_pid), signal_number);
}

// While the child runs, Ctrl-C or a SIGTERM must not end this process first: it is the one that
// records how the run ended. Installed only in the parent, after the fork, so the child keeps
// the default actions (a stage that ignores the signal would otherwise never stop).
class SignalsPassedOn {
 public:
  explicit SignalsPassedOn(pid_t child) {
    received_signal = 0;
    supervised_pid = child;
    struct sigaction action {};
    action.sa_handler = &pass_on;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
  }
  ~SignalsPassedOn() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    supervised_pid = 0;
  }
  SignalsPassedOn(const SignalsPassedOn&) = delete;
  SignalsPassedOn& operator=(const SignalsPassedOn&) = delete;

  int received() const { return static_cast<int>(received_signal); }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // the parent is gone or the pipe broke; nothing useful left to do
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

// The pipe carries one byte per event, 'S' when a stage starts and 'F' when it returns, for the
// stage timeout's clock; which stage it is the parent reads from the board once the child ends.
void SupervisorChannel::started(std::string_view what) const {
  if (board_ != nullptr) StageBoard::write(board_, what);
  if (timed_ && progress_fd_ >= 0) write_all(progress_fd_, "S");
}

void SupervisorChannel::finished() const {
  if (timed_ && progress_fd_ >= 0) write_all(progress_fd_, "F");
}

std::string ChildEnd::describe() const {
  return describe_process_end(signaled, code);
}

ChildEnd run_supervised(const std::function<int(const SupervisorChannel&)>& child,
                        const std::function<void(std::string_view)>& on_stderr,
                        std::optional<double> stage_timeout) {
  Pipe progress;
  const StageBoard board;
  std::optional<Pipe> errors;
  if (on_stderr) errors.emplace();
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0)
    throw UserError("cannot start the experiment process: " + std::system_category().message(errno));
  if (pid == 0) {
    progress.close_read();
    // Open until the child exits, like its stderr.
    const int console = errors ? ::dup(STDERR_FILENO) : STDERR_FILENO;
    if (errors) {
      ::dup2(errors->write_end(), STDERR_FILENO);
      errors->close_read();
      errors->close_write();
    }
    int code = 1;
    try {
      code = child(SupervisorChannel(progress.write_end(), console < 0 ? STDERR_FILENO : console,
                                     stage_timeout.has_value(), board.page()));
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
    }
    std::cout.flush();
    std::cerr.flush();
    std::exit(code);
  }

  const SignalsPassedOn signals(pid);
  progress.close_write();
  if (errors) errors->close_write();
  ChildEnd end;
  std::array<char, 1 << 14> buffer{};
  bool progress_open = true;
  bool errors_open = errors.has_value();
  using Clock = std::chrono::steady_clock;
  // The running stage's deadline, when there is a stage timeout and a stage is running.
  bool timing = false;
  Clock::time_point deadline{};
  while (progress_open || errors_open) {
    int wait_ms = -1;
    if (timing && !end.timed_out) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        // The pipes close once the child is gone, which ends this loop.
        ::kill(pid, SIGKILL);
        end.timed_out = true;
      } else {
        wait_ms = static_cast<int>(std::min<long long>(left, 60'000));
      }
    }
    std::array<pollfd, 2> fds{pollfd{progress_open ? progress.read_end() : -1, POLLIN, 0},
                              pollfd{errors_open ? errors->read_end() : -1, POLLIN, 0}};
    const int ready = ::poll(fds.data(), fds.size(), wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (ready == 0) continue;
    if (progress_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const ssize_t count = ::read(progress.read_end(), buffer.data(), buffer.size());
      if (count <= 0) {
        progress_open = count < 0 && errno == EINTR;
      } else {
        // Only the latest event counts: a stage started (its clock runs from now) or returned.
        timing = stage_timeout && buffer[static_cast<std::size_t>(count) - 1] == 'S';
        if (timing) {
          deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(*stage_timeout));
        }
      }
    }
    if (errors_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const ssize_t count = ::read(errors->read_end(), buffer.data(), buffer.size());
      if (count <= 0) {
        errors_open = count < 0 && errno == EINTR;
      } else {
        const std::string_view text(buffer.data(), static_cast<std::size_t>(count));
        write_all(STDERR_FILENO, text);
        on_stderr(text);
      }
    }
  }

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      throw UserError("lost the experiment process: " + std::system_category().message(errno));
  }
  // The child is gone: its last report is final (the same as the pipe's last 'S', if any).
  end.last_stage = board.read();
  end.interrupted_by = signals.received();
  if (WIFSIGNALED(status)) {
    end.signaled = true;
    end.code = WTERMSIG(status);
  } else {
    end.code = WEXITSTATUS(status);
  }
  return end;
}

}  // namespace cf::host
