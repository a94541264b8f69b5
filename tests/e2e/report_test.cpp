// Run reports end to end: the dag_experiment's "report" shape shows one reportable of each
// kind; the reports must exist after each run, show cached reportables again without
// duplicates, survive the deletion of an image's original, and escape what users typed.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace cf::test {
namespace {

namespace fs = std::filesystem;

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

// The reference of the newest run, from `experiment runs --json`.
std::string newest_reference(const TempProject& project) {
  const CommandResult runs = project.experiment("runs --json");
  const auto at = runs.out.find("\"reference\": \"");
  if (at == std::string::npos) return "";
  const auto begin = at + 14;
  return runs.out.substr(begin, runs.out.find('"', begin) - begin);
}

TEST(Reports, CachedReportablesShowAgainWithoutDuplicates) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml", "- name: a\n  shape: report\n  label: \"<script>alert(1)</script>\"\n");

  CommandResult first = project.experiment("dag_experiment -p sets");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string first_reference = newest_reference(project);
  const fs::path first_page = project.root() / "reports" / first_reference / "index.html";
  ASSERT_TRUE(fs::exists(first_page)) << first.out;
  EXPECT_NE(first.out.find("INFO - report: reports/" + first_reference + "/index.html"), std::string::npos)
      << first.out;
  const std::string page = read_text(first_page);

  CommandResult second = project.experiment("dag_experiment -p sets");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("stage 'show' on record 0 ('a'): loaded from cache"), std::string::npos)
      << second.out;
  const std::string second_reference = newest_reference(project);
  ASSERT_NE(second_reference, first_reference);
  const std::string again = read_text(project.root() / "reports" / second_reference / "index.html");

  for (const char* name : {"0_show_curve", "0_show_numbers", "0_show_params", "0_show_note", "0_show_banner",
                           "0_show_picture"}) {
    EXPECT_GT(count(page, name), 0u) << name;
    EXPECT_EQ(count(again, name), count(page, name)) << name << " appears a different number of times";
    EXPECT_EQ(count(again, std::string(name) + "_2"), 0u) << name << " was duplicated";
  }
  // The raw HTML reportable goes in as is; everything the user typed is escaped.
  EXPECT_NE(again.find("<b class=\"cf-test-banner\">raw html</b>"), std::string::npos);
  EXPECT_EQ(again.find("<script>alert(1)</script>"), std::string::npos);
  EXPECT_NE(again.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  // A plot, a graph and the image, whose original file the stage deleted.
  EXPECT_NE(again.find("class=\"cf-plot\""), std::string::npos);
  EXPECT_NE(again.find("cf-graph"), std::string::npos);
  bool image_copied = false;
  for (const auto& entry : fs::recursive_directory_iterator(project.root() / "reports" / second_reference)) {
    image_copied = image_copied || entry.path().extension() == ".svg";
  }
  EXPECT_TRUE(image_copied);
  EXPECT_TRUE(fs::exists(project.root() / "reports" / "index.html"));
  EXPECT_EQ(fs::read_symlink(project.root() / "reports" / "_latest").filename(), second_reference);
}

TEST(Reports, FailedAndCrashedRunsGetAReportWithTheError) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/boom.yaml", "- name: a\n  shape: throw\n");
  project.write("params/crash.yaml", "- name: a\n  shape: segfault\n");

  ASSERT_EQ(project.experiment("dag_experiment -p boom").exit_code, 1);
  std::string page = read_text(project.root() / "reports" / newest_reference(project) / "index.html");
  EXPECT_NE(page.find("the detonator was pressed"), std::string::npos);

  ASSERT_EQ(project.experiment("dag_experiment -p crash").exit_code, 1);
  page = read_text(project.root() / "reports" / newest_reference(project) / "index.html");
  EXPECT_NE(page.find("killed by signal 11 (SIGSEGV)"), std::string::npos);
}

TEST(Reports, DryRunsWriteNoReport) {
  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml", "- name: a\n  shape: report\n");
  ASSERT_EQ(project.experiment("dag_experiment -p sets --dry").exit_code, 0);
  EXPECT_FALSE(fs::exists(project.root() / "reports"));
}

}  // namespace
}  // namespace cf::test
