// Write and read throughput of every cacher on one large typed array (1 GiB of doubles by
// default), through the same C ABI calls a run makes. Prints one row per cacher: MiB/s each
// way, how many cores each direction kept busy (CPU time over wall time), and the file size.
// With --runs R each direction is measured R times and the median run is shown.
//
//   cf_bench_cachers [--mib N] [--folder DIR] [--runs R] [--data sine|rounded]
//                    [--export FILE] [--json FILE] [cacher[:options-json]]...
//
// The name `plain` measures the limit the cachers are compared with: write(2) of the same
// bytes to a new file in the same folder, and read(2) of that file into fresh memory.
//
// --data: `sine` (default) is a smooth signal whose doubles barely compress; `rounded` is the
// same signal rounded to whole numbers, which compresses well. --export writes the encoded
// artifact (the bytes the raw cacher stores) to FILE first, so a plain copy of the same bytes
// can be timed beside it; --json writes the rows as a JSON array as well.
//
// With no cachers named, every cacher found next to the binary is measured (json with
// {"arrays": "lists"}, since a typed array is not JSON-shaped otherwise).
#include "cache/cacher_registry.hpp"

#include <curifactory/artifact.hpp>

#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
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

// The run with the median wall time (the lower middle one for an even count).
Timing median(std::vector<Timing> runs) {
  std::sort(runs.begin(), runs.end(), [](const Timing& a, const Timing& b) { return a.wall < b.wall; });
  return runs[(runs.size() - 1) / 2];
}

struct Row {
  std::string cacher;
  std::string options;
  Timing write;
  Timing read;
  double file_mib = 0;
  bool same = true;
};

void write_json(const std::filesystem::path& file, const std::vector<Row>& rows, double mib,
                const std::string& data) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> json(buffer);
  json.StartArray();
  for (const Row& row : rows) {
    json.StartObject();
    json.Key("cacher");
    json.String(row.cacher.c_str());
    json.Key("options");
    json.String(row.options.c_str());
    json.Key("data");
    json.String(data.c_str());
    json.Key("write_mib_s");
    json.Double(mib / row.write.wall);
    json.Key("write_cores");
    json.Double(row.write.cpu / row.write.wall);
    json.Key("read_mib_s");
    json.Double(mib / row.read.wall);
    json.Key("read_cores");
    json.Double(row.read.cpu / row.read.wall);
    json.Key("file_mib");
    json.Double(row.file_mib);
    json.Key("same_values");
    json.Bool(row.same);
    json.EndObject();
  }
  json.EndArray();
  std::ofstream(file) << buffer.GetString() << "\n";
}

// The limit a cacher is compared with (the row named "plain"): the same bytes written with
// write(2) to a new file in the same folder, and read back with read(2) into fresh memory of
// the file's size, as a load's result must be. Nothing is done to the bytes.
void plain_save(const std::filesystem::path& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw std::runtime_error(path.string() + ": cannot be created");
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written <= 0) {
      ::close(fd);
      throw std::runtime_error(path.string() + ": cannot be written");
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  if (::close(fd) != 0) throw std::runtime_error(path.string() + ": cannot be written");
}

struct PlainBytes {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
};

PlainBytes plain_load(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(path.string() + ": cannot be read");
  struct stat facts {};
  ::fstat(fd, &facts);
  PlainBytes bytes{std::make_unique_for_overwrite<char[]>(static_cast<std::size_t>(facts.st_size)), 0};
  while (bytes.size < static_cast<std::size_t>(facts.st_size)) {
    const ssize_t count =
        ::read(fd, bytes.data.get() + bytes.size, static_cast<std::size_t>(facts.st_size) - bytes.size);
    if (count <= 0) {
      ::close(fd);
      throw std::runtime_error(path.string() + ": cannot be read");
    }
    bytes.size += static_cast<std::size_t>(count);
  }
  ::close(fd);
  return bytes;
}

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "cf_bench_cachers: %s\n", message.c_str());
  std::exit(2);
}

std::size_t count_of(const std::string& flag, const char* text) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < 1)
    usage_error(flag + " '" + text + "': expected a whole number >= 1");
  return static_cast<std::size_t>(value);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mib = 1024;
  std::size_t runs = 1;
  std::string data = "sine";
  std::filesystem::path folder = std::filesystem::temp_directory_path();
  std::filesystem::path export_file;
  std::filesystem::path json_file;
  std::vector<std::pair<std::string, std::string>> wanted;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--mib" && has_value) {
      mib = count_of(arg, argv[++i]);
    } else if (arg == "--runs" && has_value) {
      runs = count_of(arg, argv[++i]);
    } else if (arg == "--folder" && has_value) {
      folder = argv[++i];
    } else if (arg == "--data" && has_value) {
      data = argv[++i];
      if (data != "sine" && data != "rounded") usage_error("--data '" + data + "': expected sine or rounded");
    } else if (arg == "--export" && has_value) {
      export_file = argv[++i];
    } else if (arg == "--json" && has_value) {
      json_file = argv[++i];
    } else if (arg.rfind("--", 0) == 0) {
      usage_error(arg + ": unknown flag or missing value");
    } else {
      const auto colon = arg.find(':');
      wanted.emplace_back(arg.substr(0, colon), colon == std::string::npos ? "" : arg.substr(colon + 1));
    }
  }

  const auto executable = cf::host::current_executable();
  cf::host::CacherRegistry registry(
      {(executable.parent_path() / ".." / CF_CACHER_SUBDIR).lexically_normal()});
  if (wanted.empty()) {
    for (const auto& name : registry.names())
      wanted.emplace_back(name, name == "json" ? R"({"arrays":"lists"})" : "");
  }

  std::vector<double> values(mib * 1024 * 1024 / sizeof(double));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double signal = std::sin(static_cast<double>(i) * 1e-3) * 100.0;
    values[i] = data == "rounded" ? std::round(signal) : signal;
  }
  const std::string artifact = cf::encode_artifact(values);
  if (!export_file.empty()) {
    std::ofstream out(export_file, std::ios::binary);
    out.write(artifact.data(), static_cast<std::streamsize>(artifact.size()));
    if (!out.flush()) usage_error("--export " + export_file.string() + ": cannot be written");
  }

  std::printf("%zu MiB of float64 (%s, %zu bytes encoded), %u hardware threads, median of %zu run(s)\n", mib,
              data.c_str(), artifact.size(), std::thread::hardware_concurrency(), runs);
  std::printf("%-8s %12s %10s %12s %10s %14s\n", "cacher", "write MiB/s", "cores", "read MiB/s", "cores",
              "file MiB");
  const double amount = static_cast<double>(artifact.size()) / (1024.0 * 1024.0);
  std::vector<Row> rows;
  int status = 0;
  for (const auto& [name, options] : wanted) {
    try {
      const bool plain = name == "plain";
      const cf_cacher_api* cacher = plain ? nullptr : &registry.get(name);
      const auto path = folder / (std::string("cf_bench_cacher") + (plain ? ".bin" : cacher->extension));
      Row row;
      row.cacher = name;
      row.options = options;
      std::vector<Timing> writes;
      std::vector<Timing> reads;
      for (std::size_t run = 0; run < runs; ++run) {
        writes.push_back(measure([&] {
          if (plain) {
            plain_save(path, artifact);
          } else {
            cf::host::save(*cacher, path, artifact, options);
          }
        }));
        row.file_mib = static_cast<double>(std::filesystem::file_size(path)) / (1024.0 * 1024.0);
        std::string loaded;
        if (plain) {
          PlainBytes bytes;
          reads.push_back(measure([&] { bytes = plain_load(path); }));
          loaded.assign(bytes.data.get(), bytes.size);
        } else {
          reads.push_back(measure([&] { loaded = cf::host::load(*cacher, path, options); }));
        }
        std::filesystem::remove(path);
        // By value, not by bytes: json gives typed arrays back as plain lists of numbers.
        row.same = row.same && cf::decode_artifact<std::vector<double>>(loaded) == values;
      }
      row.write = median(writes);
      row.read = median(reads);
      std::printf("%-8s %12.0f %10.2f %12.0f %10.2f %14.1f%s\n", name.c_str(), amount / row.write.wall,
                  row.write.cpu / row.write.wall, amount / row.read.wall, row.read.cpu / row.read.wall,
                  row.file_mib, row.same ? "" : "  (read back DIFFERENT values)");
      if (!row.same) status = 1;
      rows.push_back(row);
    } catch (const std::exception& e) {
      std::printf("%-8s failed: %s\n", name.c_str(), e.what());
      status = 1;
    }
  }
  if (!json_file.empty()) write_json(json_file, rows, amount, data);
  return status;
}
