// Damaged cache files are detected, reported (a WARNING naming the file and what is wrong) and
// recomputed, after which the cache is trusted again; a damaged store database gives a one-line
// error naming it, never a crash.
#include "support/scratch_folder.hpp"
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <sstream>
#include <string>

namespace cf::test {
namespace {

namespace fs = std::filesystem;

struct Damage {
  const char* name;
  std::function<void(const fs::path& data, const fs::path& metadata)> apply;
  const char* reported;  // the reason the WARNING gives
};

void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

class CacheDamage : public ::testing::TestWithParam<Damage> {};

TEST_P(CacheDamage, IsReportedAndRecomputed) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml",
                "- name: a\n  seed: 1\n  size: 1000\n- name: b\n  seed: 2\n  size: 1000\n");
  ASSERT_EQ(project.experiment("dag_experiment -p sets").exit_code, 0);
  const CommandResult hashes = project.experiment("dag_experiment -p sets --hashes");
  const std::string hash_a = hashes.out.substr(0, hashes.out.find(' '));
  const fs::path cache = project.root() / "data" / "cache";
  const fs::path data = cache / ("dag_experiment_" + hash_a + "_total_sum.msgpack");
  const fs::path metadata = cache / ("dag_experiment_" + hash_a + "_total_sum_metadata.json");
  ASSERT_TRUE(fs::exists(data) && fs::exists(metadata));
  const std::string original = read_text(data);

  GetParam().apply(data, metadata);
  ScratchFolder trace;
  const std::string trace_file = (trace.path() / "trace").string();
  const CommandResult damaged =
      project.experiment("dag_experiment -p sets", "CF_TRACE=" + shell_quote(trace_file));
  ASSERT_EQ(damaged.exit_code, 0) << damaged.err;
  EXPECT_NE(damaged.out.find("WARNING - cache file " + data.string() + " is corrupt (" + GetParam().reported),
            std::string::npos)
      << damaged.out;
  EXPECT_EQ(read_text(trace_file), "total:a\n");
  EXPECT_EQ(read_text(data), original);

  const CommandResult again = project.experiment("dag_experiment -p sets");
  EXPECT_NE(again.out.find("run complete: 0 stage calls executed"), std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("WARNING - cache"), std::string::npos) << again.out;
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, CacheDamage,
    ::testing::Values(
        Damage{"truncated",
               [](const fs::path& d, const fs::path&) { fs::resize_file(d, fs::file_size(d) / 2); }, "size "},
        Damage{"bit_flipped",
               [](const fs::path& d, const fs::path&) {
                 std::string bytes = read_text(d);
                 bytes[bytes.size() / 2] ^= 0x10;
                 write_bytes(d, bytes);
               },
               "checksum mismatch"},
        Damage{"zero_length", [](const fs::path& d, const fs::path&) { fs::resize_file(d, 0); },
               "size 0 bytes"},
        Damage{"missing", [](const fs::path& d, const fs::path&) { fs::remove(d); },
               "its metadata is there but the file is not"},
        Damage{"metadata_zero_length", [](const fs::path&, const fs::path& m) { fs::resize_file(m, 0); },
               "the metadata file is not valid JSON"},
        Damage{"metadata_garbage",
               [](const fs::path&, const fs::path& m) { write_bytes(m, "{\"checksum\": \x01\xff"); },
               "the metadata file is not valid JSON"},
        Damage{"metadata_missing", [](const fs::path&, const fs::path& m) { fs::remove(m); },
               "the file is there but its metadata is not"},
        Damage{"metadata_checksum_changed",
               [](const fs::path&, const fs::path& m) {
                 std::string text = read_text(m);
                 const auto at = text.find("xxh3-128:") + 9;
                 text[at] = text[at] == '0' ? '1' : '0';
                 write_bytes(m, text);
               },
               "checksum mismatch"}),
    [](const ::testing::TestParamInfo<Damage>& info) { return std::string(info.param.name); });

class StoreDamage : public ::testing::TestWithParam<const char*> {};

TEST_P(StoreDamage, GivesAOneLineErrorNamingTheStore) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml", "- name: a\n  seed: 1\n");
  ASSERT_EQ(project.experiment("dag_experiment -p sets").exit_code, 0);
  const fs::path store = project.root() / "data" / "store.db";
  const std::string kind = GetParam();
  if (kind == "garbage") {
    std::string bytes = read_text(store);
    for (std::size_t i = 0; i < bytes.size(); i += 7) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
    write_bytes(store, bytes);
  } else {
    fs::resize_file(store, fs::file_size(store) / 3);
  }
  fs::remove(project.root() / "data" / "store.db-wal");
  fs::remove(project.root() / "data" / "store.db-shm");
  for (const char* command : {"dag_experiment -p sets", "runs"}) {
    const CommandResult result = project.experiment(command);
    EXPECT_EQ(result.exit_code, 1) << command << ": " << result.out;
    EXPECT_EQ(result.err.rfind("error: ", 0), 0u) << command << ": " << result.err;
    EXPECT_NE(result.err.find("store.db"), std::string::npos) << command << ": " << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << command << ": " << result.err;
  }
  // The damaged file is left for the user to inspect or restore, not replaced.
  EXPECT_TRUE(fs::exists(store));
  // Not checked by ~TempProject: it is damaged on purpose.
  fs::rename(store, project.root() / "data" / "store.db.damaged");
}

INSTANTIATE_TEST_SUITE_P(Kinds, StoreDamage, ::testing::Values("garbage", "truncated"));

}  // namespace
}  // namespace cf::test
