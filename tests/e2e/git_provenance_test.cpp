// What a run records of the project's git state: outside any repository it says "not a git
// repository" in the store, the report, the index and the environment and warns about nothing;
// a dirty work tree still gets its warning.
#include "support/git_folder.hpp"
#include "support/temp_project.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>

namespace cf::test {
namespace {

namespace fs = std::filesystem;

// The lines of `text` that are warnings mentioning git, to show in a failure.
std::string git_warnings(const std::string& text) {
  std::string found;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("WARNING") != std::string::npos && line.find("git") != std::string::npos)
      found += line + "\n";
  }
  return found;
}

// `experiment runs --json`'s newest run.
rapidjson::Document newest_run(const TempProject& project) {
  const CommandResult runs = project.experiment("runs --json");
  EXPECT_EQ(runs.exit_code, 0) << runs.err;
  rapidjson::Document document;
  document.Parse(runs.out.c_str());
  EXPECT_TRUE(!document.HasParseError() && document.IsArray() && document.Size() > 0) << runs.out;
  rapidjson::Document run;
  if (document.IsArray() && document.Size() > 0) run.CopyFrom(document[0], run.GetAllocator());
  return run;
}

TEST(GitProvenance, OutsideARepositoryTheRunRecordsItAndWarnsNothing) {
  TempProject project;
  ASSERT_FALSE(inside_a_git_repository(project.root()))
      << project.root() << " is inside a git repository; this test needs a temporary folder outside one";
  project.add_plugin("listed_experiment", "experiments/alpha.so");
  const CommandResult run = project.experiment("alpha --store-full");
  ASSERT_TRUE(succeeded("experiment alpha --store-full", run));
  EXPECT_EQ(git_warnings(run.out + run.err), "");

  const rapidjson::Document stored = newest_run(project);
  ASSERT_TRUE(stored.IsObject() && stored.HasMember("reference"));
  const std::string reference = stored["reference"].GetString();
  EXPECT_STREQ(stored["git_commit"].GetString(), "not a git repository");
  EXPECT_FALSE(stored["git_dirty"].GetBool());

  const std::string log = read_text(project.root() / "logs" / (reference + ".log"));
  EXPECT_NE(log, "");
  EXPECT_EQ(git_warnings(log), "");

  const std::string report = read_text(project.root() / "reports" / reference / "index.html");
  EXPECT_NE(report.find("<th>Git commit</th><td><span class=\"cf-missing\">not a git repository</span></td>"),
            std::string::npos)
      << report;
  const std::string index = read_text(project.root() / "reports" / "index.html");
  EXPECT_NE(index.find("<td class=\"cf-git\"><span class=\"cf-missing\">not a git repository</span></td>"),
            std::string::npos)
      << index;

  rapidjson::Document environment;
  environment.Parse(read_text(project.root() / "data" / "runs" / reference / "environment.json").c_str());
  ASSERT_TRUE(environment.IsObject() && environment.HasMember("git")) << reference;
  EXPECT_STREQ(environment["git"]["commit"].GetString(), "not a git repository");
}

TEST(GitProvenance, ADirtyWorkTreeStillWarns) {
  TempProject project;
  if (run_shell(project.root(), "command -v git").exit_code != 0) GTEST_SKIP() << "no git command";
  project.add_plugin("listed_experiment", "experiments/alpha.so");
  const std::string git = "git -c user.name=test -c user.email=test@example.org -c init.defaultBranch=main ";
  ASSERT_TRUE(succeeded("git init and commit",
                        run_shell(project.root(), git + "init -q . && " + git + "add experiments && " + git +
                                                      "commit -q -m plugin")));
  project.write("notes.txt", "not committed\n");

  const CommandResult run = project.experiment("alpha");
  ASSERT_TRUE(succeeded("experiment alpha", run));
  EXPECT_NE(run.out.find("WARNING - git: uncommitted changes: notes.txt"), std::string::npos) << run.out;
  const rapidjson::Document stored = newest_run(project);
  ASSERT_TRUE(stored.IsObject() && stored.HasMember("git_commit"));
  EXPECT_TRUE(std::regex_match(stored["git_commit"].GetString(), std::regex("[0-9a-f]{40}")))
      << stored["git_commit"].GetString();
  EXPECT_TRUE(stored["git_dirty"].GetBool());
}

}  // namespace
}  // namespace cf::test
