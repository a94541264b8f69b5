// Runs the user stops, and runs whose process dies without a word: Ctrl-C (SIGINT to the whole
// process group, as a terminal sends it) or SIGTERM is recorded as status `interrupted` with
// the stage that was running, with a report, a log line and exit code 130 or 143, also while a
// --parallel run's shares compute; a run killed with SIGKILL stays `incomplete`, and
// `experiment runs` tells it from one still running.
#include "support/background_experiment.hpp"
#include "support/temp_project.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>

namespace cf::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

class HangingProject {
 public:
  explicit HangingProject(const std::string& yaml = "- name: a\n  shape: hang\n") {
    project_.add_plugin("dag_experiment", "experiments/dag_experiment.so");
    project_.write("params/sets.yaml", yaml);
  }
  const TempProject& project() const { return project_; }
  const fs::path& root() const { return project_.root(); }

  // The newest run as `runs --json` shows it.
  rapidjson::Document newest_run() const {
    const CommandResult runs = project_.experiment("runs --json");
    rapidjson::Document document;
    document.Parse(runs.out.c_str());
    if (document.HasParseError() || !document.IsArray() || document.Empty()) {
      ADD_FAILURE() << "runs --json: " << runs.out << runs.err;
      document.Parse(R"([{"status": "", "error": "", "process": null, "reference": ""}])");
    }
    rapidjson::Document first;
    first.CopyFrom(document[0], first.GetAllocator());
    return first;
  }

 private:
  TempProject project_;
};

std::string text(const rapidjson::Value& object, const char* key) {
  const auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString()
                                                          : "<" + std::string(key) + ">";
}

void expect_interrupted_run(const HangingProject& project, const std::string& signal_name,
                            const std::string& during) {
  const rapidjson::Document run = project.newest_run();
  EXPECT_EQ(text(run, "status"), "interrupted");
  EXPECT_EQ(text(run, "error"), "experiment 'dag_experiment' stopped by " + signal_name + during);
  const std::string reference = text(run, "reference");
  const std::string report = read_text(project.root() / "reports" / reference / "index.html");
  EXPECT_NE(report.find("cf-status-interrupted"), std::string::npos) << "no report showing the status";
  const std::string log = read_text(project.root() / "logs" / (reference + ".log"));
  EXPECT_NE(log.find("[ERROR] experiment 'dag_experiment' stopped by " + signal_name), std::string::npos)
      << log;
  const CommandResult table = project.project().experiment("runs");
  EXPECT_NE(table.out.find(reference + "  interrupted"), std::string::npos) << table.out;
}

TEST(Interrupt, CtrlCDuringAStageIsRecordedWithTheStage) {
  HangingProject project;
  BackgroundExperiment run(project.root(), {"dag_experiment", "-p", "sets"}, true);
  ASSERT_TRUE(run.wait_for_output("stage 'hang' on record 0 ('a'): executing", seconds(30)))
      << run.out() << run.err();
  run.signal_group(SIGINT);
  const auto code = run.wait_for_exit(seconds(30));
  ASSERT_TRUE(code.has_value()) << "still running after Ctrl-C";
  EXPECT_EQ(*code, 130) << run.err();
  EXPECT_NE(run.err().find("interrupted: experiment 'dag_experiment' stopped by SIGINT (Ctrl-C) during stage "
                           "'hang' on record 0 ('a'); its log: logs/dag_experiment_1_"),
            std::string::npos)
      << run.err();
  expect_interrupted_run(project, "SIGINT (Ctrl-C)", " during stage 'hang' on record 0 ('a')");
  // What finished before the interruption stays cached.
  bool loaded = false;
  for (const auto& entry : fs::recursive_directory_iterator(project.root() / "data" / "cache"))
    loaded = loaded || entry.path().filename().string().ends_with("_load_data.msgpack");
  EXPECT_TRUE(loaded);
}

TEST(Interrupt, SigtermToTheCommandIsPassedOnAndRecorded) {
  HangingProject project;
  BackgroundExperiment run(project.root(), {"dag_experiment", "-p", "sets"}, true);
  ASSERT_TRUE(run.wait_for_output("stage 'hang' on record 0 ('a'): executing", seconds(30)))
      << run.out() << run.err();
  ::kill(run.pid(), SIGTERM);  // the command alone, as `kill PID` or a job scheduler sends it
  const auto code = run.wait_for_exit(seconds(30));
  ASSERT_TRUE(code.has_value()) << "still running after SIGTERM";
  EXPECT_EQ(*code, 143) << run.err();
  expect_interrupted_run(project, "SIGTERM", " during stage 'hang' on record 0 ('a')");
}

TEST(Interrupt, CtrlCWhileTheParallelSharesRunStopsThem) {
  HangingProject project("- name: a\n  shape: hang\n- name: b\n  shape: hang\n  seed: 2\n");
  BackgroundExperiment run(project.root(), {"dag_experiment", "-p", "sets", "--parallel", "2"}, true);
  ASSERT_TRUE(run.wait_for_output("running 2 parallel processes", seconds(30))) << run.out() << run.err();
  run.signal_group(SIGINT);
  const auto code = run.wait_for_exit(seconds(30));
  ASSERT_TRUE(code.has_value()) << "still running after Ctrl-C";
  EXPECT_EQ(*code, 130) << run.err();
  expect_interrupted_run(project, "SIGINT (Ctrl-C)", " while its shares ran (stopped every parallel child)");
}

TEST(Interrupt, ARunWhoseProcessDiedWithoutAWordShowsAsIncompleteNotRunning) {
  HangingProject project;
  BackgroundExperiment run(project.root(), {"dag_experiment", "-p", "sets"}, true);
  ASSERT_TRUE(run.wait_for_output("stage 'hang' on record 0 ('a'): executing", seconds(30)))
      << run.out() << run.err();
  {
    const rapidjson::Document going = project.newest_run();
    EXPECT_EQ(text(going, "status"), "incomplete");
    EXPECT_EQ(text(going, "process"), "running");
    const CommandResult table = project.project().experiment("runs");
    EXPECT_NE(table.out.find(text(going, "reference") + "  running"), std::string::npos) << table.out;
  }
  run.signal_group(SIGKILL);  // kill -9 of everything: nobody is left to record anything
  ASSERT_TRUE(run.wait_for_exit(seconds(30)).has_value());
  const rapidjson::Document dead = project.newest_run();
  EXPECT_EQ(text(dead, "status"), "incomplete");
  EXPECT_EQ(text(dead, "process"), "gone");
  const CommandResult table = project.project().experiment("runs");
  EXPECT_NE(table.out.find(text(dead, "reference") + "  incomplete   "), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("ended without recording how]"), std::string::npos) << table.out;
}

}  // namespace
}  // namespace cf::test
