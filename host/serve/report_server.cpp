#include "serve/report_server.hpp"

#include "serve/safe_path.hpp"
#include "util/error.hpp"

#include <httplib.h>

#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>

namespace cf::host {
namespace {

// SIGINT and SIGTERM blocked for this thread and every thread started after, so they stay
// pending until wait() takes them: the server is then stopped by ordinary code, never from a
// signal handler, where almost nothing is allowed.
class BlockedStopSignals {
 public:
  BlockedStopSignals() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
  }
  ~BlockedStopSignals() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  BlockedStopSignals(const BlockedStopSignals&) = delete;
  BlockedStopSignals& operator=(const BlockedStopSignals&) = delete;

  // True when a stop signal arrived within `timeout`.
  bool wait(std::chrono::milliseconds timeout) const {
    const timespec limit{static_cast<time_t>(timeout.count() / 1000),
                         static_cast<long>((timeout.count() % 1000) * 1'000'000)};
    return sigtimedwait(&signals_, nullptr, &limit) > 0;
  }

 private:
  sigset_t signals_{};
  sigset_t previous_{};
};

// The listening loop on its own thread; leaving scope stops it and waits for it, so no path out
// of serve_reports (an exception included) leaves a thread running.
class ListeningThread {
 public:
  explicit ListeningThread(httplib::Server& server)
      : server_(server), thread_([this] {
          server_.listen_after_bind();
          finished_ = true;
        }) {}
  ~ListeningThread() {
    // stop() before the loop has started would be lost and join() would wait forever.
    while (!server_.is_running() && !finished_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    server_.stop();
    thread_.join();
  }
  ListeningThread(const ListeningThread&) = delete;
  ListeningThread& operator=(const ListeningThread&) = delete;

  bool running() const { return server_.is_running() && !finished_; }
  bool finished() const { return finished_; }

 private:
  httplib::Server& server_;
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

// httplib's default also sets SO_REUSEPORT, which would let a second server share a port that is
// already serving, silently splitting requests between the two. SO_REUSEADDR alone still allows
// a quick restart while the old connections linger in TIME_WAIT.
void reuse_address_only(socket_t socket) {
  const int yes = 1;
  setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

// Checked before binding because the HTTP library reports every bind failure the same way.
void check_host(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const int status = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (status != 0)
    throw UserError("--host " + host + ": not an address to listen on (" + gai_strerror(status) + ")");
  freeaddrinfo(found);
}

[[noreturn]] void throw_bind_error(const std::string& host, int port, int error) {
  const std::string where = host + ":" + std::to_string(port);
  if (error == EADDRINUSE)
    throw UserError("--port " + std::to_string(port) + ": " + where + " is already in use");
  if (error == EACCES) {
    throw UserError("--port " + std::to_string(port) + ": not allowed to listen on " + where +
                    " (ports below 1024 need privileges)");
  }
  throw UserError("--host " + host + " --port " + std::to_string(port) + ": cannot listen on " + where +
                  " (" + std::strerror(error) + ")");
}

std::optional<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return std::nullopt;
  return bytes;
}

void answer(const SafeRoot& root, const httplib::Request& request, httplib::Response& response) {
  // Reports are rewritten after every run; a cached index would hide the newest one.
  response.set_header("Cache-Control", "no-cache");
  // req.path has already been percent-decoded by httplib; the raw target is decoded exactly once
  // by SafeRoot, so a double-encoded "%252e%252e" can never turn into "..".
  const Resolution resolution = root.resolve(request.target);
  if (resolution.kind == Resolution::Kind::add_slash) {
    response.set_redirect(resolution.location, 301);
    return;
  }
  if (resolution.kind == Resolution::Kind::file) {
    if (auto bytes = read_file(resolution.file)) {
      response.set_content(*bytes, resolution.content_type);
      return;
    }
  }
  response.status = 404;
  response.set_content("not found\n", "text/plain; charset=utf-8");
}

}  // namespace

void serve_reports(const std::filesystem::path& root, const std::string& host, int port,
                   const std::function<void(int port)>& on_listening) {
  const SafeRoot safe_root(root);
  check_host(host);

  BlockedStopSignals signals;  // before any thread exists, so all of them inherit the mask
  httplib::Server server;
  server.set_socket_options(reuse_address_only);
  // A browser holds idle connections open; waiting for them bounds how long Ctrl-C takes.
  server.set_keep_alive_timeout(1);
  // httplib writes a response's headers and body separately; with Nagle's algorithm the body
  // then waits for the client's delayed ACK, about 40 ms per request on a kept-alive connection
  // (the flood test ran at a few hundred requests a second before this).
  server.set_tcp_nodelay(true);
  server.set_pre_routing_handler([&safe_root](const httplib::Request& request, httplib::Response& response) {
    // Other methods fall through to the (empty) routing table, which answers 404.
    if (request.method != "GET" && request.method != "HEAD")
      return httplib::Server::HandlerResponse::Unhandled;
    answer(safe_root, request, response);
    return httplib::Server::HandlerResponse::Handled;
  });

  errno = 0;
  const int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound < 0) throw_bind_error(host, port, errno);

  ListeningThread listening(server);
  while (!listening.running()) {
    if (listening.finished()) throw UserError("the report server on " + host + " stopped before it started");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  on_listening(bound);
  while (!signals.wait(std::chrono::milliseconds(200))) {
    if (listening.finished()) throw UserError("the report server on " + host + " stopped unexpectedly");
  }
}

}  // namespace cf::host
