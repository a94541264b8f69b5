// A stage that segfaults, aborts, throws, calls exit() or never returns (with --stage-timeout):
// the run ends with status error naming the stage and the record, and what the records before
// it cached stays valid (a later run loads it without recomputing or warning).
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <string>

namespace cf::test {
namespace {

struct Fault {
  const char* shape;
  const char* flags;     // extra flags for the failing run
  const char* expected;  // the error, after "error: "
};

class PluginFault : public ::testing::TestWithParam<Fault> {};

TEST_P(PluginFault, FailsTheRunNamingStageAndRecordAndKeepsOtherCaches) {
  const Fault& fault = GetParam();
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write(
      "params/sets.yaml",
      std::string("- name: a\n  seed: 1\n- name: c\n  seed: 3\n- name: b\n  shape: ") + fault.shape + "\n");
  const CommandResult failed = project.experiment(std::string("dag_experiment -p sets ") + fault.flags);
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  EXPECT_NE(failed.err.find(std::string("error: ") + fault.expected), std::string::npos) << failed.err;

  const CommandResult runs = project.experiment("runs --json");
  EXPECT_NE(runs.out.find("\"status\": \"error\""), std::string::npos) << runs.out;
  EXPECT_NE(runs.out.find(fault.expected), std::string::npos) << runs.out;

  // The records before the fault were cached whole: nothing runs again and no file is doubted.
  const CommandResult again = project.experiment("dag_experiment -p sets -n a -n c");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("run complete: 0 stage calls executed"), std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("WARNING - cache"), std::string::npos) << again.out;
  EXPECT_EQ(again.err, "") << again.err;
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, PluginFault,
    ::testing::Values(Fault{"segfault", "",
                            "experiment 'dag_experiment': the experiment process killed by signal 11 "
                            "(SIGSEGV) during stage 'crash' on record 2 ('b')"},
                      Fault{"abort", "",
                            "experiment 'dag_experiment': the experiment process killed by signal 6 "
                            "(SIGABRT) during stage 'abandon' on record 2 ('b')"},
                      Fault{"exit", "",
                            "experiment 'dag_experiment': the experiment process exited with code 0 during "
                            "stage 'bail' on record 2 ('b')"},
                      Fault{"throw", "",
                            "experiment 'dag_experiment' failed: stage 'explode' failed on record 2 ('b'): "
                            "the detonator was pressed"},
                      Fault{"hang", "--stage-timeout 0.5",
                            "experiment 'dag_experiment': stage 'hang' on record 2 ('b') ran longer than "
                            "--stage-timeout 0.5 s and was stopped"}),
    [](const ::testing::TestParamInfo<Fault>& info) { return std::string(info.param.shape); });

TEST(StageTimeout, AStageWithinItsTimeoutRunsNormally) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml", "- name: a\n  seed: 1\n- name: b\n  shape: cpu\n  size: 1\n");
  const CommandResult result = project.experiment("dag_experiment -p sets --stage-timeout 60");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("run complete: 4 stage calls executed"), std::string::npos) << result.out;
}

TEST(StageTimeout, AppliesInsideParallelChildren) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml", "- name: a\n  seed: 1\n- name: b\n  shape: hang\n");
  const CommandResult result = project.experiment("dag_experiment -p sets --parallel 2 --stage-timeout 0.5");
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_NE(
      result.err.find("stage 'hang' on record 0 ('b') ran longer than --stage-timeout 0.5 s and was stopped"),
      std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("the child for sets 1-2 exited with code 1"), std::string::npos) << result.err;
}

TEST(StageTimeout, MustBePositive) {
  TempProject project;
  for (const char* value : {"0", "-1", "soon"}) {
    const CommandResult result = project.experiment(std::string("dag_experiment --stage-timeout ") + value);
    EXPECT_NE(result.exit_code, 0) << value;
    EXPECT_NE(result.err.find("--stage-timeout"), std::string::npos) << value << ": " << result.err;
  }
}

}  // namespace
}  // namespace cf::test
