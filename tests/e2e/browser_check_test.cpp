// A real run's report as a browser shows it: dag_experiment's "report" shape reports a line
// plot, an image and a table; scripts/browser_check.sh then serves the reports folder and checks
// the pages in headless Chromium. Skipped where Chromium is not installed.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace cf::test {
namespace {

namespace fs = std::filesystem;

TEST(BrowserCheck, RunReportRendersInChromium) {
  if (run_shell(fs::current_path(), "command -v chromium").exit_code != 0) {
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium, or scripts/setup.sh)";
  }
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/report.yaml", "- name: shown\n  shape: report\n  seed: 3\n");
  const CommandResult run = project.experiment("dag_experiment -p report");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  // Kept in the build tree, outside the temporary project, so a person can look at them.
  const fs::path shots = fs::path(CF_BINARY_DIR) / "browser_check";
  const CommandResult check = run_shell(
      project.root(), "CF_EXPERIMENT_BIN=" + shell_quote(CF_EXPERIMENT_BIN) +
                          " CF_SCREENSHOT_DIR=" + shell_quote(shots.string()) + " " +
                          shell_quote(std::string(CF_SOURCE_DIR) + "/scripts/browser_check.sh") + " reports");
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("browser_check: ok"), std::string::npos) << check.out << check.err;
}

}  // namespace
}  // namespace cf::test
