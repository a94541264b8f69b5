// Runs a program on a fresh pseudo-terminal, as if typed in a terminal window: the terminal is
// its stdin, stdout and stderr (and controlling terminal), so isatty() says yes. Returns all it
// wrote, exactly as a terminal would receive it (with the pty's "\n" -> "\r\n").
#pragma once

#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace cf::test {

struct PtyResult {
  int exit_code = -1;
  std::string output;
};

inline PtyResult run_in_pty(const std::filesystem::path& folder, const std::vector<std::string>& argv,
                            unsigned short rows = 40, unsigned short columns = 100) {
  winsize size{};
  size.ws_row = rows;
  size.ws_col = columns;
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
  PtyResult result;
  if (pid < 0) return result;
  if (pid == 0) {
    if (::chdir(folder.c_str()) != 0) ::_exit(126);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  char buffer[4096];
  for (;;) {
    const ssize_t count = ::read(master, buffer, sizeof buffer);
    if (count > 0) {
      result.output.append(buffer, static_cast<std::size_t>(count));
    } else if (count < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // EIO: every process holding the terminal has closed it
    }
  }
  ::close(master);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace cf::test
