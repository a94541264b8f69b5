// `experiment reports` under a request flood from a bounded loopback client: CF_FLOOD_REQUESTS
// requests (default 10,000) over 16 keep-alive connections, a mix of pages, a large file and
// refusals. Every answer must be right, and the server must not grow: its resident memory after
// the flood stays within a generous bound of what it was after a warm-up, and its open file
// descriptors return to where they were. scripts/bench_server.sh runs a bigger flood and times it.
#include "support/background_experiment.hpp"
#include "support/temp_project.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cf::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int kConnections = 16;

// AddressSanitizer keeps freed memory in quarantine (256 MiB by default) to catch use after free,
// which a sanitized server's RSS shows as growth that is no leak.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kGrowthBoundKiB = 320 * 1024;
#else
constexpr long kGrowthBoundKiB = 32 * 1024;
#endif

int flood_requests() {
  const char* text = std::getenv("CF_FLOOD_REQUESTS");
  return text != nullptr && std::atoi(text) > 0 ? std::atoi(text) : 10000;
}

// A field of /proc/<pid>/status in kB ("VmRSS"), or -1.
long status_kib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

long open_descriptors(pid_t pid) {
  long count = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    ++count;
  return count;
}

struct Expected {
  std::string path;
  int status;
  std::size_t body_size;
};

// Sends `total` requests over kConnections clients (one thread each), cycling through `mix`;
// returns one line per wrong or failed answer (at most a few of each kind are worth reading).
std::vector<std::string> flood(int port, int total, const std::vector<Expected>& mix) {
  std::mutex mutex;
  std::vector<std::string> problems;
  std::atomic<int> next{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kConnections; ++c) {
    clients.emplace_back([&] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_connection_timeout(10);
      client.set_read_timeout(10);
      for (int i; (i = next++) < total;) {
        const Expected& expected = mix[static_cast<std::size_t>(i) % mix.size()];
        const auto result = client.Get(expected.path);
        std::string problem;
        if (!result) {
          problem = expected.path + ": " + httplib::to_string(result.error());
        } else if (result->status != expected.status || result->body.size() != expected.body_size) {
          problem = expected.path + ": status " + std::to_string(result->status) + ", " +
                    std::to_string(result->body.size()) + " bytes";
        }
        if (!problem.empty()) {
          const std::lock_guard lock(mutex);
          problems.push_back("request " + std::to_string(i) + " " + problem);
        }
      }
    });
  }
  for (auto& client : clients) client.join();
  return problems;
}

TEST(ReportServerFlood, ServesEveryRequestWithoutGrowing) {
  TempProject project;
  project.write("secret.txt", "do not serve");
  const std::string index = "<html><title>Curifactory reports</title>index page</html>";
  const std::string page = "<html><title>run 1</title>run page</html>";
  const std::string style = "body { color: black; }";
  const std::string plot = "<svg>" + std::string(256 * 1024, 'x') + "</svg>";  // a big plot
  project.write("reports/index.html", index);
  project.write("reports/run_1/index.html", page);
  project.write("reports/run_1/style.css", style);
  project.write("reports/run_1/plot.svg", plot);
  const std::vector<Expected> mix = {
      {"/", 200, index.size()},
      {"/run_1/", 200, page.size()},
      {"/run_1/style.css", 200, style.size()},
      {"/run_1/plot.svg", 200, plot.size()},
      {"/missing.html", 404, std::string("not found\n").size()},
      {"/%2e%2e/secret.txt", 404, std::string("not found\n").size()},
  };

  BackgroundExperiment server(project.root(), {"reports", "--port", "0"});
  const int port = server.wait_for_port();
  ASSERT_GT(port, 0);
  const long descriptors_idle = open_descriptors(server.pid());

  const auto warm_up = flood(port, 2000, mix);
  ASSERT_TRUE(warm_up.empty()) << warm_up.size() << " bad answers in the warm-up, first: " << warm_up.front();
  const long rss_warm = status_kib(server.pid(), "VmRSS");
  ASSERT_GT(rss_warm, 0);

  const int total = flood_requests();
  const auto started = std::chrono::steady_clock::now();
  const auto problems = flood(port, total, mix);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const long rss_after = status_kib(server.pid(), "VmRSS");
  EXPECT_TRUE(problems.empty()) << problems.size() << " of " << total
                                << " answers wrong, first: " << problems.front();
  EXPECT_LE(rss_after - rss_warm, kGrowthBoundKiB)
      << "resident memory grew from " << rss_warm << " KiB after the warm-up to " << rss_after << " KiB";
  std::cout << "flood: " << total << " requests over " << kConnections << " connections in " << seconds
            << " s (" << static_cast<long>(total / seconds) << "/s); server RSS " << rss_warm
            << " KiB after warm-up, " << rss_after << " KiB after the flood\n";

  // The clients are gone, so every connection closes: the descriptors come back (bounded wait).
  long descriptors = open_descriptors(server.pid());
  for (const auto deadline = std::chrono::steady_clock::now() + 10s;
       descriptors > descriptors_idle && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(50ms);
    descriptors = open_descriptors(server.pid());
  }
  EXPECT_LE(descriptors, descriptors_idle) << "descriptors left open after the flood";

  ASSERT_EQ(::kill(server.pid(), SIGINT), 0);
  EXPECT_EQ(server.wait_for_exit(10s), 0) << server.err();
  EXPECT_EQ(server.err(), "");
}

}  // namespace
}  // namespace cf::test
