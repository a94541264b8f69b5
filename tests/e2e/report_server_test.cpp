// `experiment reports`: the real binary serves a hand-written reports folder; requests go out
// through curl (or Python's urllib when curl is missing), so the test shares no HTTP code with
// the server it checks.
#include "support/background_experiment.hpp"
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
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

// Sends `request` byte for byte over a fresh connection and returns everything the server sends
// back before closing it: for request lines no HTTP client would write.
std::string raw_exchange(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "socket failed";
  const timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    answer = "connect failed";
  } else if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
             static_cast<ssize_t>(request.size())) {
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
      answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

// The status code of a raw answer ("HTTP/1.1 404 Not Found" -> 404), 0 when there is none.
int status_of(const std::string& answer) {
  if (answer.rfind("HTTP/1.", 0) != 0 || answer.size() < 12) return 0;
  return std::atoi(answer.substr(9, 3).c_str());
}

// Whatever the request says, nothing outside the reports folder is read, and nothing is written:
// symlinks that lead out, request targets curl would not send, other methods.
TEST(ReportServer, OnlyTheReportsFolderIsReachable) {
  ReportsProject project;
  project.project().write("data/cache/scores.json", "do not serve the cache");
  project.project().write("reports/run_1/data.bin", "do not serve this type");
  fs::create_directory_symlink(project.root(), project.root() / "reports" / "escape");
  fs::create_symlink(project.root() / "secret.txt", project.root() / "reports" / "leak.txt");
  BackgroundExperiment server(project.root(), {"reports", "--port", "0"});
  const int port = server.wait_for_port();
  ASSERT_GT(port, 0);

  for (const char* target :
       {"/escape/secret.txt", "/escape/data/cache/scores.json", "/leak.txt", "/escape/", "/run_1/data.bin",
        "/_latest/../../secret.txt", "/%2e%2e/data/cache/scores.json"}) {
    const Fetched refused = fetch(port, target);
    EXPECT_EQ(refused.status, 404) << target;
    EXPECT_EQ(refused.body.find("do not serve"), std::string::npos) << target;
  }

  const std::string host = "Host: 127.0.0.1:" + std::to_string(port) + "\r\nConnection: close\r\n";
  for (const std::string& target : std::vector<std::string>{
           "../secret.txt", "secret.txt", "/run_1/../../secret.txt", "/run_1/%2e%2e/%2e%2e/secret.txt",
           "http://127.0.0.1/../secret.txt", "http://127.0.0.1:" + std::to_string(port) + "/../secret.txt",
           "/..\\secret.txt", "/run_1/index.html/../../../secret.txt", "*", "/%2fsecret.txt",
           "/reports/../secret.txt", "/\xc0\xae\xc0\xae/secret.txt", std::string("/\0../secret.txt", 15)}) {
    const std::string answer = raw_exchange(port, "GET " + target + " HTTP/1.1\r\n" + host + "\r\n");
    const int status = status_of(answer);
    EXPECT_TRUE(status >= 400 && status < 500) << target << " answered: " << answer;
    EXPECT_EQ(answer.find("do not serve"), std::string::npos) << target;
  }

  // Reading is all the server does: other methods change nothing and reveal nothing.
  const std::string index_before = read_text(project.root() / "reports" / "index.html");
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    for (const char* target : {"/index.html", "/new.html", "/../secret.txt"}) {
      const std::string body = "<html>overwritten</html>";
      const std::string answer =
          raw_exchange(port, std::string(method) + " " + target + " HTTP/1.1\r\n" + host +
                                 "Content-Type: text/html\r\nContent-Length: " + std::to_string(body.size()) +
                                 "\r\n\r\n" + body);
      const int status = status_of(answer);
      EXPECT_TRUE(status >= 400 && status < 500) << method << " " << target << " answered: " << answer;
      EXPECT_EQ(answer.find("do not serve"), std::string::npos) << method << " " << target;
    }
  }
  EXPECT_EQ(read_text(project.root() / "reports" / "index.html"), index_before);
  EXPECT_FALSE(fs::exists(project.root() / "reports" / "new.html"));
  EXPECT_EQ(read_text(project.root() / "secret.txt"), "do not serve");

  // A HEAD of a served file has its headers and no body; the server still answers afterwards.
  const std::string head = raw_exchange(port, "HEAD /run_1/style.css HTTP/1.1\r\n" + host + "\r\n");
  EXPECT_EQ(status_of(head), 200) << head;
  EXPECT_EQ(head.find("color: black"), std::string::npos) << head;
  EXPECT_EQ(fetch(port, "/").status, 200);
  ASSERT_EQ(::kill(server.pid(), SIGINT), 0);
  EXPECT_EQ(server.wait_for_exit(5s), 0) << server.err();
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
