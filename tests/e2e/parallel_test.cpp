// --parallel end to end: children compute the shares, the parent's full run loads them; the
// cache comes out as a serial run's would, a crashing child is reported with its range and log,
// and two sets with the same hash in different children are computed once.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace cf::test {
namespace {

namespace fs = std::filesystem;

std::string eight_sets(const std::string& shape) {
  std::string yaml;
  for (int i = 0; i < 8; ++i)
    yaml += "- name: s" + std::to_string(i) + "\n  shape: " + shape + "\n  seed: " + std::to_string(i) + "\n";
  return yaml;
}

// Each cache data file (metadata files name their run, so they differ by design) and its bytes.
std::map<std::string, std::string> cached_artifacts(const fs::path& cache) {
  auto files = files_below(cache);
  for (auto& [name, contents] : files) {
    if (name.ends_with("_metadata.json")) contents = "<metadata>";
  }
  return files;
}

std::vector<std::string> trace_lines(const fs::path& file) {
  std::vector<std::string> lines;
  std::istringstream in(read_text(file));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class ParallelRun : public ::testing::TestWithParam<int> {};

TEST_P(ParallelRun, GivesTheCacheOfASerialRun) {
  TempProject serial;
  serial.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  serial.write("params/sets.yaml", eight_sets("report"));
  ASSERT_EQ(serial.experiment("dag_experiment -p sets").exit_code, 0);

  TempProject parallel;
  parallel.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  parallel.write("params/sets.yaml", eight_sets("report"));
  const CommandResult result =
      parallel.experiment("dag_experiment -p sets --parallel " + std::to_string(GetParam()));
  ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
  EXPECT_NE(result.out.find("running " + std::to_string(GetParam()) + " parallel processes"),
            std::string::npos);
  // The full run found everything the children computed.
  EXPECT_NE(result.out.find("run complete: 0 stage calls executed"), std::string::npos) << result.out;

  EXPECT_EQ(cached_artifacts(parallel.root() / "data" / "cache"),
            cached_artifacts(serial.root() / "data" / "cache"));
  // The same reportables in both reports.
  auto reportables = [](const fs::path& reports) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(reports)) {
      if (!entry.is_directory() || entry.path().filename() == "_latest") continue;
      const std::string page = read_text(entry.path() / "index.html");
      for (int record = 0; record < 8; ++record) {
        for (const char* name : {"_show_curve", "_show_numbers", "_show_picture"}) {
          const std::string qualified = std::to_string(record) + name;
          if (page.find(qualified) != std::string::npos) names.push_back(qualified);
        }
      }
    }
    return names;
  };
  EXPECT_EQ(reportables(parallel.root() / "reports"), reportables(serial.root() / "reports"));
  EXPECT_EQ(reportables(parallel.root() / "reports").size(), 24u);

  // One log per child, named by its range.
  std::size_t child_logs = 0;
  for (const auto& entry : fs::directory_iterator(parallel.root() / "logs")) {
    if (entry.path().filename().string().find("_0-") != std::string::npos ||
        entry.path().stem().string().ends_with("-8")) {
      ++child_logs;
    }
  }
  EXPECT_GE(child_logs, 1u);
}

INSTANTIATE_TEST_SUITE_P(Processes, ParallelRun, ::testing::Values(2, 4));

TEST(Parallel, FewerSetsThanProcessesWarns) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml", "- name: a\n  seed: 1\n- name: b\n  seed: 2\n- name: c\n  seed: 3\n");
  const CommandResult result = project.experiment("dag_experiment -p sets --parallel 4");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("WARNING - --parallel 4: only 3 parameter sets, so 3 processes"),
            std::string::npos)
      << result.out;
  std::vector<std::string> ranges;
  for (const auto& entry : fs::directory_iterator(project.root() / "logs")) {
    const std::string stem = entry.path().stem().string();
    for (const char* range : {"_0-1", "_1-2", "_2-3"}) {
      if (stem.ends_with(range)) ranges.push_back(range);
    }
  }
  std::sort(ranges.begin(), ranges.end());
  EXPECT_EQ(ranges, (std::vector<std::string>{"_0-1", "_1-2", "_2-3"}));
}

TEST(Parallel, ACrashingChildIsReportedWithItsRangeAndLog) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write(
      "params/sets.yaml",
      "- name: a\n  seed: 1\n- name: b\n  seed: 2\n- name: c\n  shape: segfault\n- name: d\n  seed: 4\n");
  const CommandResult result = project.experiment("dag_experiment -p sets --parallel 2");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find(
                "the child for sets 2-4 killed by signal 11 (SIGSEGV); its log: logs/dag_experiment_1_"),
            std::string::npos)
      << result.err;
  // The other child finished its share.
  const CommandResult runs = project.experiment("runs --json");
  EXPECT_NE(runs.out.find("\"status\": \"error\""), std::string::npos) << runs.out;
  std::size_t totals = 0;
  for (const auto& entry : fs::recursive_directory_iterator(project.root() / "data" / "cache")) {
    if (entry.path().filename().string().ends_with("_total_sum.msgpack")) ++totals;
  }
  EXPECT_EQ(totals, 2u);
}

TEST(Parallel, ASharedHashIsComputedOnce) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  // Same values, so the same hash, in the two children's shares.
  project.write("params/sets.yaml", "- name: first\n  seed: 7\n- name: second\n  seed: 7\n");
  ScratchFolder trace;
  const std::string file = (trace.path() / "trace").string();
  const CommandResult result =
      project.experiment("dag_experiment -p sets --parallel 2", "CF_TRACE=" + shell_quote(file));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = trace_lines(file);
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                          [](const std::string& l) { return l.rfind("load:", 0) == 0; }),
            1)
      << read_text(file);
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                          [](const std::string& l) { return l.rfind("total:", 0) == 0; }),
            1)
      << read_text(file);
}

// The children rebuild their --global-indices from the parent's selection, which keeps the order
// and repeats the user wrote: each child gets exactly its sets, so the full run has nothing left.
TEST(Parallel, AReorderedSelectionWithRepeatsIsSharedExactly) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml", eight_sets("chain"));
  ScratchFolder trace;
  const std::string file = (trace.path() / "trace").string();
  const CommandResult result = project.experiment(
      "dag_experiment -p sets --global-indices 5 0 0 3 --parallel 3", "CF_TRACE=" + shell_quote(file));
  ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
  EXPECT_NE(result.out.find("running 3 parallel processes"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("run complete: 0 stage calls executed"), std::string::npos) << result.out;
  std::set<std::string> loaded;
  for (const auto& line : trace_lines(file)) {
    if (line.rfind("load:", 0) == 0) loaded.insert(line.substr(5));
  }
  EXPECT_EQ(loaded, (std::set<std::string>{"s0", "s3", "s5"})) << read_text(file);
}

}  // namespace
}  // namespace cf::test
