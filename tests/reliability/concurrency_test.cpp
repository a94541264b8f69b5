// Two and four runs of the same experiment at once over overlapping parameter sets: all finish,
// the store numbers them uniquely, and every stage of every set is computed exactly once among
// them (a process that finds a stage being computed waits for it and loads the result).
#include "support/scratch_folder.hpp"
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace cf::test {
namespace {

class ConcurrentRuns : public ::testing::TestWithParam<std::vector<const char*>> {};

TEST_P(ConcurrentRuns, FinishWithUniqueNumbersAndComputeEachStageOnce) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  std::string yaml;
  for (int i = 0; i < 10; ++i)
    yaml += "- name: s" + std::to_string(i) + "\n  seed: " + std::to_string(i) + "\n  size: 200000\n";
  project.write("params/sets.yaml", yaml);
  ScratchFolder trace;
  const std::string trace_file = (trace.path() / "trace").string();

  const std::string binary = shell_quote(CF_EXPERIMENT_BIN);
  std::string command = "{ ";
  const auto& ranges = GetParam();
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    command += "CF_TRACE=" + shell_quote(trace_file) + " " + binary +
               " dag_experiment -p sets --global-indices " + ranges[i] + " --quiet" +
               (i + 1 < ranges.size() ? " & " : "; wait; }");
  }
  // Each background run's exit status is collected by `wait` only in aggregate, so the store's
  // statuses are checked below as well.
  const CommandResult result = run_shell(project.root(), command);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");

  const CommandResult runs = project.experiment("runs --json");
  std::set<std::string> numbers;
  std::size_t complete = 0;
  std::istringstream lines(runs.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("\"number\": ") != std::string::npos) numbers.insert(line);
    if (line.find("\"status\": \"complete\"") != std::string::npos) ++complete;
  }
  EXPECT_EQ(numbers.size(), ranges.size()) << runs.out;
  EXPECT_EQ(complete, ranges.size()) << runs.out;

  std::map<std::string, int> computed;
  std::istringstream traced(read_text(trace_file));
  for (std::string line; std::getline(traced, line);) ++computed[line];
  EXPECT_EQ(computed.size(), 30u) << read_text(trace_file);  // load, scale, total for s0..s9
  for (const auto& [stage, times] : computed)
    EXPECT_EQ(times, 1) << stage << " was computed " << times << " times";
}

INSTANTIATE_TEST_SUITE_P(Overlapping, ConcurrentRuns,
                         ::testing::Values(std::vector<const char*>{"0-7", "3-10"},
                                           std::vector<const char*>{"0-6", "2-8", "4-10", "0-10"}),
                         [](const ::testing::TestParamInfo<std::vector<const char*>>& info) {
                           return std::to_string(info.param.size()) + "_runs";
                         });

}  // namespace
}  // namespace cf::test
