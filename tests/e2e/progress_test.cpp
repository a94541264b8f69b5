// --progress end to end: on a pseudo-terminal the bars are drawn in place, log lines pass above
// them intact, and the final state shows every stage done; through a pipe nothing but plain log
// lines appear; with --no-dag one line says there are no bars.
#include "support/pty_run.hpp"
#include "support/temp_project.hpp"
#include "support/terminal_screen.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

namespace cf::test {
namespace {

// Two records of five stages each (load, scale, shift, clip, total) and an aggregate record
// with one (compare): 11 stage calls.
class ProgressProject {
 public:
  ProgressProject() {
    project_.add_plugin("dag_experiment", "experiments/dag_experiment.so");
    project_.write("params/sets.yaml",
                   "- name: one\n  shape: long\n  seed: 1\n- name: two\n  shape: long\n  seed: 2\n");
  }
  PtyResult on_terminal(const std::vector<std::string>& flags) const {
    std::vector<std::string> argv{CF_EXPERIMENT_BIN, "dag_experiment", "-p", "sets"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return run_in_pty(project_.root(), argv);
  }
  CommandResult piped(const std::string& flags) const {
    return project_.experiment("dag_experiment -p sets " + flags);
  }
  const std::filesystem::path& root() const { return project_.root(); }

 private:
  TempProject project_;
};

// The bars as the final screen must show them: every record and the total complete.
void expect_final_bars(const std::vector<std::string>& bars) {
  ASSERT_EQ(bars.size(), 4u);
  EXPECT_TRUE(std::regex_match(bars[0], std::regex(R"(#0 one +\[=+\] +5/5 +done)"))) << bars[0];
  EXPECT_TRUE(std::regex_match(bars[1], std::regex(R"(#1 two +\[=+\] +5/5 +done)"))) << bars[1];
  EXPECT_TRUE(std::regex_match(bars[2], std::regex(R"(#2 None +\[=+\] +1/1 +done)"))) << bars[2];
  EXPECT_TRUE(std::regex_match(bars[3], std::regex(R"(total +\[=+\] +11/11 +stages)"))) << bars[3];
}

TEST(ProgressTest, TerminalShowsBarsBelowIntactLogLinesAndEndsComplete) {
  const ProgressProject project;
  const PtyResult result = project.on_terminal({"--progress"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("\033["), std::string::npos) << "no escape sequences: bars not drawn in place";

  // Every drawing but the last was erased: one set of bars is left, the final one. The run's
  // summary lines come after it; everything else on screen is whole log lines, one per line.
  const auto screen = terminal_screen(result.output);
  const auto total_line = std::find_if(screen.begin(), screen.end(),
                                       [](const std::string& line) { return line.rfind("total ", 0) == 0; });
  ASSERT_NE(total_line, screen.end()) << result.output;
  ASSERT_GE(total_line - screen.begin(), 3) << result.output;
  EXPECT_EQ(std::count_if(screen.begin(), screen.end(),
                          [](const std::string& line) { return line.rfind("total ", 0) == 0; }),
            1)
      << result.output;
  expect_final_bars(std::vector<std::string>(total_line - 3, total_line + 1));
  const std::regex log_line(R"((INFO|WARNING|DEBUG|ERROR) - .*)");
  const std::regex executing(
      R"(INFO - stage '(load|scale|shift|clip|total|compare)' on record \d \('(one|two|None)'\): executing)");
  std::size_t executed = 0;
  std::vector<std::string> order;
  for (auto line = screen.begin(); line != screen.end(); ++line) {
    if (line >= total_line - 3 && line <= total_line) continue;
    EXPECT_TRUE(std::regex_match(*line, log_line)) << "garbled line: '" << *line << "'\n" << result.output;
    if (std::regex_match(*line, executing)) {
      ++executed;
      order.push_back(*line);
    }
  }
  ASSERT_NE(total_line + 1, screen.end());
  EXPECT_EQ(*(total_line + 1),
            "INFO - run complete: 11 stage calls executed, 0 loaded from cache, 0 skipped");
  EXPECT_EQ(executed, 11u);
  ASSERT_FALSE(order.empty());
  EXPECT_EQ(order.front(), "INFO - stage 'load' on record 0 ('one'): executing");
  EXPECT_EQ(order.back(), "INFO - stage 'compare' on record 2 ('None'): executing");
}

TEST(ProgressTest, QuietTerminalShowsOnlyTheFinalBars) {
  const ProgressProject project;
  const PtyResult result = project.on_terminal({"--progress", "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  // Every intermediate drawing was erased by the next: only the final one is left.
  expect_final_bars(terminal_screen(result.output));
}

TEST(ProgressTest, LogErrorsKeepsTheBarsOnTheTerminalAndOutOfTheLog) {
  const ProgressProject project;
  const PtyResult result = project.on_terminal({"--progress", "--quiet", "--log-errors"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  // The experiment's stderr goes into the log, but the bars still reach the terminal...
  expect_final_bars(terminal_screen(result.output));
  // ...and not the log, which has the run's lines and no terminal control.
  std::string log;
  for (const auto& entry : std::filesystem::directory_iterator(project.root() / "logs"))
    log += read_text(entry.path());
  EXPECT_NE(log.find("stage 'compare' on record 2 ('None'): executing"), std::string::npos) << log;
  EXPECT_EQ(log.find('\033'), std::string::npos) << log;
  EXPECT_EQ(log.find("11/11"), std::string::npos) << log;
}

TEST(ProgressTest, DryRunShowsBarsToo) {
  const ProgressProject project;
  const PtyResult result = project.on_terminal({"--progress", "--quiet", "--dry"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expect_final_bars(terminal_screen(result.output));
}

TEST(ProgressTest, PipedOutputHasPlainLogLinesOnly) {
  const ProgressProject project;
  const CommandResult result = project.piped("--progress");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.find('\033'), std::string::npos) << result.out;
  EXPECT_EQ(result.err.find('\033'), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("11/11"), std::string::npos) << result.err;
  EXPECT_NE(result.out.find("INFO - stage 'compare' on record 2 ('None'): executing\n"), std::string::npos)
      << result.out;
}

TEST(ProgressTest, NoDagSaysProgressIsUnavailable) {
  const ProgressProject project;
  const CommandResult result = project.piped("--progress --no-dag");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string notice = "WARNING - --progress: progress bars are not available with --no-dag";
  const auto at = result.out.find(notice);
  ASSERT_NE(at, std::string::npos) << result.out;
  EXPECT_EQ(result.out.find(notice, at + 1), std::string::npos) << "said more than once:\n" << result.out;
}

}  // namespace
}  // namespace cf::test
