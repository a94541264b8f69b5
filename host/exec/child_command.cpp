#include "exec/child_command.hpp"

#include "util/error.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>
#include <utility>

extern char** environ;

namespace cf::host {
namespace {

class Descriptor {
 public:
  Descriptor() = default;
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() { reset(); }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Descriptor read;
  Descriptor write;
};

Pipe make_pipe(const std::string& program) {
  std::array<int, 2> fds{-1, -1};
  // CLOEXEC on both ends: the child gets its copy through dup2, which clears the flag.
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    throw UserError("cannot run '" + program + "': no pipe: " + std::system_category().message(errno));
  }
  return {Descriptor(fds[0]), Descriptor(fds[1])};
}

class FileActions {
 public:
  FileActions() { ::posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_{};
};

pid_t spawn(const std::vector<std::string>& argv, FileActions& actions) {
  if (argv.empty()) throw UserError("cannot run an empty command");
  std::vector<char*> raw;
  raw.reserve(argv.size() + 1);
  for (const auto& argument : argv) raw.push_back(const_cast<char*>(argument.c_str()));
  raw.push_back(nullptr);
  pid_t pid = -1;
  const int error = ::posix_spawnp(&pid, raw[0], actions.get(), nullptr, raw.data(), environ);
  if (error != 0) throw UserError("cannot run '" + argv[0] + "': " + std::system_category().message(error));
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

bool CapturedOutput::succeeded() const {
  return !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

CapturedOutput run_captured(const std::vector<std::string>& argv,
                            std::optional<std::chrono::milliseconds> timeout) {
  const std::string program = argv.empty() ? "" : argv[0];
  Pipe out = make_pipe(program);
  Pipe err = make_pipe(program);
  FileActions actions;
  ::posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(actions.get(), out.write.get(), STDOUT_FILENO);
  ::posix_spawn_file_actions_adddup2(actions.get(), err.write.get(), STDERR_FILENO);
  const pid_t pid = spawn(argv, actions);
  out.write.reset();
  err.write.reset();

  // Both pipes are drained together, so a chatty stderr cannot block the program while we wait
  // on its stdout.
  CapturedOutput result;
  const auto deadline =
      timeout ? std::chrono::steady_clock::now() + *timeout : std::chrono::steady_clock::time_point::max();
  std::array<pollfd, 2> polled{pollfd{out.read.get(), POLLIN, 0}, pollfd{err.read.get(), POLLIN, 0}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  int open_streams = 2;
  std::array<char, 4096> buffer{};
  while (open_streams > 0) {
    int wait_ms = -1;
    if (timeout) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        ::kill(pid, SIGKILL);
        result.timed_out = true;
        break;
      }
      wait_ms = static_cast<int>(left.count());
    }
    const int ready = ::poll(polled.data(), polled.size(), wait_ms);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    for (std::size_t i = 0; i < polled.size(); ++i) {
      if (polled[i].fd < 0 || polled[i].revents == 0) continue;
      const ssize_t got = ::read(polled[i].fd, buffer.data(), buffer.size());
      if (got > 0) {
        sinks[i]->append(buffer.data(), static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        polled[i].fd = -1;  // poll ignores negative descriptors
        --open_streams;
      }
    }
  }
  result.status = wait_for(pid);
  return result;
}

int run_on_console(const std::vector<std::string>& argv) {
  FileActions actions;
  ::posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  const int status = wait_for(spawn(argv, actions));
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace cf::host
