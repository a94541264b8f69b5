// The command line itself: help, version, bad flags, and the errors of a basic run.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

namespace cf::test {
namespace {

bool one_line(const std::string& text) {
  return std::count(text.begin(), text.end(), '\n') == 1;
}

TEST(Cli, HelpDocumentsEveryFlagOfTheGuide) {
  TempProject project;
  const CommandResult result = project.experiment("--help");
  EXPECT_EQ(result.exit_code, 0);
  for (const char* flag :
       {"-p,--params",     "-n,--names",      "--indices",      "--global-indices", "--parallel",
        "--parallel-mode", "--parallel-safe", "--no-log",       "--overwrite",      "--overwrite-stage",
        "-s,--store-full", "-c,--cache",      "--lazy",         "--ignore-lazy",    "-v,--verbose",
        "--progress",      "--map",           "--no-dag",       "--quiet",          "--no-color",
        "--plain",         "--dry",           "--dry-cache",    "--log-errors",     "--prefix,--name",
        "--notes",         "--docker",        "--notebook",     "--port",           "--host",
        "--update",        "--paths",         "--hashes",       "--print-params",   "--version",
        "--slurm",         "--slurm-args",    "--stage-timeout"}) {
    EXPECT_NE(result.out.find(flag), std::string::npos) << "--help does not document " << flag;
  }
  // And the commands of this rebuild beyond the guide's.
  for (const char* text :
       {"experiment init [--yes]", "--experiments-path", "experiment completion bash|zsh"}) {
    EXPECT_NE(result.out.find(text), std::string::npos) << "--help does not document " << text;
  }
}

TEST(Cli, Version) {
  TempProject project;
  const CommandResult result = project.experiment("--version");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.rfind("experiment (curifactory C++) 0.", 0), 0u) << result.out;
}

TEST(Cli, UnknownFlagIsAnError) {
  TempProject project;
  const CommandResult result = project.experiment("ls --frobnicate");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("--frobnicate"), std::string::npos) << result.err;
}

// CLI::PositiveNumber's message printed DBL_MAX in 300 digits; these say what is wanted instead.
TEST(Cli, CountsAndDurationsMustBeAboveZero) {
  TempProject project;
  // A run that failed once numbered (recorded) ends its line with where its log is.
  const struct {
    const char* arguments;
    const char* error;
    bool recorded = false;
  } cases[] = {
      {"alpha --parallel 0", "--parallel: must be a number above 0, got '0'\n"},
      {"alpha --stage-timeout -1", "--stage-timeout: must be a number above 0, got '-1'\n"},
      {"alpha --stage-timeout soon", "--stage-timeout: must be a number above 0, got 'soon'\n"},
  };
  for (const auto& c : cases) {
    const CommandResult result = project.experiment(c.arguments);
    EXPECT_NE(result.exit_code, 0) << c.arguments;
    EXPECT_EQ(result.err, std::string(c.error) + "Run with --help for more information.\n") << c.arguments;
  }
}

TEST(Cli, FlagsOfAnotherCommandAreRefused) {
  TempProject project;
  project.add_plugin("listed_experiment", "experiments/alpha.so");
  // A run that failed once numbered (recorded) ends its line with where its log is.
  const struct {
    const char* arguments;
    const char* error;
    bool recorded = false;
  } cases[] = {
      {"ls -p alpha", "error: --params does not apply to 'ls'\n"},
      {"ls --hashes", "error: --hashes does not apply to 'ls'\n"},
      {"alpha --port 9000", "error: --port does not apply to running an experiment\n"},
      {"ls extra", "error: unexpected argument 'extra'\n"},
  };
  for (const auto& c : cases) {
    const CommandResult result = project.experiment(c.arguments);
    EXPECT_NE(result.exit_code, 0) << c.arguments;
    EXPECT_EQ(result.err, c.error) << c.arguments;
    EXPECT_EQ(result.out, "") << c.arguments;
  }
}

TEST(Cli, RunsAnExperimentWithItsOwnAndOtherParams) {
  TempProject project;
  project.add_plugin("listed_experiment", "experiments/alpha.so");
  project.add_plugin("listed_params", "params/sweep.so");
  const CommandResult own = project.experiment("alpha");
  EXPECT_EQ(own.exit_code, 0) << own.err;
  EXPECT_EQ(without_git_warning(own.out), "INFO - set first a=5 label=x\nINFO - set second a=1 label=x\n");

  const CommandResult both = project.experiment("alpha -p sweep -p alpha");
  EXPECT_EQ(both.exit_code, 0) << both.err;
  EXPECT_EQ(without_git_warning(both.out),
            "INFO - set p_one a=10 label=one\nINFO - set p_two a=1 label=x\n"
            "INFO - set first a=5 label=x\nINFO - set second a=1 label=x\n");
}

TEST(Cli, RunErrorsNameWhatIsWrong) {
  TempProject project;
  project.add_plugin("listed_experiment", "experiments/alpha.so");
  project.add_plugin("wrong_abi_metadata", "experiments/future.so");
  project.add_plugin("missing_entry", "experiments/claims.so");
  project.add_plugin("throwing_experiment", "experiments/thrower.so");
  project.add_plugin("nested_experiment", "experiments/nested.so");
  project.write("experiments/text.so", "not a library");

  // A run that failed once numbered (recorded) ends its line with where its log is.
  const struct {
    const char* arguments;
    const char* error;
    bool recorded = false;
  } cases[] = {
      {"nothere", "error: experiment 'nothere' not found: no experiments/nothere.so (see experiment ls)\n"},
      {"alpha -p nope",
       "error: params file 'nope' could not be found in either the params folder ('params') or the "
       "experiments "
       "folder ('experiments')\n"},
      {"future",
       "error: experiments/future.so: built for plugin ABI version 999 but this experiment host supports "
       "version 1; rebuild it against this SDK\n"},
      {"text", "error: experiments/text.so: not an ELF file\n"},
      {"claims",
       "error: experiments/claims.so: missing entry point 'curifactory_experiment' (the plugin does not "
       "provide "
       "this kind)\n"},
      {"nested",
       "error: experiments/nested.so: missing entry point 'curifactory_params' (the plugin does not provide "
       "this "
       "kind)\n"},
      {"alpha -p thrower",
       "error: params file 'thrower' (experiments/thrower.so) did not return a list of parameter sets\n"},
      {"thrower -p alpha", "error: experiment 'thrower' failed during the map pass: boom in run\n", true},
      {"thrower -p alpha --no-dag", "error: experiment 'thrower' failed: boom in run\n", true},
      {"nested -p alpha",
       "error: params file 'alpha' (experiments/alpha.so, index 0), set 'first': unknown field 'a'\n"},
  };
  const std::regex log_hint("; its log: logs/thrower_[0-9]+_[0-9T-]+\\.log\n$");
  for (const auto& c : cases) {
    const CommandResult result = project.experiment(c.arguments);
    EXPECT_NE(result.exit_code, 0) << c.arguments;
    EXPECT_EQ(std::regex_search(result.err, log_hint), c.recorded) << c.arguments << ": " << result.err;
    EXPECT_EQ(std::regex_replace(result.err, log_hint, "\n"), c.error) << c.arguments;
    EXPECT_TRUE(one_line(result.err)) << c.arguments;
  }
}

}  // namespace
}  // namespace cf::test
