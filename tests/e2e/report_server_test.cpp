// `experiment reports`: the real binary serves a hand-written reports folder; requests go out
// through curl (or Python's urllib when curl is missing), so the test shares no HTTP code with
// the server it checks.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace cf::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// `experiment` running in the background with its output in files; killed if still running when
// the test ends, so a failed assertion leaves no server behind.
class BackgroundExperiment {
 public:
  BackgroundExperiment(const fs::path& folder, const std::vector<std::string>& arguments)
      : out_(folder / "server.out"), err_(folder / "server.err") {
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
  }
  BackgroundExperiment(const BackgroundExperiment&) = delete;
  BackgroundExperiment& operator=(const BackgroundExperiment&) = delete;

  pid_t pid() const { return pid_; }
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
        std::this_thread::sleep_for(10ms);
      }
    }
    return exit_code_;
  }

  // The port of the "serving ... at http://127.0.0.1:PORT/" line, once it appears.
  int wait_for_port() {
    const std::regex line(R"(^serving .*reports.* at http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)\n)");
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch match;
      const std::string text = out();
      if (std::regex_search(text, match, line)) return std::stoi(match[1]);
      if (wait_for_exit(0ms)) break;
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "no 'serving' line; stdout: " << out() << " stderr: " << err();
    return 0;
  }

 private:
  fs::path out_;
  fs::path err_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

struct Fetched {
  int status = 0;
  std::string content_type;
  std::string body;
};

bool have_curl() {
  static const bool found = run_shell(fs::current_path(), "command -v curl").exit_code == 0;
  return found;
}

// GET `path` exactly as written (no client-side "..' folding, no redirects followed).
Fetched fetch(int port, const std::string& path) {
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  std::string command;
  if (have_curl()) {
    command =
        "curl -s --path-as-is --max-time 10 -o - -w '\\n%{http_code}\\n%{content_type}' " + shell_quote(url);
  } else {
    const std::string script =
        "import sys, urllib.request, urllib.error\n"
        "class Stay(urllib.request.HTTPRedirectHandler):\n"
        "    def redirect_request(self, *args): return None\n"
        "try:\n"
        "    r = urllib.request.build_opener(Stay).open(sys.argv[1], timeout=10)\n"
        "except urllib.error.HTTPError as e:\n"
        "    r = e\n"
        "sys.stdout.write(r.read().decode('utf-8', 'replace') + '\\n' + str(r.status if hasattr(r, 'status') "
        "else r.code) + '\\n' + (r.headers.get('Content-Type') or ''))\n";
    command = "python3 -c " + shell_quote(script) + " " + shell_quote(url);
  }
  const CommandResult result = run_shell(fs::current_path(), command);
  Fetched fetched;
  const std::string& text = result.out;
  const auto type_start = text.rfind('\n');
  const auto status_start =
      type_start == std::string::npos ? std::string::npos : text.rfind('\n', type_start - 1);
  if (status_start == std::string::npos) {
    ADD_FAILURE() << "no answer for " << url << ": " << result.err;
    return fetched;
  }
  fetched.body = text.substr(0, status_start);
  fetched.status = std::atoi(text.substr(status_start + 1, type_start - status_start - 1).c_str());
  fetched.content_type = text.substr(type_start + 1);
  return fetched;
}

// A project whose reports folder was written by hand: an index, one run, a secret beside the
// reports folder that no request may reach.
class ReportsProject {
 public:
  ReportsProject() {
    project_.write("secret.txt", "do not serve");
    project_.write("reports/index.html", "<html><title>Curifactory reports</title>index page</html>");
    project_.write("reports/run_1/index.html", "<html><title>run 1</title>run page</html>");
    project_.write("reports/run_1/style.css", "body { color: black; }");
    project_.write("reports/run_1/log.txt", "a log line");
    fs::create_directory_symlink("run_1", root() / "reports" / "_latest");
  }
  const fs::path& root() const { return project_.root(); }
  TempProject& project() { return project_; }

 private:
  TempProject project_;
};

TEST(ReportServer, ServesTheReportsFolderAndStopsOnCtrlC) {
  ReportsProject project;
  BackgroundExperiment server(project.root(), {"reports", "--port", "0"});
  const int port = server.wait_for_port();
  ASSERT_GT(port, 0);

  const Fetched index = fetch(port, "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("index page"), std::string::npos) << index.body;
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");

  const Fetched run = fetch(port, "/run_1/");
  EXPECT_EQ(run.status, 200);
  EXPECT_NE(run.body.find("run page"), std::string::npos) << run.body;
  EXPECT_EQ(fetch(port, "/_latest/").body, run.body);
  EXPECT_EQ(fetch(port, "/run_1/index.html").body, run.body);

  const Fetched css = fetch(port, "/run_1/style.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_EQ(css.body, "body { color: black; }");
  EXPECT_EQ(fetch(port, "/run_1/log.txt").content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(fetch(port, "/run_1").status, 301);

  for (const char* attempt : {"/../secret.txt", "/%2e%2e/secret.txt", "/run_1/..%2f..%2fsecret.txt",
                              "/run_1/%2E%2e/%2e%2e/secret.txt", "//etc/passwd", "/..%5csecret.txt", "/%00",
                              "/missing.html", "/run_1/missing/"}) {
    const Fetched refused = fetch(port, attempt);
    EXPECT_EQ(refused.status, 404) << attempt;
    EXPECT_EQ(refused.body.find("do not serve"), std::string::npos) << attempt;
  }

  const auto asked = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(server.pid(), SIGINT), 0);
  const auto exit_code = server.wait_for_exit(5s);
  ASSERT_TRUE(exit_code.has_value()) << "still running 5 s after SIGINT";
  EXPECT_EQ(*exit_code, 0) << server.err();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 3s);
  EXPECT_EQ(server.err(), "");
}

TEST(ReportServer, StopsOnSigtermToo) {
  ReportsProject project;
  BackgroundExperiment server(project.root(), {"reports", "--port", "0"});
  ASSERT_GT(server.wait_for_port(), 0);
  ASSERT_EQ(::kill(server.pid(), SIGTERM), 0);
  EXPECT_EQ(server.wait_for_exit(5s), 0) << server.err();
}

TEST(ReportServer, PortInUseIsAOneLineErrorNamingThePort) {
  ReportsProject project;
  BackgroundExperiment first(project.root(), {"reports", "--port", "0"});
  const int port = first.wait_for_port();
  ASSERT_GT(port, 0);
  const CommandResult second = project.project().experiment("reports --port " + std::to_string(port));
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_EQ(second.err, "error: --port " + std::to_string(port) + ": 127.0.0.1:" + std::to_string(port) +
                            " is already in use\n");
  EXPECT_EQ(second.out, "");
}

TEST(ReportServer, BadHostIsAnErrorNamingTheHost) {
  ReportsProject project;
  const CommandResult result = project.project().experiment("reports --port 0 --host no.such.host.invalid");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err.rfind("error: --host no.such.host.invalid: ", 0), 0u) << result.err;
}

TEST(ReportServer, MissingReportsFolderIsAnErrorNamingIt) {
  TempProject project;
  for (const char* arguments : {"reports --port 0", "reports --update"}) {
    const CommandResult result = project.experiment(arguments);
    EXPECT_EQ(result.exit_code, 1) << arguments;
    EXPECT_EQ(result.err.rfind("error: reports folder reports", 0), 0u) << result.err;
    EXPECT_NE(result.err.find("does not exist"), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
}

TEST(ReportServer, UpdateRebuildsTheIndex) {
  ReportsProject project;
  fs::remove(project.root() / "reports" / "index.html");
  // A report folder copied in from another machine, and a folder that holds no report.
  project.project().write("reports/remote_7_2026-11-01-T100000/run.json",
                          R"({"reference": "remote_7_2026-11-01-T100000", "experiment": "remote", "number": 7,
                              "timestamp": "2026-11-01T10:00:00", "hostname": "elsewhere", "status": "complete",
                              "error": "", "git_commit": "", "git_dirty": false, "command": "experiment remote",
                              "reproduce": "", "full_store": false, "notes": "copied over", "param_files": []})");
  project.project().write("reports/remote_7_2026-11-01-T100000/index.html", "<html></html>");
  project.project().write("reports/not_a_report/notes.txt", "nothing here\n");
  const CommandResult result = project.project().experiment("reports --update");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(fs::is_regular_file(project.root() / "reports" / "index.html"));
  EXPECT_NE(result.out.find("index.html"), std::string::npos) << result.out;
  const std::string index = read_text(project.root() / "reports" / "index.html");
  EXPECT_NE(index.find("remote_7_2026-11-01-T100000"), std::string::npos) << index;
  EXPECT_NE(index.find("elsewhere"), std::string::npos);
  EXPECT_EQ(index.find("not_a_report"), std::string::npos) << index;
}

TEST(ReportServer, UpdateTakesNoAddress) {
  ReportsProject project;
  const CommandResult result = project.project().experiment("reports --update --port 9000");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "error: --port does not apply to 'reports --update'\n");
}

}  // namespace
}  // namespace cf::test
