// The `zstd` cacher through the real built plugin: round trips of every kind of artifact the
// SDK writes, the file being a standard zstd frame other tools read, its options, and the
// errors for damaged files.
#include "support/cacher_harness.hpp"
#include "support/error_of.hpp"

#include <curifactory/artifact.hpp>

#include <gtest/gtest.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace cacher_zstd_test {

using cf::test::CacherHarness;
using cf::test::contains;
using cf::test::error_of;
using cf::test::read_text;

struct Metrics {
  std::string model;
  std::vector<double> losses;
  std::map<std::string, std::int64_t> counts;
  cf::Array<float> confusion;
  friend bool operator==(const Metrics&, const Metrics&) = default;
};
CF_FIELDS(Metrics, model, losses, counts, confusion);

constexpr std::size_t kMiB = std::size_t{1} << 20;

void write_bytes(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Doubles that look like measurements: compressible, but not trivially.
std::vector<double> noisy_series(std::size_t count, std::uint64_t seed = 7) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> noise(0.0, 0.01);
  std::vector<double> values(count);
  for (std::size_t i = 0; i < count; ++i) values[i] = static_cast<double>(i % 1000) * 0.5 + noise(random);
  return values;
}

// Words drawn from a small vocabulary: text where a stronger level finds more to remove.
std::vector<std::string> word_salad(std::size_t count) {
  const std::vector<std::string> vocabulary{"alpha", "beta",  "gamma",   "delta", "epsilon", "zeta",
                                            "eta",   "theta", "iota",    "kappa", "lambda",  "mu",
                                            "nu",    "xi",    "omicron", "pi",    "rho",     "sigma"};
  std::mt19937 random(11);
  std::uniform_int_distribution<std::size_t> pick(0, vocabulary.size() - 1);
  std::vector<std::string> words(count);
  for (auto& word : words) word = vocabulary[pick(random)] + std::to_string(pick(random));
  return words;
}

// The content size recorded in a zstd frame header (RFC 8878, 3.1.1.1), or -1 without one.
std::int64_t frame_content_size(const std::string& file) {
  if (file.size() < 6) return -1;
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(file.at(i)); };
  const unsigned descriptor = byte(4);
  const unsigned size_flag = descriptor >> 6;
  const bool single_segment = (descriptor >> 5) & 1;
  const std::size_t dictionary_bytes[] = {0, 1, 2, 4};
  std::size_t at = 5 + (single_segment ? 0 : 1) + dictionary_bytes[descriptor & 3];
  const std::size_t field_bytes[] = {single_segment ? 1u : 0u, 2, 4, 8};
  const std::size_t width = field_bytes[size_flag];
  if (width == 0) return -1;
  std::uint64_t size = 0;
  for (std::size_t i = 0; i < width; ++i) size |= std::uint64_t{byte(at + i)} << (8 * i);
  return static_cast<std::int64_t>(size_flag == 1 ? size + 256 : size);
}

TEST(CacherZstd, IsBuiltWithItsNameAndExtension) {
  CacherHarness harness;
  ASSERT_TRUE(harness.registry().has("zstd"));
  EXPECT_EQ(harness.registry().file("zstd").filename(), "zstd.so");
  const cf_cacher_api& zstd = harness.registry().get("zstd");
  EXPECT_STREQ(zstd.name, "zstd");
  EXPECT_STREQ(zstd.extension, ".msgpack.zst");
}

TEST(CacherZstd, RoundTripsScalarsAndStrings) {
  CacherHarness harness;
  EXPECT_EQ(harness.round_trip("zstd", 42), 42);
  EXPECT_EQ(harness.round_trip("zstd", std::int64_t{-9'000'000'000}), -9'000'000'000);
  EXPECT_EQ(harness.round_trip("zstd", UINT64_MAX), UINT64_MAX);
  EXPECT_EQ(harness.round_trip("zstd", 2.5), 2.5);
  EXPECT_EQ(harness.round_trip("zstd", true), true);
  EXPECT_EQ(harness.round_trip("zstd", std::string()), "");
  const std::string text("caf\xc3\xa9 with a \0 inside", 21);
  EXPECT_EQ(harness.round_trip("zstd", text), text);
}

TEST(CacherZstd, RoundTripsNestedContainers) {
  CacherHarness harness;
  const std::map<std::string, std::vector<std::map<std::string, int>>> nested{
      {"train", {{{"a", 1}, {"b", 2}}, {}}}, {"test", {}}, {"", {{{"z", -3}}}}};
  EXPECT_EQ(harness.round_trip("zstd", nested), nested);
  const std::vector<std::vector<std::string>> table{{"x", "y"}, {}, {"long " + std::string(5000, 'q')}};
  EXPECT_EQ(harness.round_trip("zstd", table), table);
}

TEST(CacherZstd, RoundTripsAFieldsStruct) {
  CacherHarness harness;
  const Metrics metrics{"resnet",
                        {0.9, 0.5, 0.25},
                        {{"epochs", 3}, {"seen", 1'000'000'000'000}},
                        cf::Array<float>({2, 2}, {5, 1, 0, 6})};
  EXPECT_EQ(harness.round_trip("zstd", metrics), metrics);
}

TEST(CacherZstd, RoundTripsTypedArraysAndBlobs) {
  CacherHarness harness;
  const auto series = noisy_series(10'000);
  EXPECT_EQ(harness.round_trip("zstd", series), series);
  cf::Array<std::int32_t> grid({300, 7});
  for (std::size_t i = 0; i < grid.data.size(); ++i)
    grid.data[i] = static_cast<std::int32_t>(i * 7919 % 100'003) - 50'000;
  EXPECT_EQ(harness.round_trip("zstd", grid), grid);
  cf::Blob blob;
  for (int i = 0; i < 100'000; ++i) blob.bytes.push_back(static_cast<std::uint8_t>((i * 31) ^ (i >> 5)));
  EXPECT_EQ(harness.round_trip("zstd", blob), blob);
  EXPECT_EQ(harness.round_trip("zstd", cf::Blob{}), cf::Blob{});
}

// 64 MiB is many compression jobs for the workers and many 1 MiB chunks each way.
TEST(CacherZstd, RoundTripsA64MiBVectorInChunks) {
  CacherHarness harness;
  const auto values = noisy_series(64 * kMiB / sizeof(double));
  const std::string encoded = cf::encode_artifact(values);
  const auto path = harness.save("zstd", encoded, "large", R"({"workers": 2})");
  EXPECT_LT(std::filesystem::file_size(path), encoded.size());

  // Straight through the C ABI, to see the load arrive piece by piece rather than all at once.
  struct Collected {
    std::string bytes;
    std::size_t writes = 0;
    std::size_t largest = 0;
  } collected;
  const cf_sink out{&collected, [](void* ctx, const char* data, std::size_t size) {
                      auto& c = *static_cast<Collected*>(ctx);
                      c.bytes.append(data, size);
                      ++c.writes;
                      c.largest = std::max(c.largest, size);
                    }};
  std::string error;
  const cf_sink error_sink{&error, [](void* ctx, const char* data, std::size_t size) {
                             static_cast<std::string*>(ctx)->append(data, size);
                           }};
  const std::string file = path.string();
  const cf_cacher_api& zstd = harness.registry().get("zstd");
  ASSERT_EQ(zstd.load({file.data(), file.size()}, {nullptr, 0}, out, error_sink), CF_OK) << error;
  EXPECT_GE(collected.writes, 64u);
  EXPECT_LE(collected.largest, kMiB);
  ASSERT_EQ(collected.bytes.size(), encoded.size());
  EXPECT_TRUE(collected.bytes == encoded);
  EXPECT_TRUE(cf::decode_artifact<std::vector<double>>(collected.bytes) == values);
}

TEST(CacherZstd, WritesAChecksummedZstdFrameRecordingTheContentSize) {
  CacherHarness harness;
  for (std::size_t count :
       {std::size_t{1}, std::size_t{100}, 300 * 1024 / sizeof(double), 3 * kMiB / sizeof(double)}) {
    const std::string encoded = cf::encode_artifact(noisy_series(count));
    const std::string file = read_text(harness.save("zstd", encoded, "frame", R"({"workers": 2})"));
    ASSERT_GE(file.size(), 4u);
    EXPECT_EQ(file.substr(0, 4), "\x28\xb5\x2f\xfd") << count;
    EXPECT_EQ(frame_content_size(file), static_cast<std::int64_t>(encoded.size())) << count;
    EXPECT_TRUE(static_cast<std::uint8_t>(file[4]) & 4) << "no content checksum for " << count;
  }
}

// What a reader reserves before the decompressed pieces arrive comes from the frame header. A
// header that claims an impossible size costs nothing: the reservation is skipped and the load
// reports the damage, not a failed allocation.
TEST(CacherZstd, AnswersTheArtifactSizeFromTheFrameHeader) {
  CacherHarness harness;
  const cf_cacher_api& zstd = harness.registry().get("zstd");
  ASSERT_NE(zstd.load_size, nullptr);
  for (std::size_t count : {std::size_t{1}, 3 * kMiB / sizeof(double)}) {
    const std::string encoded = cf::encode_artifact(noisy_series(count));
    const auto path = harness.save("zstd", encoded, "sized");
    EXPECT_EQ(cf::host::load_size_hint(zstd, path, ""), encoded.size()) << count;
    EXPECT_EQ(harness.load("zstd", path), encoded) << count;
  }
  const auto folder = harness.folder();
  EXPECT_EQ(cf::host::load_size_hint(zstd, folder / "missing.msgpack.zst", ""), 0u);
  // Not a zstd file: the host guesses from the file's size, a little above it.
  write_bytes(folder / "plain.msgpack.zst", std::string(1000, 'x'));
  EXPECT_GE(cf::host::load_size_hint(zstd, folder / "plain.msgpack.zst", ""), 1000u);

  // Magic number, then a descriptor for an 8-byte content size in a single segment: 2^62 bytes.
  std::string liar("\x28\xb5\x2f\xfd\xe0", 5);
  for (int i = 0; i < 8; ++i) liar += static_cast<char>(i == 7 ? 0x40 : 0);
  liar += std::string(64, '\x55');
  write_bytes(folder / "liar.msgpack.zst", liar);
  EXPECT_EQ(cf::host::load_size_hint(zstd, folder / "liar.msgpack.zst", ""), std::uint64_t{1} << 62);
  const std::string error = error_of([&] { harness.load("zstd", folder / "liar.msgpack.zst"); });
  EXPECT_TRUE(contains(error, "cacher 'zstd' could not load ")) << error;
  EXPECT_TRUE(contains(error, "zstd")) << error;
  EXPECT_FALSE(contains(error, "alloc")) << error;
  EXPECT_FALSE(contains(error, "reserve")) << error;
}

TEST(CacherZstd, RepetitiveArtifactCompressesFar) {
  CacherHarness harness;
  std::vector<double> pattern(8 * kMiB / sizeof(double));
  for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<double>(i % 16) * 0.5;
  const std::string encoded = cf::encode_artifact(pattern);
  const auto path = harness.save("zstd", encoded);
  EXPECT_LT(std::filesystem::file_size(path), encoded.size() / 100) << std::filesystem::file_size(path);
  EXPECT_TRUE(harness.load("zstd", path) == encoded);
}

TEST(CacherZstd, LevelAndWorkersOptionsTakeEffect) {
  CacherHarness harness;
  const auto words = word_salad(100'000);  // about 1 MiB: enough for the workers to start
  const std::string encoded = cf::encode_artifact(words);
  std::map<std::string, std::uintmax_t> sizes;
  for (const std::string options :
       {R"({"level": 1})", R"({"level": 19})", R"({"workers": 0})", R"({"level": 19, "workers": 0})",
        R"({"level": -5, "workers": 1})", R"({"level": 9, "workers": 2})", "{}"}) {
    const auto path = harness.save("zstd", encoded, "options", options);
    sizes[options] = std::filesystem::file_size(path);
    EXPECT_TRUE(harness.load("zstd", path, options) == encoded) << options;
  }
  // Proof the level reaches zstd: a stronger one writes a smaller file, a negative one a larger.
  EXPECT_LT(sizes[R"({"level": 19})"], sizes[R"({"level": 1})"]);
  EXPECT_GT(sizes[R"({"level": -5, "workers": 1})"], sizes[R"({"level": 1})"]);
}

TEST(CacherZstd, BadOptionsAreOneLineErrorsNamingTheOption) {
  CacherHarness harness;
  const std::string artifact = cf::encode_artifact(1);
  const auto save_error = [&](const std::string& options) {
    return error_of([&] { harness.save("zstd", artifact, "bad", options); });
  };
  const std::string unknown = save_error(R"({"levle": 3})");
  EXPECT_TRUE(contains(unknown, "cacher 'zstd' could not save ")) << unknown;
  EXPECT_TRUE(contains(unknown, ": cacher 'zstd' has no option 'levle' (options: level, workers)"))
      << unknown;

  EXPECT_TRUE(contains(save_error(R"({"level": "high"})"),
                       "cacher 'zstd' option 'level' must be an integer from -131072 to 22, not \"high\""))
      << save_error(R"({"level": "high"})");
  EXPECT_TRUE(contains(save_error(R"({"level": 23})"),
                       "option 'level' must be an integer from -131072 to 22, not 23"));
  EXPECT_TRUE(contains(save_error(R"({"level": -131073})"), "not -131073"));
  EXPECT_TRUE(contains(save_error(R"({"level": 3.0})"),
                       "option 'level' must be an integer from -131072 to 22, not 3.0"));
  EXPECT_TRUE(
      contains(save_error(R"({"level": 99999999999999999999})"), "option 'level' must be an integer"));
  const std::string workers = save_error(R"({"workers": -1})");
  EXPECT_TRUE(contains(workers, "cacher 'zstd' option 'workers' must be an integer from 0 to ")) << workers;
  EXPECT_TRUE(contains(workers, ", not -1")) << workers;
  EXPECT_TRUE(contains(save_error(R"({"workers": true})"), "option 'workers' must be an integer from 0 to "));
  EXPECT_TRUE(contains(save_error(R"({"workers": 100000})"), ", not 100000"));
  for (const std::string options : {R"({"levle": 3})", R"({"level": "high"})", R"({"workers": -1})"}) {
    EXPECT_EQ(save_error(options).find('\n'), std::string::npos) << options;
  }
  // No file is left behind by a refused save.
  EXPECT_FALSE(std::filesystem::exists(harness.folder() / "bad.msgpack.zst"));

  // Load checks the same options, so a typo is caught whichever way the artifact goes.
  const auto path = harness.save("zstd", artifact);
  const std::string on_load = error_of([&] { harness.load("zstd", path, R"({"level": 40})"); });
  EXPECT_TRUE(contains(on_load, "cacher 'zstd' could not load " + path.string() + ": ")) << on_load;
  EXPECT_TRUE(contains(on_load, "option 'level' must be an integer from -131072 to 22, not 40")) << on_load;
}

TEST(CacherZstd, DamagedFilesAreOneLineErrorsNamingThePath) {
  CacherHarness harness;
  const std::string encoded = cf::encode_artifact(noisy_series(200'000));
  const auto good = harness.save("zstd", encoded, "good", R"({"workers": 0})");
  const std::string compressed = read_text(good);
  const auto folder = harness.folder();
  const auto load_error = [&](const std::filesystem::path& path) {
    const std::string error = error_of([&] { harness.load("zstd", path); });
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    EXPECT_TRUE(
        contains(error, "cacher 'zstd' could not load " + path.string() + ": " + path.string() + ": "))
        << error;
    return error;
  };

  std::string corrupt = compressed;
  for (std::size_t i = corrupt.size() / 2; i < corrupt.size() / 2 + 16; ++i)
    corrupt[i] = static_cast<char>(~corrupt[i]);
  write_bytes(folder / "corrupt.msgpack.zst", corrupt);
  const std::string corrupted = load_error(folder / "corrupt.msgpack.zst");
  EXPECT_TRUE(contains(corrupted, ": corrupt zstd data: ")) << corrupted;

  // A single flipped bit in the last byte hits only the checksum, which must still be noticed.
  std::string checksum = compressed;
  checksum.back() = static_cast<char>(checksum.back() ^ 1);
  write_bytes(folder / "checksum.msgpack.zst", checksum);
  const std::string mismatch = load_error(folder / "checksum.msgpack.zst");
  EXPECT_TRUE(contains(mismatch, ": corrupt zstd data: Restored data doesn't match checksum")) << mismatch;

  for (std::size_t size : {compressed.size() / 2, compressed.size() - 1, std::size_t{8}}) {
    const auto path = folder / ("cut" + std::to_string(size) + ".msgpack.zst");
    write_bytes(path, compressed.substr(0, size));
    const std::string truncated = load_error(path);
    EXPECT_TRUE(contains(truncated, ": truncated zstd file (it ends inside a frame)")) << truncated;
  }

  write_bytes(folder / "plain.msgpack.zst", encoded);  // what the raw cacher writes
  const std::string plain = load_error(folder / "plain.msgpack.zst");
  EXPECT_TRUE(contains(plain, ": not a zstd file (Unknown frame descriptor)")) << plain;
  write_bytes(folder / "empty.msgpack.zst", "");
  EXPECT_TRUE(contains(load_error(folder / "empty.msgpack.zst"), ": empty file, not a zstd file"));
  write_bytes(folder / "short.msgpack.zst", "\x28\xb5");
  EXPECT_TRUE(contains(load_error(folder / "short.msgpack.zst"), ": not a zstd file (only 2 bytes)"));
  // Data after the frame is not silently dropped.
  write_bytes(folder / "trailing.msgpack.zst", compressed + "junk");
  EXPECT_TRUE(contains(load_error(folder / "trailing.msgpack.zst"), ": corrupt zstd data: "));

  const std::string missing = load_error(folder / "missing.msgpack.zst");
  EXPECT_TRUE(contains(missing, ": cannot be read: No such file or directory")) << missing;
}

// Other tools read what the cacher writes, and the cacher reads what they write: Debian's
// Python with zstandard when it has it, else the zstd command line tool.
TEST(CacherZstd, InteroperatesWithOtherZstdTools) {
  CacherHarness harness;
  const auto folder = harness.folder();
  const bool python = cf::test::run_shell(folder, "/usr/bin/python3 -I -c 'import zstandard'").exit_code == 0;
  const bool tool = cf::test::run_shell(folder, "command -v zstd").exit_code == 0;
  if (!python && !tool)
    GTEST_SKIP() << "neither Debian's Python with zstandard nor the zstd tool is installed";
  // The tool writes with -o: run_shell sends stdout to its own capture file.
  const auto decompress = [&](const std::filesystem::path& file, const std::filesystem::path& target) {
    if (python) {
      return cf::test::run_python(
          folder,
          "import sys, zstandard\n"
          "data = open(sys.argv[1], 'rb').read()\n"
          "open(sys.argv[2], 'wb').write(zstandard.ZstdDecompressor().decompress(data))\n",
          cf::test::shell_quote(file.string()) + " " + cf::test::shell_quote(target.string()));
    }
    return cf::test::run_shell(folder, "zstd -q -d -f " + cf::test::shell_quote(file.string()) + " -o " +
                                           cf::test::shell_quote(target.string()));
  };
  const auto compress = [&](const std::filesystem::path& file, const std::filesystem::path& target) {
    if (python) {
      return cf::test::run_python(
          folder,
          "import sys, zstandard\n"
          "data = open(sys.argv[1], 'rb').read()\n"
          "open(sys.argv[2], 'wb').write(zstandard.ZstdCompressor(level=9).compress(data))\n",
          cf::test::shell_quote(file.string()) + " " + cf::test::shell_quote(target.string()));
    }
    return cf::test::run_shell(folder, "zstd -q -9 -f " + cf::test::shell_quote(file.string()) + " -o " +
                                           cf::test::shell_quote(target.string()));
  };

  const Metrics metrics{
      "interop", noisy_series(400'000), {{"n", 400'000}}, cf::Array<float>({3, 1}, {1, 2, 3})};
  const std::string encoded = cf::encode_artifact(metrics);
  for (const std::string options : {R"({"workers": 0})", R"({"workers": 2, "level": 5})"}) {
    const auto saved = harness.save("zstd", encoded, "interop", options);
    const auto plain = folder / "interop.msgpack";
    const auto result = decompress(saved, plain);
    ASSERT_EQ(result.exit_code, 0) << options << ": " << result.err;
    EXPECT_TRUE(read_text(plain) == encoded) << options << ": " << read_text(plain).size() << " bytes";
  }

  const auto plain = folder / "theirs.msgpack";
  const auto theirs = folder / "theirs.msgpack.zst";
  write_bytes(plain, encoded);
  const auto result = compress(plain, theirs);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(cf::decode_artifact<Metrics>(harness.load("zstd", theirs)), metrics);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU time of the whole process, so zstd's worker threads count too.
double process_cpu_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// A line of /proc/self/status in kB ("VmHWM", "VmRSS"), or -1 where the kernel lacks it.
long status_kib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

// Starts a new peak-memory window, so VmHWM afterwards shows what one call added on top.
void reset_peak_memory() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

// A measurement, not a check: run with --gtest_also_run_disabled_tests
// --gtest_filter='CacherZstd.DISABLED_*' to time a 1 GiB artifact at level 3, raw as baseline.
// The cacher is called directly and loads into a sink that only counts, so the numbers are the
// cacher's own, without the host's fsync or the string a host load collects into.
TEST(CacherZstd, DISABLED_TimesAGibibyteArtifact) {
  CacherHarness harness;
  for (const bool random : {false, true}) {
    std::vector<double> values(std::size_t{1} << 27);
    std::mt19937_64 generator(3);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (std::size_t i = 0; i < values.size(); ++i)
      values[i] = random ? uniform(generator) : static_cast<double>(i) * 0.5;
    const std::string encoded = cf::encode_artifact(values);
    values = {};
    const std::pair<std::string, std::string> runs[] = {
        {"raw", ""}, {"zstd", R"({"level": 3, "workers": 2})"}, {"zstd", R"({"level": 3, "workers": 0})"}};
    for (const auto& [name, options] : runs) {
      const cf_cacher_api& cacher = harness.registry().get(name);
      const auto path = harness.folder() / ("gibibyte" + std::string(cacher.extension));
      // Into /dev/null first: the cost of compressing alone, without the page cache or the disk.
      const auto discard_start = std::chrono::steady_clock::now();
      const double discard_cpu = process_cpu_seconds();
      cf::host::save(cacher, "/dev/null", encoded, options);
      const double compress_wall = seconds_since(discard_start);
      const double compress_cpu = process_cpu_seconds() - discard_cpu;

      reset_peak_memory();
      const long before = status_kib("VmRSS");
      const auto wall = std::chrono::steady_clock::now();
      const double cpu = process_cpu_seconds();
      cf::host::save(cacher, path, encoded, options);
      const double save_wall = seconds_since(wall);
      const double save_cpu = process_cpu_seconds() - cpu;
      const long save_peak = status_kib("VmHWM") - before;

      std::size_t loaded = 0;
      const cf_sink counter{
          &loaded, [](void* ctx, const char*, std::size_t size) { *static_cast<std::size_t*>(ctx) += size; }};
      reset_peak_memory();
      const long load_before = status_kib("VmRSS");
      const auto load_start = std::chrono::steady_clock::now();
      const double load_cpu_start = process_cpu_seconds();
      cf::host::load_into(cacher, path, options, counter);
      const double load_wall = seconds_since(load_start);
      const double load_cpu = process_cpu_seconds() - load_cpu_start;
      const long load_peak = status_kib("VmHWM") - load_before;
      EXPECT_EQ(loaded, encoded.size()) << name << " " << options;
      std::cout << (random ? "random " : "i*0.5  ") << name << " " << options << ": " << encoded.size()
                << " -> " << std::filesystem::file_size(path) << " bytes; to /dev/null " << compress_wall
                << " s wall, " << compress_cpu << " s CPU; save " << save_wall << " s wall, " << save_cpu
                << " s CPU, +" << save_peak / 1024 << " MiB peak; load " << load_wall << " s wall, "
                << load_cpu << " s CPU, +" << load_peak / 1024 << " MiB peak" << std::endl;
      std::filesystem::remove(path);
    }
  }
}

}  // namespace cacher_zstd_test
