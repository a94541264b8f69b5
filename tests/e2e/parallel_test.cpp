// --parallel end to end: children compute the shares, the parent's full run loads them; the
// cache, the decisions and the report come out as a serial run's would, for every overwrite
// flag and after a code change; a crashing child is reported with its range and log, and two
// sets with the same hash in different children are computed once.
#include "support/parity_scenario.hpp"
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
  // The children executed everything; the full run loaded it, and counts it as a serial run does.
  EXPECT_NE(
      result.out.find("run complete: 16 stage calls executed (16 of them by the run's shares), 0 loaded"),
      std::string::npos)
      << result.out;

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

std::string sets_of_shape(int count, const std::string& shape) {
  std::string yaml;
  for (int i = 0; i < count; ++i)
    yaml += "- name: s" + std::to_string(i) + "\n  shape: " + shape + "\n  seed: " + std::to_string(i) + "\n";
  return yaml;
}

// Every overwrite flag, and the code of an aggregate and of a middle stage changing, as in the
// issue that found the final run loading a stale aggregate: each step decides as a serial run.
std::vector<ParityStep> overwrite_steps() {
  return {
      {"", "", "cold run"},
      {"", "", "everything cached"},
      {"--overwrite", "", "--overwrite"},
      {"--overwrite-stage compare", "CF_AGGREGATE_VERSION=2", "the aggregate's code changed"},
      {"--overwrite-stage scale", "CF_AGGREGATE_VERSION=2 CF_SCALE=3", "a middle stage's code changed"},
      {"", "CF_AGGREGATE_VERSION=3", "code changed without a flag: the original loads the cache"},
      {"--overwrite-stage total", "CF_AGGREGATE_VERSION=3", "the aggregate's input stage"},
  };
}

class ParallelParity : public ::testing::TestWithParam<int> {};

TEST_P(ParallelParity, EveryOverwriteFlagDecidesAsASerialRun) {
  expect_serial_parity("dag_experiment", sets_of_shape(6, "aggregate"), "dag_experiment -p sets",
                       "--parallel " + std::to_string(GetParam()), overwrite_steps());
}

TEST_P(ParallelParity, WithoutTheMapPassToo) {
  expect_serial_parity("dag_experiment", sets_of_shape(6, "aggregate"), "dag_experiment -p sets --no-dag",
                       "--parallel " + std::to_string(GetParam()),
                       {{"", "", "cold run"},
                        {"", "", "everything cached"},
                        {"--overwrite-stage scale", "CF_SCALE=5", "a middle stage's code changed"},
                        {"--overwrite", "", "--overwrite"}});
}

TEST_P(ParallelParity, AggregatesOverAggregatesAndRecordsWithoutParameters) {
  expect_serial_parity(
      "dag_experiment", sets_of_shape(5, "nested"), "dag_experiment -p sets",
      "--parallel " + std::to_string(GetParam()),
      {{"", "", "cold run"},
       {"", "", "everything cached"},
       {"--overwrite-stage compare", "CF_AGGREGATE_VERSION=4", "the inner aggregates' code"}});
  expect_serial_parity("dag_experiment", sets_of_shape(4, "bare"), "dag_experiment -p sets",
                       "--parallel " + std::to_string(GetParam()),
                       {{"", "", "cold run"}, {"", "", "the records without parameters execute again"}});
}

INSTANTIATE_TEST_SUITE_P(Processes, ParallelParity, ::testing::Values(2, 3));

// The shares never compute an aggregate over their own part of the records: before, each child
// cached a partial `compare` under a name the final run could later be served.
TEST(Parallel, SharesComputeNoAggregate) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml", sets_of_shape(4, "aggregate"));
  ScratchFolder trace;
  const std::string file = (trace.path() / "trace").string();
  const CommandResult result =
      project.experiment("dag_experiment -p sets --parallel 2", "CF_TRACE=" + shell_quote(file));
  ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
  const auto lines = trace_lines(file);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "compare:None"), 1) << read_text(file);
  std::size_t rankings = 0;
  for (const auto& entry : fs::recursive_directory_iterator(project.root() / "data" / "cache")) {
    if (entry.path().filename().string().ends_with("_compare_ranking.msgpack")) ++rankings;
  }
  EXPECT_EQ(rankings, 1u);
  // The plan the shares followed stays beside their logs.
  bool plan = false;
  for (const auto& entry : fs::directory_iterator(project.root() / "logs"))
    plan = plan || entry.path().filename().string().ends_with("_shares.json");
  EXPECT_TRUE(plan);
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
  // Set 0's second record loads what its first one made, as in a serial run.
  EXPECT_NE(result.out.find("run complete: 9 stage calls executed (9 of them by the run's shares), 3 loaded "
                            "from cache, 0 skipped"),
            std::string::npos)
      << result.out;
  std::set<std::string> loaded;
  for (const auto& line : trace_lines(file)) {
    if (line.rfind("load:", 0) == 0) loaded.insert(line.substr(5));
  }
  EXPECT_EQ(loaded, (std::set<std::string>{"s0", "s3", "s5"})) << read_text(file);
}

}  // namespace
}  // namespace cf::test
