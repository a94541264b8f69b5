// `experiment completion bash|zsh`: the scripts run in the real shells, completing from a real
// project through `ls --names-only`, and they know every flag --help documents.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

namespace cf::test {
namespace {

// A project with an experiment that also provides params, one in a subfolder, a params plugin,
// a YAML file, and files ls shows as errors (which completion leaves out).
void fill_project(const TempProject& project) {
  project.add_plugin("listed_experiment", "experiments/alpha.so");
  project.add_plugin("nested_experiment", "experiments/subexp/example.so");
  project.add_plugin("wrong_abi_metadata", "experiments/future.so");
  project.add_plugin("listed_params", "params/sweep.so");
  project.write("params/grid.yaml", "# A YAML grid\n- name: a\n");
  project.write("params/broken.so", "this is not a shared object\n");
}

// The completions bash offers for the words typed so far (the last one being completed).
std::string bash_completions(const TempProject& project, const std::vector<std::string>& words) {
  const auto script = project.root() / "completion.bash";
  if (!std::filesystem::exists(script))
    project.write("completion.bash", project.experiment("completion bash").out);
  std::string line = "source completion.bash; COMP_WORDS=(" + shell_quote(CF_EXPERIMENT_BIN);
  for (const std::string& word : words) line += " " + shell_quote(word);
  line += "); COMP_CWORD=" + std::to_string(words.size()) +
          "; _experiment; for word in \"${COMPREPLY[@]}\"; do echo \"$word\"; done";
  const CommandResult result = run_shell(project.root(), "bash --norc -c " + shell_quote(line));
  EXPECT_EQ(result.err, "") << line;
  return result.out;
}

// Every long flag `experiment --help` lists in its option column ("  -p,--params TEXT ...").
std::set<std::string> documented_flags(const TempProject& project) {
  std::istringstream help(project.experiment("--help").out);
  std::set<std::string> flags;
  const std::regex names("^  ((?:-[-a-z]+,)*-[-a-z]+)");
  const std::regex flag("--[a-z][a-z-]+");
  for (std::string line; std::getline(help, line);) {
    std::smatch column;
    if (!std::regex_search(line, column, names)) continue;
    const std::string text = column[1].str();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), flag); it != std::sregex_iterator(); ++it) {
      flags.insert(it->str());
    }
  }
  return flags;
}

TEST(Completion, LsNamesOnlyListsUsableNamesOnePerLine) {
  TempProject project;
  fill_project(project);
  const CommandResult experiments = project.experiment("ls --names-only experiments");
  EXPECT_EQ(experiments.exit_code, 0) << experiments.err;
  EXPECT_EQ(experiments.out, "alpha\nsubexp.example\n");
  const CommandResult params = project.experiment("ls --names-only params");
  EXPECT_EQ(params.exit_code, 0) << params.err;
  EXPECT_EQ(params.out, "alpha\ngrid\nsweep\n");
  EXPECT_NE(project.experiment("ls --names-only cachers").exit_code, 0);
  EXPECT_EQ(project.experiment("alpha --names-only params").err,
            "error: --names-only does not apply to running an experiment\n");
  // Not a flag users need to see.
  EXPECT_EQ(project.experiment("--help").out.find("--names-only"), std::string::npos);
}

TEST(Completion, BashCompletesCommandsNamesAndFlags) {
  TempProject project;
  fill_project(project);
  EXPECT_EQ(bash_completions(project, {""}), "ls\nreports\nruns\ninit\ncompletion\nalpha\nsubexp.example\n");
  EXPECT_EQ(bash_completions(project, {"su"}), "subexp.example\n");
  EXPECT_EQ(bash_completions(project, {"alpha", "-p", ""}), "alpha\ngrid\nsweep\n");
  EXPECT_EQ(bash_completions(project, {"alpha", "--params", "sw"}), "sweep\n");
  EXPECT_EQ(bash_completions(project, {"alpha", "-p", "sweep", "--overw"}),
            "--overwrite\n--overwrite-stage\n");
  EXPECT_EQ(bash_completions(project, {"alpha", "-n", ""}), "");
  EXPECT_EQ(bash_completions(project, {"completion", ""}), "bash\nzsh\n");
  EXPECT_EQ(bash_completions(project, {"runs", ""}), "alpha\nsubexp.example\n");
  EXPECT_EQ(bash_completions(project, {"reports", "--"}), "--host\n--port\n--update\n--help\n");
  EXPECT_EQ(bash_completions(project, {"init", "--y"}), "--yes\n");
  EXPECT_EQ(bash_completions(project, {"ls", ""}), "");
  project.write("data/keep", "");
  EXPECT_EQ(bash_completions(project, {"alpha", "-c", "da"}), "data\n");
}

TEST(Completion, ScriptsKnowEveryDocumentedFlag) {
  TempProject project;
  const std::string bash = project.experiment("completion bash").out;
  const std::string zsh = project.experiment("completion zsh").out;
  const std::set<std::string> flags = documented_flags(project);
  ASSERT_GT(flags.size(), 30u);
  for (const std::string& flag : flags) {
    EXPECT_TRUE(std::regex_search(bash, std::regex(flag + "\\b"))) << "bash script lacks " << flag;
    EXPECT_TRUE(std::regex_search(zsh, std::regex(flag + "\\b"))) << "zsh script lacks " << flag;
  }
}

TEST(Completion, ZshScriptParsesAndCompletes) {
  TempProject project;
  if (run_shell(project.root(), "command -v zsh").exit_code != 0) GTEST_SKIP() << "zsh is not installed";
  fill_project(project);
  project.write("_experiment", project.experiment("completion zsh").out);
  const CommandResult parsed = run_shell(project.root(), "zsh -n _experiment");
  EXPECT_EQ(parsed.exit_code, 0) << parsed.err;

  // Outside a completion widget, compadd is stubbed to print what would be offered.
  const auto complete = [&](const std::string& words, int current) {
    const std::string line =
        "compadd() { [[ $1 == -- ]] && shift; print -l -- \"$@\"; }; source ./_experiment; "
        "words=(" +
        shell_quote(CF_EXPERIMENT_BIN) + " " + words + "); CURRENT=" + std::to_string(current) +
        "; _experiment";
    const CommandResult result = run_shell(project.root(), "zsh -f -c " + shell_quote(line));
    EXPECT_EQ(result.err, "") << line;
    return result.out;
  };
  EXPECT_EQ(complete("''", 2), "ls\nreports\nruns\ninit\ncompletion\nalpha\nsubexp.example\n");
  EXPECT_EQ(complete("alpha -p ''", 4), "alpha\ngrid\nsweep\n");
  EXPECT_EQ(complete("completion ''", 3), "bash\nzsh\n");
  EXPECT_NE(complete("alpha --", 3).find("\n--overwrite-stage\n"), std::string::npos);
}

TEST(Completion, UnknownOrMissingShellIsAnError) {
  TempProject project;
  const CommandResult fish = project.experiment("completion fish");
  EXPECT_NE(fish.exit_code, 0);
  EXPECT_EQ(fish.err, "error: completion: no script for shell 'fish' (use bash or zsh)\n");
  const CommandResult none = project.experiment("completion");
  EXPECT_NE(none.exit_code, 0);
  EXPECT_EQ(none.err, "error: completion needs a shell: experiment completion bash|zsh\n");
}

}  // namespace
}  // namespace cf::test
