// Write and read throughput of every cacher on one large typed array (1 GiB of doubles by
// default), through the same C ABI calls a run makes. Prints one row per cacher: MiB/s each
// way, how many cores each direction kept busy (CPU time over wall time), and the file size.
//
//   cf_bench_cachers [--mib N] [--folder DIR] [cacher[:options-json]]...
//
// With no cachers named, every cacher found next to the binary is measured (json with
// {"arrays": "lists"}, since a typed array is not JSON-shaped otherwise).
#include "cache/cacher_registry.hpp"

#include <curifactory/artifact.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Timing {
  double wall = 0;
  double cpu = 0;
};

template <class Fn>
Timing measure(Fn&& fn) {
  const double cpu_before = cpu_seconds();
  const auto start = Clock::now();
  fn();
  return {std::chrono::duration<double>(Clock::now() - start).count(), cpu_seconds() - cpu_before};
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mib = 1024;
  std::filesystem::path folder = std::filesystem::temp_directory_path();
  std::vector<std::pair<std::string, std::string>> wanted;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--mib" && i + 1 < argc) {
      mib = std::stoul(argv[++i]);
    } else if (arg == "--folder" && i + 1 < argc) {
      folder = argv[++i];
    } else {
      const auto colon = arg.find(':');
      wanted.emplace_back(arg.substr(0, colon), colon == std::string::npos ? "" : arg.substr(colon + 1));
    }
  }

  const auto executable = cf::host::current_executable();
  cf::host::CacherRegistry registry(
      {(executable.parent_path() / ".." / CF_CACHER_SUBDIR).lexically_normal()});
  if (wanted.empty()) {
    for (const auto& name : registry.names()) wanted.emplace_back(name, name == "json" ? R"({"arrays":"lists"})" : "");
  }

  std::vector<double> values(mib * 1024 * 1024 / sizeof(double));
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = std::sin(static_cast<double>(i) * 1e-3) * 100.0;
  const std::string artifact = cf::encode_artifact(values);

  std::printf("%zu MiB of float64 (%zu bytes encoded), %u hardware threads\n", mib, artifact.size(),
              std::thread::hardware_concurrency());
  std::printf("%-8s %12s %10s %12s %10s %14s\n", "cacher", "write MiB/s", "cores", "read MiB/s", "cores",
              "file MiB");
  int status = 0;
  for (const auto& [name, options] : wanted) {
    try {
      const cf_cacher_api& cacher = registry.get(name);
      const auto path = folder / (std::string("cf_bench_cacher") + cacher.extension);
      const Timing write = measure([&] { cf::host::save(cacher, path, artifact, options); });
      const double size = static_cast<double>(std::filesystem::file_size(path)) / (1024.0 * 1024.0);
      std::string loaded;
      const Timing read = measure([&] { loaded = cf::host::load(cacher, path, options); });
      std::filesystem::remove(path);
      // By value, not by bytes: json gives typed arrays back as plain lists of numbers.
      const bool same = cf::decode_artifact<std::vector<double>>(loaded) == values;
      const double amount = static_cast<double>(artifact.size()) / (1024.0 * 1024.0);
      std::printf("%-8s %12.0f %10.2f %12.0f %10.2f %14.1f%s\n", name.c_str(), amount / write.wall,
                  write.cpu / write.wall, amount / read.wall, read.cpu / read.wall, size,
                  same ? "" : "  (read back DIFFERENT values)");
      if (!same) status = 1;
    } catch (const std::exception& e) {
      std::printf("%-8s failed: %s\n", name.c_str(), e.what());
      status = 1;
    }
  }
  return status;
}
