// --slurm end to end against a real single-node Slurm (scripts/slurm_local.sh): the shares run as
// one job array, the statuses are collected, the final run happens here and writes the report; a
// failing task fails the run with its range, signal and log; the config can turn Slurm on and
// carries sbatch arguments through.
#include "support/local_slurm.hpp"
#include "support/parity_scenario.hpp"
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cf::test {
namespace {

namespace fs = std::filesystem;

std::string sets_yaml(int count, const std::string& shape) {
  std::string yaml;
  for (int i = 0; i < count; ++i)
    yaml += "- name: s" + std::to_string(i) + "\n  shape: " + shape + "\n  seed: " + std::to_string(i) + "\n";
  return yaml;
}

std::map<std::string, std::string> cached_artifacts(const fs::path& cache) {
  auto files = files_below(cache);
  for (auto& [name, contents] : files) {
    if (name.ends_with("_metadata.json")) contents = "<metadata>";
  }
  return files;
}

// The files in the project's logs folder whose names end with `suffix`.
std::vector<std::string> logs_ending(const TempProject& project, const std::string& suffix) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(project.root() / "logs")) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(suffix)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

class SlurmRun : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto reason = LocalSlurm::unavailable()) GTEST_SKIP() << *reason;
    slurm_.emplace();
    ASSERT_TRUE(slurm_->started()) << slurm_->start_output();
  }

  std::optional<LocalSlurm> slurm_;
};

TEST_F(SlurmRun, EightSetsOverAFourTaskArrayGiveTheSerialCacheAndAReport) {
  TempProject serial;
  serial.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  serial.write("params/sets.yaml", sets_yaml(8, "report"));
  ASSERT_EQ(serial.experiment("dag_experiment -p sets").exit_code, 0);

  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml", sets_yaml(8, "report"));
  const CommandResult result = project.experiment("dag_experiment -p sets --slurm --parallel 4");
  ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
  EXPECT_NE(result.out.find("INFO - submitting 4 Slurm array tasks (job script logs/dag_experiment_1_"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find(": 4 of 4 tasks finished"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("INFO - Slurm tasks: 4 COMPLETED"), std::string::npos) << result.out;
  // The tasks executed everything; the final run here loaded it, counting as a serial run does.
  EXPECT_NE(result.out.find("run complete: 16 stage calls executed (16 of them by the run's shares)"),
            std::string::npos)
      << result.out;
  EXPECT_EQ(cached_artifacts(project.root() / "data" / "cache"),
            cached_artifacts(serial.root() / "data" / "cache"));

  // One log per task, named by its range, and the job script kept beside them.
  for (const char* range : {"_0-2.log", "_2-4.log", "_4-6.log", "_6-8.log"}) {
    const auto found = logs_ending(project, range);
    ASSERT_EQ(found.size(), 1u) << range;
    EXPECT_NE(read_text(project.root() / "logs" / found[0]).find("run complete: 4 stage calls executed"),
              std::string::npos)
        << found[0];
  }
  const auto scripts = logs_ending(project, "_slurm.sh");
  ASSERT_EQ(scripts.size(), 1u);
  EXPECT_NE(read_text(project.root() / "logs" / scripts[0]).find("'--global-indices=6-8' '--cache="),
            std::string::npos);
  // Empty batch output files are not left behind.
  EXPECT_TRUE(logs_ending(project, ".out").empty());

  const CommandResult runs = project.experiment("runs --json");
  EXPECT_NE(runs.out.find("\"status\": \"complete\""), std::string::npos) << runs.out;
  bool report = false;
  for (const auto& entry : fs::directory_iterator(project.root() / "reports")) {
    if (entry.path().filename().string().rfind("dag_experiment_1_", 0) == 0) {
      const std::string page = read_text(entry.path() / "index.html");
      report = page.find("7_show_curve") != std::string::npos;
    }
  }
  EXPECT_TRUE(report) << "no report with the last record's reportables";
}

// The same decisions, cache and report as a serial run, for every overwrite flag and after the
// code of an aggregate or a middle stage changed.
TEST_F(SlurmRun, EveryOverwriteFlagDecidesAsASerialRun) {
  expect_serial_parity(
      "dag_experiment", sets_yaml(6, "aggregate"), "dag_experiment -p sets", "--slurm --parallel 3",
      {{"", "", "cold run"},
       {"--overwrite", "", "--overwrite"},
       {"--overwrite-stage compare", "CF_AGGREGATE_VERSION=2", "the aggregate's code changed"},
       {"--overwrite-stage scale", "CF_AGGREGATE_VERSION=2 CF_SCALE=3", "a middle stage changed"}});
}

TEST_F(SlurmRun, AFailingTaskFailsTheRunWithItsRangeSignalAndLog) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml",
                "- name: a\n  seed: 1\n- name: b\n  shape: segfault\n- name: c\n  seed: 3\n");
  // Without --parallel every set is a task of its own.
  const CommandResult result = project.experiment("dag_experiment -p sets --slurm");
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_NE(result.out.find("submitting 3 Slurm array tasks"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("error: experiment 'dag_experiment': the Slurm task for sets 1-2 ended FAILED, "
                            "killed by signal 11 (SIGSEGV); its log: logs/dag_experiment_1_"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.out.find("WARNING - Slurm tasks: 2 COMPLETED, 1 FAILED"), std::string::npos) << result.out;
  const CommandResult runs = project.experiment("runs --json");
  EXPECT_NE(runs.out.find("\"status\": \"error\""), std::string::npos) << runs.out;
  EXPECT_NE(runs.out.find("the Slurm task for sets 1-2 ended FAILED"), std::string::npos) << runs.out;
  // The failed run still has its report, and the other tasks' shares stay cached.
  std::size_t reports = 0;
  for (const auto& entry : fs::directory_iterator(project.root() / "reports")) {
    if (fs::exists(entry.path() / "index.html") && entry.path().filename() != "_latest") ++reports;
  }
  EXPECT_EQ(reports, 1u);
  std::size_t totals = 0;
  for (const auto& entry : fs::recursive_directory_iterator(project.root() / "data" / "cache")) {
    if (entry.path().filename().string().ends_with("_total_sum.msgpack")) ++totals;
  }
  EXPECT_EQ(totals, 2u);
}

TEST_F(SlurmRun, TheConfigTurnsSlurmOnAndPassesSbatchArguments) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml", sets_yaml(2, "chain"));
  project.write("curifactory_config.json",
                R"({"slurm": true, "slurm_args": "--partition=no_such_partition"})");
  const CommandResult refused = project.experiment("dag_experiment -p sets");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("--slurm: sbatch failed: "), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("partition"), std::string::npos) << refused.err;

  // --slurm-args on the command line wins over the config's.
  const CommandResult ran = project.experiment("dag_experiment -p sets --slurm-args '--job-name=cf_e2e'");
  ASSERT_EQ(ran.exit_code, 0) << ran.err << ran.out;
  EXPECT_NE(ran.out.find("submitting 2 Slurm array tasks"), std::string::npos) << ran.out;
  const CommandResult jobs = run_shell(project.root(), "scontrol -o show job");
  EXPECT_NE(jobs.out.find("JobName=cf_e2e"), std::string::npos) << jobs.out;
}

TEST_F(SlurmRun, CtrlCCancelsTheJob) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  // Two tasks of about a minute of CPU each: still running when the interrupt comes.
  project.write("params/sets.yaml",
                "- name: a\n  shape: cpu\n  size: 60000\n- name: b\n  shape: cpu\n  size: 60001\n");
  const CommandResult result =
      project.experiment("dag_experiment -p sets --slurm", "exec timeout --preserve-status -s INT 4");
  EXPECT_EQ(result.exit_code, 130) << result.out;
  EXPECT_NE(result.err.find("interrupted: experiment 'dag_experiment' stopped by SIGINT (Ctrl-C) while its "
                            "shares ran (--slurm: cancelled slurm job "),
            std::string::npos)
      << result.err;
  const CommandResult runs = project.experiment("runs --json");
  EXPECT_NE(runs.out.find("\"status\": \"interrupted\""), std::string::npos) << runs.out;
  // Slurm takes a moment to end the tasks (COMPLETING, then CANCELLED).
  std::string jobs;
  for (int attempt = 0; attempt < 300; ++attempt) {
    jobs = run_shell(project.root(), "scontrol -o show job").out;
    if (jobs.find("JobState=CANCELLED") != std::string::npos &&
        jobs.find("JobState=RUNNING") == std::string::npos &&
        jobs.find("JobState=COMPLETING") == std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(jobs.find("JobState=CANCELLED"), std::string::npos) << jobs;
  EXPECT_EQ(jobs.find("JobState=RUNNING"), std::string::npos) << jobs;
}

// Checks that need no Slurm daemons.
TEST(SlurmFlags, SlurmArgsWithoutSlurmIsRefused) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml", sets_yaml(2, "chain"));
  const CommandResult result = project.experiment("dag_experiment -p sets --slurm-args '--time=5'");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "error: --slurm-args applies only to Slurm runs: add --slurm, or \"slurm\": true in "
            "curifactory_config.json\n");
}

TEST(SlurmFlags, SlurmInParallelModeIsRefused) {
  TempProject project;
  const CommandResult result = project.experiment("dag_experiment --slurm --parallel-mode");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "error: --slurm does not apply with --parallel-mode\n");
}

TEST(SlurmFlags, WithoutSbatchTheRunFailsSayingSo) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml", sets_yaml(2, "chain"));
  // A PATH with nothing on it but what the shell needs to start the binary.
  const CommandResult result = project.experiment("dag_experiment -p sets --slurm", "PATH=/nonexistent");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("error: experiment 'dag_experiment': --slurm: cannot run 'sbatch': "),
            std::string::npos)
      << result.err;
  const CommandResult runs = project.experiment("runs --json");
  EXPECT_NE(runs.out.find("\"status\": \"error\""), std::string::npos) << runs.out;
}

}  // namespace
}  // namespace cf::test
