#include "report_writer.hpp"

#include "support/scratch_folder.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace cf::reports {
namespace {

namespace fs = std::filesystem;
using test::ScratchFolder;

const std::string kScript = "<script>alert(1)</script>";
const std::string kEscapedScript = "&lt;script&gt;alert(1)&lt;/script&gt;";

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The text between `start` (included) and the next `end` after it, "" when `start` is absent.
std::string between(const std::string& text, const std::string& start, const std::string& end) {
  const auto from = text.find(start);
  if (from == std::string::npos) return {};
  const auto to = text.find(end, from + start.size());
  return text.substr(from, to == std::string::npos ? std::string::npos : to + end.size() - from);
}

std::string info_row(const std::string& page, const std::string& field) {
  return between(page, "<tr data-field=\"" + field + "\">", "</tr>");
}

Reportable reportable(std::string name, std::string kind, std::string payload, std::string group = "") {
  Reportable r;
  r.qualified_name = "0_stage_" + name;
  r.name = std::move(name);
  r.group = std::move(group);
  r.stage = "train";
  r.record = 0;
  r.kind = std::move(kind);
  r.payload_json = std::move(payload);
  return r;
}

// As the host makes them: <experiment>_<number>_<YYYY-MM-DD-THHMMSS>.
std::string reference_of(const std::string& experiment, int number, std::string timestamp) {
  std::erase(timestamp, ':');
  timestamp.replace(timestamp.find('T'), 1, "-T");
  return experiment + "_" + std::to_string(number) + "_" + timestamp;
}

// A small but complete run: one record with two stage calls and one parameter set.
RunReport sample_report(const std::string& experiment, int number, const std::string& timestamp) {
  RunReport report;
  auto& s = report.summary;
  s.experiment = experiment;
  s.number = number;
  s.timestamp = timestamp;
  s.reference = reference_of(experiment, number, timestamp);
  s.hostname = "node-" + experiment;
  s.status = "complete";
  s.git_commit = "0123456789abcdef0123456789abcdef01234567";
  s.param_files_json = R"([{"file": "params_a", "sets": [["small", "a8a97ac6"], ["large", "1ae3169d"]]}])";
  s.command = "experiment " + experiment + " -p params_a";
  s.notes = "";

  report.records.push_back({0, "small", "a8a97ac6", {}});
  StageView load;
  load.id = 0;
  load.name = "load_data";
  load.action = "execute";
  load.outputs.push_back({"data", "json", "/cache/small_load_data_data.json", "[1, 2, 3]"});
  StageView train;
  train.id = 1;
  train.name = "train";
  train.action = "execute";
  train.inputs.push_back("data");
  train.sources.push_back({0, "data"});
  train.outputs.push_back({"model", "", "", ""});
  report.stages = {load, train};
  report.params.push_back({"small", "a8a97ac6", R"({"name": "small", "a": 5, "b": 8})"});
  return report;
}

TEST(ReportWriter, WritesTheRunFolderWithEveryFile) {
  const ScratchFolder scratch;
  const auto root = scratch.path() / "reports";
  auto report = sample_report("exp", 1, "2024-03-01T10:00:00");
  report.summary.log_file = scratch.write("logs/exp_1.log", "INFO started\nINFO done\n");
  const auto image = scratch.write("cache/plot.png", "\x89PNG fake image bytes");
  report.reportables.push_back(reportable("residuals", "image", R"({"path": ")" + image.string() + R"("})"));

  write_run_report(root, report, "");
  const auto folder = root / report.summary.reference;
  for (const char* file : {"index.html", "style.css", "run.json", "log.txt"}) {
    EXPECT_TRUE(fs::is_regular_file(folder / file)) << file;
  }
  EXPECT_EQ(read(folder / "log.txt"), "INFO started\nINFO done\n");
  EXPECT_TRUE(fs::is_regular_file(root / "index.html"));
  EXPECT_TRUE(fs::is_regular_file(root / "style.css"));
  ASSERT_TRUE(fs::is_symlink(root / "_latest"));
  EXPECT_EQ(fs::read_symlink(root / "_latest"), fs::path(report.summary.reference));
  EXPECT_TRUE(fs::equivalent(root / "_latest", folder));

  // The page shows the copy in the report folder, which outlives the original.
  const auto page = read(folder / "index.html");
  EXPECT_TRUE(has(page, "<img class=\"cf-image\" src=\"reportables/0_stage_residuals.png\"")) << page;
  fs::remove(image);
  EXPECT_EQ(read(folder / "reportables" / "0_stage_residuals.png"), "\x89PNG fake image bytes");
  // Written again (as after a failure), the report still finds its earlier copy.
  report.summary.status = "error";
  write_run_report(root, report, "");
  EXPECT_TRUE(has(read(folder / "index.html"), "src=\"reportables/0_stage_residuals.png\""));
  EXPECT_FALSE(has(read(folder / "index.html"), "does not exist"));
  // No temporary files are left behind.
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".")) << entry.path();
  }
}

TEST(ReportWriter, InfoBlockShowsEveryFactOfTheRun) {
  const ScratchFolder scratch;
  auto report = sample_report("exp", 7, "2024-03-01T10:00:00");
  report.summary.git_dirty = true;
  report.summary.reproduce = "experiment exp -p params_a --cache runs/exp/artifacts --dry-cache";
  report.summary.full_store = true;
  report.summary.notes = "Tried the small model\nIt was fine.\nMore later.";
  report.summary.log_file = scratch.write("run.log", "log");
  write_run_report(scratch.path(), report, "");
  const auto page = read(scratch.path() / report.summary.reference / "index.html");

  EXPECT_TRUE(has(page, "<title>exp_7_2024-03-01-T100000 \xE2\x80\x94 exp</title>"));
  EXPECT_TRUE(has(info_row(page, "experiment"), "<td>exp</td>"));
  EXPECT_TRUE(has(info_row(page, "number"), "<td>7</td>"));
  EXPECT_TRUE(has(info_row(page, "timestamp"), "2024-03-01T10:00:00"));
  EXPECT_TRUE(has(info_row(page, "reference"), "exp_7_2024-03-01-T100000"));
  EXPECT_TRUE(has(info_row(page, "hostname"), "node-exp"));
  EXPECT_TRUE(has(info_row(page, "status"), "cf-status-complete\">complete<"));
  EXPECT_TRUE(has(info_row(page, "git"), "0123456789abcdef0123456789abcdef01234567"));
  EXPECT_TRUE(has(info_row(page, "git"), "cf-dirty"));
  const auto files = info_row(page, "param_files");
  EXPECT_TRUE(has(files, "params_a"));
  EXPECT_TRUE(has(files, "small"));
  EXPECT_TRUE(has(files, "a8a97ac6"));
  EXPECT_TRUE(has(files, "large"));
  EXPECT_TRUE(has(files, "1ae3169d"));
  EXPECT_TRUE(has(files, "href=\"#params-small\""));  // the set shown in the parameters section
  EXPECT_TRUE(has(info_row(page, "command"), "experiment exp -p params_a"));
  EXPECT_TRUE(has(info_row(page, "reproduce"), "--cache runs/exp/artifacts --dry-cache"));
  const auto notes = info_row(page, "notes");
  EXPECT_TRUE(has(notes, "Tried the small model"));
  EXPECT_FALSE(has(notes, "It was fine."));
  EXPECT_TRUE(has(info_row(page, "log"), "href=\"log.txt\""));
  EXPECT_FALSE(has(page, "data-field=\"error\""));

  const auto full_notes = between(page, "<section id=\"notes\"", "</section>");
  EXPECT_TRUE(has(full_notes, "Tried the small model\nIt was fine.\nMore later."));
  const auto params = between(page, "<section id=\"parameters\"", "</section>");
  EXPECT_TRUE(has(params, "id=\"params-small\""));
  EXPECT_TRUE(has(params, "a8a97ac6"));
  EXPECT_TRUE(has(params, "&quot;b&quot;: 8"));

  // Every field is kept in run.json, for rebuilding the index.
  rapidjson::Document run;
  const auto json = read(scratch.path() / report.summary.reference / "run.json");
  run.Parse(json.c_str());
  ASSERT_FALSE(run.HasParseError()) << json;
  EXPECT_STREQ(run["reference"].GetString(), "exp_7_2024-03-01-T100000");
  EXPECT_STREQ(run["experiment"].GetString(), "exp");
  EXPECT_EQ(run["number"].GetInt(), 7);
  EXPECT_STREQ(run["timestamp"].GetString(), "2024-03-01T10:00:00");
  EXPECT_STREQ(run["hostname"].GetString(), "node-exp");
  EXPECT_STREQ(run["status"].GetString(), "complete");
  EXPECT_STREQ(run["error"].GetString(), "");
  EXPECT_TRUE(run["git_dirty"].GetBool());
  EXPECT_TRUE(run["full_store"].GetBool());
  EXPECT_EQ(run["param_files"][0]["sets"][1][0].GetString(), std::string("large"));
  EXPECT_STREQ(run["command"].GetString(), "experiment exp -p params_a");
  EXPECT_TRUE(has(run["reproduce"].GetString(), "--dry-cache"));
  EXPECT_STREQ(run["notes"].GetString(), "Tried the small model\nIt was fine.\nMore later.");
  EXPECT_EQ(run["log_file"].GetString(), (scratch.path() / "run.log").string());
  EXPECT_TRUE(run["git_commit"].IsString());
}

TEST(ReportWriter, FailedRunShowsItsError) {
  const ScratchFolder scratch;
  auto report = sample_report("exp", 2, "2024-03-01T10:00:00");
  report.summary.status = "error";
  report.summary.error = "stage train failed: <bad> value";
  write_run_report(scratch.path(), report, "");
  const auto page = read(scratch.path() / report.summary.reference / "index.html");
  EXPECT_TRUE(has(info_row(page, "status"), "cf-status-error"));
  EXPECT_TRUE(has(info_row(page, "error"), "stage train failed: &lt;bad&gt; value"));
  EXPECT_TRUE(has(info_row(page, "log"), "none"));
}

TEST(ReportWriter, UserDataIsEscapedEverywhere) {
  const ScratchFolder scratch;
  auto report = sample_report("exp", 1, "2024-03-01T10:00:00");
  report.params[0].json = R"({"name": "small", "payload": ")" + kScript + R"("})";
  report.params[0].name = kScript;
  report.summary.notes = kScript + "\n" + kScript;
  report.summary.hostname = kScript;
  report.summary.command = "experiment exp --notes '" + kScript + "'";
  report.summary.param_files_json =
      R"([{"file": ")" + kScript + R"(", "sets": [[")" + kScript + R"(", "h"]]}])";
  report.reportables.push_back(reportable(kScript, "text", R"({"text": ")" + kScript + R"("})", kScript));
  report.reportables.push_back(reportable("json", "json", R"({"value": {"k": ")" + kScript + R"("}})"));
  report.reportables.push_back(reportable(
      "table", "table", R"({"columns": [")" + kScript + R"("], "rows": [[")" + kScript + R"("]]})"));
  report.reportables.push_back(
      reportable("plot", "line_plot",
                 R"({"title": ")" + kScript + R"(", "series": [{"name": "a", "x": [1], "y": [2]}]})"));
  write_run_report(scratch.path(), report, "");

  const auto page = read(scratch.path() / report.summary.reference / "index.html");
  EXPECT_FALSE(has(page, "<script")) << page;
  EXPECT_TRUE(has(info_row(page, "notes"), kEscapedScript));
  EXPECT_TRUE(has(info_row(page, "hostname"), kEscapedScript));
  EXPECT_TRUE(has(between(page, "<section id=\"parameters\"", "</section>"), kEscapedScript));
  EXPECT_TRUE(has(between(page, "<section id=\"reportables\"", "<section id=\"graph\""), kEscapedScript));
  EXPECT_FALSE(has(page, "cf-error")) << "every reportable should render";

  const auto index = read(scratch.path() / "index.html");
  EXPECT_FALSE(has(index, "<script"));
  EXPECT_TRUE(has(index, kEscapedScript));
}

TEST(ReportWriter, RawHtmlReportableIsInsertedAsIs) {
  const ScratchFolder scratch;
  auto report = sample_report("exp", 1, "2024-03-01T10:00:00");
  const std::string markup = "<div id=\"author-markup\"><b>bold</b> &amp; <em>plain</em></div>";
  report.reportables.push_back(reportable(
      "custom", "html", R"({"html": "<div id=\"author-markup\"><b>bold</b> &amp; <em>plain</em></div>"})"));
  write_run_report(scratch.path(), report, "");
  const auto page = read(scratch.path() / report.summary.reference / "index.html");
  EXPECT_TRUE(has(page, markup));
}

TEST(ReportWriter, TableNumbersUseTheGivenPrecision) {
  const ScratchFolder scratch;
  auto report = sample_report("exp", 1, "2024-03-01T10:00:00");
  report.reportables.push_back(reportable("scores", "table",
                                          R"({"columns": ["model", "score", "epochs", "ok", "note"],
          "rows": [["ridge", 3.14159, 42, true, null], ["<knn>", 0.5, 7, false, "x"]], "precision": 2})"));
  write_run_report(scratch.path(), report, "");
  const auto page = read(scratch.path() / report.summary.reference / "index.html");
  const auto table = between(page, "<table class=\"cf-table\">", "</table>");
  EXPECT_TRUE(has(table, "<th>score</th>"));
  EXPECT_TRUE(has(table, ">3.14</td>"));
  EXPECT_FALSE(has(table, "3.14159"));
  EXPECT_TRUE(has(table, ">0.50</td>"));
  EXPECT_TRUE(has(table, ">42</td>"));  // integers are counts, not measurements
  EXPECT_TRUE(has(table, "<td>true</td>"));
  EXPECT_TRUE(has(table, "&lt;knn&gt;"));
}

TEST(ReportWriter, GroupedReportablesAreShownTogether) {
  const ScratchFolder scratch;
  auto report = sample_report("exp", 1, "2024-03-01T10:00:00");
  report.reportables.push_back(reportable("accuracy", "text", R"({"text": "0.9"})", "metrics"));
  report.reportables.push_back(reportable("summary", "text", R"({"text": "all good"})"));
  report.reportables.push_back(reportable("recall", "text", R"({"text": "0.8"})", "metrics"));
  write_run_report(scratch.path(), report, "");
  const auto page = read(scratch.path() / report.summary.reference / "index.html");
  const auto group = between(page, "<section class=\"cf-group\"", "</section>");
  ASSERT_FALSE(group.empty()) << page;
  EXPECT_TRUE(has(group, ">metrics</h3>"));
  EXPECT_TRUE(has(group, "id=\"r-0_stage_accuracy\""));
  EXPECT_TRUE(has(group, "id=\"r-0_stage_recall\""));
  EXPECT_FALSE(has(group, "id=\"r-0_stage_summary\""));
  EXPECT_TRUE(has(page, "id=\"r-0_stage_summary\""));
  // The group sits where its first member was reported.
  EXPECT_LT(page.find("id=\"r-0_stage_recall\""), page.find("id=\"r-0_stage_summary\""));
}

TEST(ReportWriter, PlotsAndGraphsAreInlineSvg) {
  const ScratchFolder scratch;
  auto report = sample_report("exp", 1, "2024-03-01T10:00:00");
  report.reportables.push_back(
      reportable("loss", "line_plot",
                 R"({"title": "loss", "series": [{"name": "train", "x": [0, 1, 2], "y": [3, 2, 1]}]})"));
  write_run_report(scratch.path(), report, "");
  const auto page = read(scratch.path() / report.summary.reference / "index.html");
  EXPECT_TRUE(has(page, "<svg class=\"cf-plot\""));
  const auto graph =
      between(between(page, "<section id=\"graph\"", "</section>"), "<div class=\"cf-graph\">", "</div>");
  EXPECT_TRUE(has(graph, "<svg")) << page;
  const auto record = between(page, "<section class=\"cf-record\" id=\"record-0\">", "</section>");
  EXPECT_TRUE(has(record, "<div class=\"cf-graph cf-record-graph\">"));
  EXPECT_TRUE(has(record, "<svg"));
}

TEST(ReportWriter, ABrokenReportableIsReportedInItsPlace) {
  const ScratchFolder scratch;
  auto report = sample_report("exp", 1, "2024-03-01T10:00:00");
  report.reportables.push_back(
      reportable("bad_plot", "line_plot", R"({"series": [{"name": "s", "x": [1, 2, 3], "y": [1, 2]}]})"));
  report.reportables.push_back(reportable("gone", "image", R"({"path": "/nonexistent/plot.png"})"));
  report.reportables.push_back(reportable("odd", "hologram", "{}"));
  report.reportables.push_back(reportable("fine", "text", R"({"text": "still here"})"));
  write_run_report(scratch.path(), report, "");
  const auto page = read(scratch.path() / report.summary.reference / "index.html");
  EXPECT_TRUE(has(between(page, "id=\"r-0_stage_bad_plot\"", "</article>"), "x has 3 values but y has 2"));
  EXPECT_TRUE(
      has(between(page, "id=\"r-0_stage_gone\"", "</article>"), "/nonexistent/plot.png does not exist"));
  EXPECT_TRUE(has(between(page, "id=\"r-0_stage_odd\"", "</article>"), "unknown reportable kind"));
  EXPECT_TRUE(has(page, "still here"));
}

TEST(ReportWriter, TheConfiguredStylesheetIsCopiedElseTheBuiltInOneIsWritten) {
  const ScratchFolder scratch;
  const auto root = scratch.path() / "reports";
  const auto report = sample_report("exp", 1, "2024-03-01T10:00:00");
  write_run_report(root, report, scratch.path() / "missing.css");
  const auto builtin = read(root / report.summary.reference / "style.css");
  EXPECT_TRUE(has(builtin, ".cf-status-complete"));
  EXPECT_TRUE(has(builtin, ".cf-status-error"));
  EXPECT_TRUE(has(builtin, ".cf-status-incomplete"));

  const auto css = scratch.write("project.css", "/* the project's own look */\nbody { color: teal; }\n");
  write_run_report(root, report, css);
  EXPECT_EQ(read(root / report.summary.reference / "style.css"), read(css));
  EXPECT_EQ(read(root / "style.css"), read(css));

  // With the default configuration the stylesheet is <reports>/style.css itself; editing it
  // restyles the reports written afterwards.
  const auto own = root / "style.css";
  std::ofstream(own) << "/* edited */";
  write_run_report(root, report, own);
  EXPECT_EQ(read(own), "/* edited */");
  EXPECT_EQ(read(root / report.summary.reference / "style.css"), "/* edited */");
}

TEST(ReportWriter, UnsafeReferencesAreRefused) {
  const ScratchFolder scratch;
  for (const char* reference : {"", "../escape", "a/b", "_latest", ".hidden"}) {
    auto report = sample_report("exp", 1, "2024-03-01T10:00:00");
    report.summary.reference = reference;
    EXPECT_THROW(write_run_report(scratch.path() / "reports", report, ""), std::runtime_error) << reference;
  }
  EXPECT_FALSE(fs::exists(scratch.path() / "escape"));
  EXPECT_FALSE(fs::exists(scratch.path() / "reports"));
}

TEST(ReportWriter, LatestFollowsTheNewestReportWritten) {
  const ScratchFolder scratch;
  const auto first = sample_report("exp", 1, "2024-03-01T10:00:00");
  const auto second = sample_report("exp", 2, "2024-03-01T11:00:00");
  write_run_report(scratch.path(), first, "");
  write_run_report(scratch.path(), second, "");
  EXPECT_EQ(fs::read_symlink(scratch.path() / "_latest"), fs::path(second.summary.reference));
  EXPECT_TRUE(has(read(scratch.path() / "index.html"), "href=\"_latest/index.html\""));
}

// Runs of two experiments: alpha 1, beta 1 (failed, dirty, fully stored, with notes), alpha 2.
void index_fixture(const ScratchFolder& scratch) {
  auto alpha_1 = sample_report("alpha", 1, "2024-03-01T10:00:00");
  auto beta_1 = sample_report("beta", 1, "2024-03-02T09:00:00");
  beta_1.summary.status = "error";
  beta_1.summary.error = "boom";
  beta_1.summary.git_dirty = true;
  beta_1.summary.full_store = true;
  beta_1.summary.notes = "First line of the notes\nsecond line stays on the run page";
  auto alpha_2 = sample_report("alpha", 2, "2024-03-03T08:00:00");
  alpha_2.summary.status = "incomplete";
  write_run_report(scratch.path(), alpha_1, "");
  write_run_report(scratch.path(), beta_1, "");
  write_run_report(scratch.path(), alpha_2, "");
}

std::string run_row(const std::string& section, const std::string& reference) {
  const auto link = section.find("href=\"" + reference + "/index.html\"");
  if (link == std::string::npos) return {};
  const auto start = section.rfind("<tr", link);
  return section.substr(start, section.find("</tr>", link) + 5 - start);
}

TEST(ReportWriterIndex, ListsRunsPerExperimentAndAllRunsNewestFirst) {
  const ScratchFolder scratch;
  index_fixture(scratch);
  const auto index = read(scratch.path() / "index.html");
  EXPECT_TRUE(has(index, "<title>Curifactory reports</title>"));

  const std::string alpha_1 = "alpha_1_2024-03-01-T100000";
  const std::string alpha_2 = "alpha_2_2024-03-03-T080000";
  const std::string beta_1 = "beta_1_2024-03-02-T090000";
  const auto all = between(index, "<section class=\"cf-section\" id=\"all-runs\">", "</section>");
  ASSERT_FALSE(all.empty()) << index;
  EXPECT_LT(all.find(alpha_2), all.find(beta_1));
  EXPECT_LT(all.find(beta_1), all.find(alpha_1));

  const auto alpha = between(index, "id=\"exp-alpha\">", "</section>");
  EXPECT_TRUE(has(alpha, alpha_1));
  EXPECT_TRUE(has(alpha, alpha_2));
  EXPECT_FALSE(has(alpha, beta_1));
  EXPECT_LT(alpha.find(alpha_2), alpha.find(alpha_1));
  const auto beta = between(index, "id=\"exp-beta\">", "</section>");
  EXPECT_TRUE(has(beta, beta_1));
  EXPECT_FALSE(has(beta, alpha_1));

  const auto failed = run_row(all, beta_1);
  EXPECT_TRUE(has(failed, "cf-status-error"));
  EXPECT_TRUE(has(failed, "cf-dirty"));
  EXPECT_TRUE(has(failed, "cf-full-store"));
  EXPECT_TRUE(has(failed, "<em>First line of the notes</em>"));
  EXPECT_TRUE(has(failed, "node-beta"));
  EXPECT_TRUE(has(failed, "experiment beta -p params_a"));
  EXPECT_TRUE(has(failed, "params_a</code>: small, large"));
  EXPECT_FALSE(has(index, "second line stays on the run page"));

  const auto clean = run_row(all, alpha_1);
  EXPECT_TRUE(has(clean, "cf-status-complete"));
  EXPECT_FALSE(has(clean, "cf-dirty"));
  EXPECT_FALSE(has(clean, "cf-full-store"));
  EXPECT_TRUE(has(run_row(all, alpha_2), "cf-status-incomplete"));
}

TEST(ReportWriterIndex, SameTimestampOrdersByRunNumber) {
  const ScratchFolder scratch;
  auto first = sample_report("exp", 1, "2024-03-01T10:00:00");
  auto second = sample_report("exp", 2, "2024-03-01T10:00:00");
  write_run_report(scratch.path(), second, "");
  write_run_report(scratch.path(), first, "");
  const auto all = between(read(scratch.path() / "index.html"), "id=\"all-runs\">", "</section>");
  EXPECT_LT(all.find(second.summary.reference), all.find(first.summary.reference));
}

TEST(ReportWriterIndex, IsRebuiltFromReportFoldersAndSkipsOthers) {
  const ScratchFolder scratch;
  index_fixture(scratch);
  // A report made elsewhere, copied in under another folder name.
  const ScratchFolder elsewhere;
  const auto foreign = sample_report("gamma", 5, "2023-12-24T18:00:00");
  write_run_report(elsewhere.path(), foreign, "");
  fs::copy(elsewhere.path() / foreign.summary.reference, scratch.path() / "from the cluster",
           fs::copy_options::recursive);
  // Folders that are not reports, or whose run.json is unusable.
  scratch.write("notes/readme.txt", "not a report");
  scratch.write("broken/run.json", "{not json");
  scratch.write("wrong/run.json", R"({"reference": 5, "experiment": "x"})");
  scratch.write("list/run.json", "[1, 2]");
  scratch.write("stray.txt", "a file at the root");

  write_report_index(scratch.path(), "");
  const auto index = read(scratch.path() / "index.html");
  const auto all = between(index, "id=\"all-runs\">", "</section>");
  EXPECT_TRUE(has(all, "href=\"from%20the%20cluster/index.html\">gamma_5_2023-12-24-T180000</a>")) << all;
  EXPECT_TRUE(has(index, "id=\"exp-gamma\""));
  EXPECT_TRUE(has(all, "alpha_1_2024-03-01-T100000"));
  EXPECT_FALSE(has(index, "notes/index.html"));
  EXPECT_FALSE(has(index, "broken"));
  EXPECT_FALSE(has(index, "wrong"));
  EXPECT_FALSE(has(index, "list/index.html"));
  // _latest is a link to a report, not one more report.
  EXPECT_FALSE(has(all, "href=\"_latest/index.html\""));
  EXPECT_GT(all.find("gamma_5"), all.find("alpha_1_2024"));  // oldest last
}

TEST(ReportWriterIndex, AnEmptyRootGetsAnEmptyIndex) {
  const ScratchFolder scratch;
  write_report_index(scratch.path() / "reports", "");
  const auto index = read(scratch.path() / "reports" / "index.html");
  EXPECT_TRUE(has(index, "<title>Curifactory reports</title>"));
  EXPECT_TRUE(has(index, "No reports yet."));
  EXPECT_FALSE(has(index, "_latest"));
  EXPECT_TRUE(fs::is_regular_file(scratch.path() / "reports" / "style.css"));
}

}  // namespace
}  // namespace cf::reports
