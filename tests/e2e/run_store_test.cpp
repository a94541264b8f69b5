// Recorded runs end to end: numbering, statuses (including a plugin that crashes the process),
// logs and the display flags, notes, the registry, and a full store reproduced from its folder.
// Every test that writes the store checks it with PRAGMA integrity_check (TempProject does).
#include "support/temp_project.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace cf::test {
namespace {

namespace fs = std::filesystem;

class StoreProject {
 public:
  explicit StoreProject(const std::string& yaml = two_sets("chain")) {
    project_.add_plugin("dag_experiment", "experiments/dag_experiment.so");
    project_.add_plugin("listed_experiment", "experiments/alpha.so");
    project_.write("params/sets.yaml", yaml);
  }

  static std::string two_sets(const std::string& shape) {
    return "- name: a\n  shape: " + shape + "\n  seed: 1\n- name: b\n  shape: " + shape + "\n  seed: 2\n";
  }

  CommandResult run(const std::string& arguments, const std::string& environment = "") {
    fs::remove(trace_.path() / "trace");
    return project_.experiment(
        arguments, "CF_TRACE=" + shell_quote((trace_.path() / "trace").string()) + " " + environment);
  }
  std::vector<std::string> trace() const {
    std::vector<std::string> lines;
    std::istringstream in(read_text(trace_.path() / "trace"));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  // `experiment runs --json`, parsed.
  rapidjson::Document runs(const std::string& experiment = "") {
    const CommandResult result = project_.experiment("runs " + experiment + " --json");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    rapidjson::Document document;
    document.Parse(result.out.c_str());
    EXPECT_FALSE(document.HasParseError()) << result.out;
    return document;
  }

  const fs::path& root() const { return project_.root(); }
  const TempProject& project() const { return project_; }

 private:
  TempProject project_;
  ScratchFolder trace_;
};

std::string text_of(const rapidjson::Value& run, const char* key) {
  return run[key].GetString();
}

TEST(RunStore, NumbersRunsPerExperimentWithReferences) {
  StoreProject project;
  ASSERT_EQ(project.run("dag_experiment -p sets").exit_code, 0);
  ASSERT_EQ(project.run("alpha").exit_code, 0);
  ASSERT_EQ(project.run("dag_experiment -p sets").exit_code, 0);

  const auto runs = project.runs();
  ASSERT_EQ(runs.Size(), 3u);
  // Newest first.
  EXPECT_EQ(text_of(runs[0], "experiment"), "dag_experiment");
  EXPECT_EQ(runs[0]["number"].GetInt(), 2);
  EXPECT_EQ(text_of(runs[1], "experiment"), "alpha");
  EXPECT_EQ(runs[1]["number"].GetInt(), 1);
  EXPECT_EQ(runs[2]["number"].GetInt(), 1);
  const std::regex reference("dag_experiment_2_\\d{4}-\\d{2}-\\d{2}-T\\d{6}");
  EXPECT_TRUE(std::regex_match(text_of(runs[0], "reference"), reference)) << text_of(runs[0], "reference");
  EXPECT_EQ(text_of(runs[0], "status"), "complete");
  EXPECT_TRUE(text_of(runs[0], "command").ends_with(" dag_experiment -p sets"))
      << text_of(runs[0], "command");
  EXPECT_EQ(runs[0]["param_files"][0]["file"].GetString(), std::string("sets"));
  EXPECT_EQ(runs[0]["param_files"][0]["sets"][1][0].GetString(), std::string("b"));

  EXPECT_EQ(project.runs("alpha").Size(), 1u);
  const CommandResult table = project.run("runs dag_experiment");
  EXPECT_NE(table.out.find("REFERENCE"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("dag_experiment_1_"), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("alpha_1_"), std::string::npos) << table.out;

  EXPECT_TRUE(fs::exists(project.root() / "logs" / (text_of(runs[2], "reference") + ".log")));
}

TEST(RunStore, ConcurrentRunsGetDistinctNumbers) {
  StoreProject project;
  const std::string binary = shell_quote(CF_EXPERIMENT_BIN);
  // Braces, so all three start in the project folder.
  const CommandResult both =
      run_shell(project.root(), "{ " + binary + " dag_experiment -p sets --overwrite >/dev/null & " + binary +
                                    " dag_experiment -p sets --overwrite >/dev/null & " + binary +
                                    " dag_experiment -p sets --overwrite; wait; }");
  ASSERT_EQ(both.exit_code, 0) << both.err;
  const auto runs = project.runs();
  ASSERT_EQ(runs.Size(), 3u);
  std::set<int> numbers;
  for (const auto& run : runs.GetArray()) numbers.insert(run["number"].GetInt());
  EXPECT_EQ(numbers, (std::set<int>{1, 2, 3}));
}

TEST(RunStore, StatusesCompleteErrorAndCrash) {
  StoreProject project("- name: a\n  shape: throw\n");
  project.project().write("params/crash.yaml", "- name: a\n  shape: segfault\n");
  project.project().write("params/fine.yaml", "- name: a\n  shape: chain\n");

  EXPECT_EQ(project.run("dag_experiment -p fine").exit_code, 0);
  EXPECT_EQ(project.run("dag_experiment -p sets").exit_code, 1);
  const CommandResult crash = project.run("dag_experiment -p crash");
  EXPECT_EQ(crash.exit_code, 1);
  EXPECT_NE(crash.err.find(
                "error: experiment 'dag_experiment': the experiment process killed by signal 11 (SIGSEGV) "
                "during stage 'crash' on record 0 ('a')"),
            std::string::npos)
      << crash.err;

  const auto runs = project.runs();
  ASSERT_EQ(runs.Size(), 3u);
  EXPECT_EQ(text_of(runs[2], "status"), "complete");
  EXPECT_EQ(text_of(runs[2], "error"), "");
  EXPECT_EQ(text_of(runs[1], "status"), "error");
  EXPECT_NE(
      text_of(runs[1], "error").find("stage 'explode' failed on record 0 ('a'): the detonator was pressed"),
      std::string::npos);
  EXPECT_EQ(text_of(runs[0], "status"), "error");
  EXPECT_NE(
      text_of(runs[0], "error").find("killed by signal 11 (SIGSEGV) during stage 'crash' on record 0 ('a')"),
      std::string::npos)
      << text_of(runs[0], "error");
  // The crash is in the run's log too, after the child's own lines.
  const std::string log = read_text(project.root() / "logs" / (text_of(runs[0], "reference") + ".log"));
  EXPECT_NE(log.find("[INFO] stage 'crash' on record 0 ('a'): executing"), std::string::npos) << log;
  EXPECT_NE(log.find("[ERROR] experiment 'dag_experiment': the experiment process killed by signal 11"),
            std::string::npos)
      << log;
}

TEST(RunStore, LogFileAndDisplayFlags) {
  StoreProject project(StoreProject::two_sets("noisy"));
  CommandResult result = project.run("dag_experiment -p sets");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto runs = project.runs();
  const auto log_of = [&](int index) {
    return read_text(project.root() / "logs" / (text_of(runs[index], "reference") + ".log"));
  };
  std::string log = log_of(0);
  // Lines a stage logs carry its set's name; the host's own lines do not.
  EXPECT_NE(log.find("[INFO] [a] noisy stage logged for a\n"), std::string::npos) << log;
  EXPECT_NE(log.find("[INFO] stage 'noisy' on record 1 ('b'): executing\n"), std::string::npos) << log;
  EXPECT_TRUE(std::regex_search(
      log, std::regex("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} \\[INFO\\] run ")))
      << log;
  EXPECT_EQ(log.find("noisy stage output"), std::string::npos) << "stderr is not logged without --log-errors";
  EXPECT_EQ(log.find("[DEBUG]"), std::string::npos);
  EXPECT_NE(result.out.find("INFO - [a] noisy stage logged for a\n"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("noisy stage output for a"), std::string::npos) << result.err;

  result = project.run("dag_experiment -p sets --overwrite --log-errors -v");
  runs = project.runs();
  log = log_of(0);
  EXPECT_NE(log.find("noisy stage output for b\n"), std::string::npos) << log;
  EXPECT_NE(result.err.find("noisy stage output for b"), std::string::npos)
      << "still on the console: " << result.err;
  EXPECT_NE(log.find("[DEBUG] stage 'noisy' on record 0 ('a') took "), std::string::npos) << log;
  EXPECT_NE(result.out.find("DEBUG - "), std::string::npos) << result.out;

  result = project.run("dag_experiment -p sets --overwrite --quiet");
  runs = project.runs();
  EXPECT_EQ(result.out, "");
  EXPECT_NE(log_of(0).find("[INFO] [b] noisy stage logged for b"), std::string::npos);

  result = project.run("dag_experiment -p sets --overwrite --plain --no-color");
  EXPECT_TRUE(std::regex_search(result.out,
                                std::regex("\\d{2}:\\d{2}:\\d{2}\\.\\d{3} \\[INFO\\] \\[a\\] noisy stage")))
      << result.out;
  EXPECT_EQ(result.out.find("\x1b["), std::string::npos);

  const auto logs_before =
      std::distance(fs::directory_iterator(project.root() / "logs"), fs::directory_iterator());
  result = project.run("dag_experiment -p sets --overwrite --no-log");
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_EQ(std::distance(fs::directory_iterator(project.root() / "logs"), fs::directory_iterator()),
            logs_before);
  EXPECT_EQ(project.runs().Size(), 5u);
}

TEST(RunStore, NotesInlineAndFromTheEditor) {
  StoreProject project;
  ASSERT_EQ(project.run("dag_experiment -p sets --notes 'A simple test run.'").exit_code, 0);

  // A fake editor: writes two paragraphs and a comment into the file it is given.
  project.project().write(
      "fake_editor.sh",
      "#!/bin/sh\nprintf 'Short form line\\n\\nThe longer story.\\n# dropped\\n' > \"$1\"\n");
  fs::permissions(project.root() / "fake_editor.sh", fs::perms::owner_all);
  const CommandResult edited =
      project.run("dag_experiment -p sets --notes",
                  "EDITOR=" + shell_quote((project.root() / "fake_editor.sh").string()));
  ASSERT_EQ(edited.exit_code, 0) << edited.err;

  const auto runs = project.runs();
  ASSERT_EQ(runs.Size(), 2u);
  EXPECT_EQ(text_of(runs[1], "notes"), "A simple test run.");
  EXPECT_EQ(text_of(runs[0], "notes"), "Short form line\n\nThe longer story.");
  const CommandResult table = project.run("runs");
  EXPECT_NE(table.out.find("Short form line\n"), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("The longer story"), std::string::npos) << table.out;

  // A run that fails before it is recorded (a misspelt experiment) does not open the editor.
  const fs::path opened = project.root() / "editor_opened";
  project.project().write("marking_editor.sh",
                          "#!/bin/sh\ntouch " + shell_quote(opened.string()) + "; echo notes > \"$1\"\n");
  fs::permissions(project.root() / "marking_editor.sh", fs::perms::owner_all);
  const CommandResult typo =
      project.run("dag_experimnet -p sets --notes",
                  "EDITOR=" + shell_quote((project.root() / "marking_editor.sh").string()));
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.err.find("experiment 'dag_experimnet' not found"), std::string::npos) << typo.err;
  EXPECT_FALSE(fs::exists(opened));
}

TEST(RunStore, PrintParamsByHashPrefixReadsTheRegistry) {
  StoreProject project;
  ASSERT_EQ(project.run("dag_experiment -p sets").exit_code, 0);
  const CommandResult hashes = project.run("dag_experiment -p sets --hashes");
  const std::string hash_of_b = hashes.out.substr(hashes.out.find('\n') + 1, 32);
  // A selection that excludes b, so the answer can only come from the registry.
  const CommandResult found =
      project.run("dag_experiment -p sets -n a --print-params " + hash_of_b.substr(0, 8));
  ASSERT_EQ(found.exit_code, 0) << found.err;
  EXPECT_NE(found.out.find("\"name\": \"b\""), std::string::npos) << found.out;
  const CommandResult missing = project.run("dag_experiment -p sets --print-params ffffffffff");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no registered set's hash starts with it"), std::string::npos) << missing.err;
}

TEST(RunStore, FullStoreReproducesWithoutTheCache) {
  StoreProject project(StoreProject::two_sets("aggregate"));
  ASSERT_EQ(project.run("dag_experiment -p sets --store-full --notes kept").exit_code, 0);
  const auto runs = project.runs();
  const std::string reference = text_of(runs[0], "reference");
  const fs::path folder = project.root() / "data" / "runs" / reference;
  for (const char* file : {"log.txt", "params.json", "run.json", "environment.json"}) {
    EXPECT_TRUE(fs::exists(folder / file)) << file;
  }
  EXPECT_TRUE(runs[0]["full_store"].GetBool());
  const std::string reproduce = text_of(runs[0], "reproduce");
  // Relative to the project, as the original writes it, so it still works once the project moves.
  EXPECT_EQ(reproduce,
            "experiment dag_experiment -p sets --cache data/runs/" + reference + "/artifacts --dry-cache");

  // The artifacts are the cache's files, byte for byte, under the same names.
  const auto cached = files_below(project.root() / "data" / "cache");
  const auto stored = files_below(folder / "artifacts");
  EXPECT_EQ(stored, cached);

  fs::remove_all(project.root() / "data" / "cache");
  const CommandResult again = project.run(reproduce.substr(std::string("experiment ").size()));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(project.trace(), std::vector<std::string>{});
  EXPECT_NE(again.out.find("0 stage calls executed"), std::string::npos) << again.out;
  EXPECT_FALSE(fs::exists(project.root() / "data" / "cache"));
  EXPECT_EQ(files_below(folder / "artifacts"), stored);

  // The whole project moved elsewhere: the same line reproduces the run there.
  ScratchFolder moved;
  fs::copy(project.root(), moved.path(), fs::copy_options::recursive);
  fs::remove_all(project.root() / "data" / "runs");  // nothing left at the old place
  const CommandResult there =
      run_shell(moved.path(),
                shell_quote(CF_EXPERIMENT_BIN) + " " + reproduce.substr(std::string("experiment ").size()));
  ASSERT_EQ(there.exit_code, 0) << there.err << there.out;
  EXPECT_NE(there.out.find("0 stage calls executed"), std::string::npos) << there.out;
  EXPECT_FALSE(fs::exists(moved.path() / "data" / "cache"));
}

}  // namespace
}  // namespace cf::test
