// The run engine end to end: the real `experiment` binary runs the dag_experiment plugin in a
// temporary project, and the plugin's trace file says which stage functions actually ran.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace cf::test {
namespace {

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

Lines split_lines(const std::string& text) {
  Lines lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Every file under `root` with its size and contents, to prove a run wrote nothing.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string relative = fs::relative(entry.path(), root).string();
    files[relative] = entry.is_regular_file() ? read_text(entry.path()) : std::string("<dir>");
  }
  return files;
}

std::set<std::string> cache_files(const fs::path& cache) {
  std::set<std::string> names;
  for (const auto& [name, contents] : files_below(cache)) names.insert(name);
  return names;
}

class DagProject {
 public:
  explicit DagProject(const std::string& yaml) {
    project_.add_plugin("dag_experiment", "experiments/dag_experiment.so");
    project_.add_plugin("bad_cacher_experiment", "experiments/bad_cacher_experiment.so");
    project_.add_plugin("bad_declaration_experiment", "experiments/bad_declaration_experiment.so");
    project_.write("params/sets.yaml", yaml);
  }

  // Runs the experiment; returns the result and leaves the stage functions that ran in trace().
  CommandResult run(const std::string& flags, const std::string& experiment = "dag_experiment",
                    const std::string& params = "sets") {
    fs::remove(trace_.path() / "trace");
    const std::string trace_file = (trace_.path() / "trace").string();
    CommandResult result = project_.experiment(experiment + " -p " + params + " " + flags,
                                               "CF_TRACE=" + shell_quote(trace_file));
    trace_lines_ = fs::exists(trace_file) ? split_lines(read_text(trace_file)) : Lines{};
    return result;
  }
  const Lines& trace() const { return trace_lines_; }

  const fs::path& root() const { return project_.root(); }
  fs::path cache() const { return root() / "data" / "cache"; }

  // The cache file of `stage`'s `output` for the set with hash `hash` (searched, as some
  // stages cache into a subfolder).
  fs::path cached(const std::string& hash, const std::string& stage, const std::string& output,
                  const std::string& suffix = ".msgpack") const {
    const std::string name = "dag_experiment_" + hash + "_" + stage + "_" + output + suffix;
    for (const auto& entry : fs::recursive_directory_iterator(cache())) {
      if (entry.path().filename() == name) return entry.path();
    }
    ADD_FAILURE() << "no cache file " << name;
    return cache() / name;
  }

  std::map<std::string, std::string> hashes() {
    std::map<std::string, std::string> by_name;
    const CommandResult result = project_.experiment("dag_experiment -p sets --hashes");
    for (const auto& line : split_lines(result.out)) {
      const auto space = line.find(' ');
      by_name[line.substr(space + 1)] = line.substr(0, space);
    }
    return by_name;
  }

 private:
  TempProject project_;
  ScratchFolder trace_;
  Lines trace_lines_;
};

std::string two_sets(const std::string& shape) {
  return "- name: a\n  shape: " + shape + "\n  seed: 1\n- name: b\n  shape: " + shape + "\n  seed: 2\n";
}

// One graph shape and what each scenario must execute.
struct Shape {
  std::string name;
  Lines cold;                  // every stage call, in program order
  std::string early_stage;     // for --overwrite-stage
  Lines early_rerun;           // it and its dependants
  std::string upstream_stage;  // a non-goal stage of set a, whose cache gets deleted
  std::string upstream_output;
  std::string leaf_stage;  // a goal stage of set a
  std::string leaf_output;
  std::string leaf_record;         // the name of the record the leaf runs on
  std::string leaf_hash_of = "a";  // the set whose hash names the leaf's files ("" = aggregate)
};

std::ostream& operator<<(std::ostream& out, const Shape& shape) {
  return out << shape.name;
}

class RunEngineShapes : public ::testing::TestWithParam<Shape> {};

TEST_P(RunEngineShapes, ExecutesExactlyWhatEachScenarioNeeds) {
  const Shape& shape = GetParam();
  DagProject project(two_sets(shape.name));
  const auto hashes = project.hashes();

  // --dry: every stage runs, and not one file is written anywhere in the project.
  const auto before = snapshot(project.root());
  CommandResult result = project.run("--dry");
  ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
  EXPECT_EQ(project.trace(), shape.cold);
  EXPECT_EQ(snapshot(project.root()), before);

  result = project.run("");
  ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
  EXPECT_EQ(project.trace(), shape.cold) << "cold run";

  result = project.run("");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(project.trace(), Lines{}) << "fully cached run";
  EXPECT_NE(result.out.find("0 stage calls executed"), std::string::npos) << result.out;

  // A cached goal means nothing upstream runs, even when upstream caches are gone.
  fs::remove(project.cached(hashes.at("a"), shape.upstream_stage, shape.upstream_output));
  result = project.run("");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(project.trace(), Lines{}) << "upstream cache deleted";

  result = project.run("--overwrite");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(project.trace(), shape.cold) << "--overwrite";

  result = project.run("--overwrite-stage " + shape.early_stage);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(project.trace(), shape.early_rerun) << "--overwrite-stage " << shape.early_stage;

  result = project.run("--no-dag");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(project.trace(), Lines{}) << "--no-dag, all cached";

  const std::string leaf_hash = shape.leaf_hash_of.empty() ? "" : hashes.at(shape.leaf_hash_of);
  auto leaf_file = [&] {
    for (const auto& file : cache_files(project.cache())) {
      if (file.find("_" + shape.leaf_stage + "_" + shape.leaf_output + ".msgpack") != std::string::npos &&
          (leaf_hash.empty() || file.find(leaf_hash) != std::string::npos)) {
        return project.cache() / file;
      }
    }
    ADD_FAILURE() << "no cache file for the leaf " << shape.leaf_stage;
    return fs::path();
  };
  const Lines leaf_only{shape.leaf_stage + ":" + shape.leaf_record};

  fs::path leaf = leaf_file();
  fs::remove(leaf);
  result = project.run("--no-dag");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(project.trace(), leaf_only) << "--no-dag with the leaf's cache deleted";
  EXPECT_TRUE(fs::exists(leaf));

  // --dry-cache reads the cache and writes none.
  fs::remove(leaf);
  const auto before_dry_cache = cache_files(project.cache());
  result = project.run("--dry-cache");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(project.trace(), leaf_only) << "--dry-cache";
  EXPECT_EQ(cache_files(project.cache()), before_dry_cache);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, RunEngineShapes,
    ::testing::Values(
        Shape{"chain",
              {"load:a", "scale:a", "total:a", "load:b", "scale:b", "total:b"},
              "scale",
              {"scale:a", "total:a", "scale:b", "total:b"},
              "scale",
              "scaled",
              "total",
              "sum",
              "a"},
        Shape{"fork",
              {"load:a", "scale:a", "total:a", "mean:a", "load:b", "scale:b", "total:b", "mean:b"},
              "load",
              {"load:a", "scale:a", "total:a", "mean:a", "load:b", "scale:b", "total:b", "mean:b"},
              "load",
              "data",
              "mean",
              "mean",
              "a"},
        Shape{"copy",
              {"load:a", "mean:a", "scale:a_copy", "total:a_copy", "load:b", "mean:b", "scale:b_copy",
               "total:b_copy"},
              "scale",
              {"scale:a_copy", "total:a_copy", "scale:b_copy", "total:b_copy"},
              "load",
              "data",
              "mean",
              "mean",
              "a"},
        Shape{"aggregate",
              {"load:a", "scale:a", "total:a", "load:b", "scale:b", "total:b", "compare:None"},
              "total",
              {"total:a", "total:b", "compare:None"},
              "scale",
              "scaled",
              "compare",
              "ranking",
              "None",
              ""}),
    [](const ::testing::TestParamInfo<Shape>& info) { return info.param.name; });

TEST(RunEngine, CacheFileNamesAndMetadata) {
  DagProject project(two_sets("copy"));
  const auto hashes = project.hashes();
  ASSERT_EQ(project.run("").exit_code, 0);

  // The copy of a runs its stages under its own parameters' hash.
  const CommandResult copy_hashes = project.run("--map");
  const std::regex copy_line("record 1 'a_copy' hash ([0-9a-f]+), copy of record 0");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(copy_hashes.out, match, copy_line)) << copy_hashes.out;
  const std::string a = hashes.at("a");
  const std::string a_copy = match[1];
  const std::string prefix = "dag_experiment_";
  const std::set<std::string> expected_for_a = {
      prefix + a + "_load_data.msgpack",
      prefix + a + "_load_data_metadata.json",
      prefix + a + "_mean_mean.msgpack",
      prefix + a + "_mean_mean_metadata.json",
      "scaled/" + prefix + a_copy + "_scale_scaled.msgpack",
      "scaled/" + prefix + a_copy + "_scale_scaled_metadata.json",
      prefix + a_copy + "_total_sum.msgpack",
      prefix + a_copy + "_total_sum_metadata.json",
      prefix + a_copy + "_total_summary.msgpack",
      prefix + a_copy + "_total_summary_metadata.json",
  };
  const auto files = cache_files(project.cache());
  for (const auto& name : expected_for_a) EXPECT_TRUE(files.contains(name)) << name;
  EXPECT_EQ(files.size(), 2 * expected_for_a.size());

  const fs::path metadata = project.cached(a_copy, "total", "summary", "_metadata.json");
  const std::string text = read_text(metadata);
  for (const char* key :
       {"\"artifact_generated\"", "\"run\"", "\"reference\"", "\"params_hash\"", "\"params_name\"",
        "\"record\"", "\"stage\"", "\"artifact_name\"", "\"cacher\"", "\"prior_stages\"", "\"prior_records\"",
        "\"params\"", "\"preview\"", "\"checksum\"", "\"size\""}) {
    EXPECT_NE(text.find(key), std::string::npos) << key << " missing from " << text;
  }
  EXPECT_NE(text.find("\"params_name\": \"a_copy\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"stage\": \"total\""), std::string::npos);
  EXPECT_NE(text.find("\"artifact_name\": \"summary\""), std::string::npos);
  EXPECT_NE(text.find("\"cacher\": \"raw\""), std::string::npos);
  EXPECT_NE(text.find("\"prior_records\": [\n    \"" + a + "\"\n  ]"), std::string::npos) << text;
  // The copy inherits its source's history (load, then mean) before its own scale.
  EXPECT_NE(text.find("\"prior_stages\": [\n    \"load\",\n    \"mean\",\n    \"scale\"\n  ]"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("'labels': ['a_copy']"), std::string::npos) << "preview: " << text;
  EXPECT_NE(text.find("\"checksum\": \"xxh3-128:"), std::string::npos);

  // A cache hit leaves metadata untouched, byte for byte and in time.
  const auto written = fs::last_write_time(metadata);
  ASSERT_EQ(project.run("--overwrite-stage mean").exit_code, 0);
  EXPECT_EQ(read_text(metadata), text);
  EXPECT_EQ(fs::last_write_time(metadata), written);

  // --prefix replaces the experiment name at the head of file names; --name is its synonym.
  ASSERT_EQ(project.run("--prefix final --cache other").exit_code, 0);
  ASSERT_EQ(project.run("--name final --cache other").exit_code, 0);
  EXPECT_EQ(project.trace(), Lines{});
  EXPECT_TRUE(fs::exists(project.root() / "other" / ("final_" + a + "_load_data.msgpack")));
}

TEST(RunEngine, CorruptAndTruncatedCacheFilesAreRecomputed) {
  DagProject project(two_sets("chain"));
  const auto hashes = project.hashes();
  ASSERT_EQ(project.run("").exit_code, 0);

  // One flipped byte in a goal's file: reported, and the stage runs again.
  const fs::path sum = project.cached(hashes.at("a"), "total", "sum");
  std::string bytes = read_text(sum);
  bytes[bytes.size() - 1] ^= 0x5a;
  std::ofstream(sum, std::ios::binary | std::ios::trunc) << bytes;
  CommandResult result = project.run("");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("WARNING - cache file"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("is corrupt (checksum mismatch"), std::string::npos) << result.out;
  EXPECT_EQ(project.trace(), (Lines{"total:a"}));

  // A truncated upstream file, found when the goal needs it: it is recomputed too.
  const fs::path scaled = project.cached(hashes.at("a"), "scale", "scaled");
  fs::resize_file(scaled, fs::file_size(scaled) / 2);
  fs::remove(project.cached(hashes.at("a"), "total", "sum"));
  result = project.run("");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("truncated"), std::string::npos) << result.out;
  EXPECT_EQ(project.trace(), (Lines{"scale:a", "total:a"}));

  // Both are whole again: a plain run trusts them.
  result = project.run("--overwrite-stage total");
  EXPECT_EQ(result.out.find("corrupt"), std::string::npos) << result.out;
  EXPECT_EQ(project.trace(), (Lines{"total:a", "total:b"}));
}

TEST(RunEngine, MapShowsDecisionsAndWritesNothing) {
  DagProject project(two_sets("aggregate"));
  const auto hashes = project.hashes();
  const auto before = snapshot(project.root());
  CommandResult result = project.run("--map");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(snapshot(project.root()), before);
  EXPECT_EQ(project.trace(), Lines{});
  const Lines lines = split_lines(result.out);
  const Lines first_record{
      "record 0 'a' hash " + hashes.at("a"),
      "  load: execute (output 'data' is not cached)",
      "    output data [raw]: not cached",
      "  scale: execute (output 'scaled' is not cached)",
      "    input data",
      "    output scaled [raw]: not cached",
      "  total: execute (output 'sum' is not cached)",
      "    input scaled",
      "    output sum [raw]: not cached",
      "    output summary [raw]: not cached",
  };
  ASSERT_GE(lines.size(), first_record.size());
  EXPECT_EQ(Lines(lines.begin(), lines.begin() + static_cast<long>(first_record.size())), first_record);
  EXPECT_NE(result.out.find("record 2 'None' hash "), std::string::npos);
  EXPECT_NE(result.out.find(", aggregates records 0, 1\n  compare: execute (output 'ranking' is not "
                            "cached)\n    input sum (from records 0, 1)"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("7 of 7 stage calls would execute:"), std::string::npos) << result.out;

  ASSERT_EQ(project.run("").exit_code, 0);
  fs::remove(project.cached(hashes.at("b"), "total", "sum"));
  result = project.run("--map");
  EXPECT_NE(
      result.out.find("  load: skip (no goal needs it)\n    output data [raw]: cached (run dag_experiment_"),
      std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("    output sum [raw]: corrupt: its metadata is there but the file is not"),
            std::string::npos)
      << result.out;
  // total on b is a goal (its summary is read by nobody) and lost a file; compare is cached, so
  // it loads: only --overwrite-stage propagates downstream.
  EXPECT_NE(result.out.find("1 of 7 stage calls would execute:\n  total on record 1\n"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("  compare: load (cached by run dag_experiment_1_"), std::string::npos)
      << result.out;
  // The damaged goal says why it executes.
  EXPECT_NE(result.out.find("  total: execute (output 'sum': its metadata is there but the file is not)\n"),
            std::string::npos)
      << result.out;
}

TEST(RunEngine, PathsListsEveryFileARunWrites) {
  DagProject project(two_sets("fork"));
  const CommandResult listed = project.run("--paths");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_FALSE(fs::exists(project.cache()));
  std::set<std::string> printed;
  for (const auto& line : split_lines(listed.out))
    printed.insert(fs::relative(project.root() / line, project.cache()).string());
  ASSERT_EQ(project.run("").exit_code, 0);
  EXPECT_EQ(printed, cache_files(project.cache()));
  EXPECT_EQ(printed.size(), 20u);  // 2 records x 5 outputs x (file + metadata)
}

TEST(RunEngine, StageFailureNamesStageRecordAndKeepsEarlierOutputs) {
  DagProject project(two_sets("throw"));
  const auto hashes = project.hashes();
  const CommandResult result = project.run("");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("stage 'explode' failed on record 0 ('a'): the detonator was pressed"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(project.trace(), (Lines{"load:a", "scale:a", "explode:a"}));
  EXPECT_TRUE(fs::exists(project.cached(hashes.at("a"), "load", "data")));
  EXPECT_TRUE(fs::exists(project.cached(hashes.at("a"), "scale", "scaled")));

  // Said once on the console, with the stage, the record and where the details are; the log
  // keeps both the stage's failure and the run's.
  const std::string console = result.out + result.err;
  std::size_t said = 0;
  for (auto at = console.find("the detonator was pressed"); at != std::string::npos;
       at = console.find("the detonator was pressed", at + 1))
    ++said;
  EXPECT_EQ(said, 1u) << console;
  const std::regex line(
      "error: experiment 'dag_experiment' failed: stage 'explode' failed on record 0 \\('a'\\): the "
      "detonator "
      "was pressed; its log: (logs/dag_experiment_1_[0-9T-]+\\.log)\n");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(result.err, match, line)) << result.err;
  const std::string log = read_text(project.root() / match[1].str());
  EXPECT_NE(log.find("[ERROR] stage 'explode' on record 0 ('a') failed: the detonator was pressed"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("[ERROR] experiment 'dag_experiment' failed: stage 'explode' failed on record 0 ('a')"),
            std::string::npos)
      << log;
}

TEST(RunEngine, UnknownCacherFailsBeforeAnyStage) {
  DagProject project(two_sets("chain"));
  const CommandResult result = project.run("", "bad_cacher_experiment", "bad_cacher_experiment");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(
      result.err.find("stage 'fit', output 'model' names cacher 'nope', which is not installed (available: "),
      std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(" raw"), std::string::npos) << result.err;
  EXPECT_EQ(project.trace(), Lines{});
  EXPECT_FALSE(fs::exists(project.root() / "data"));
}

TEST(RunEngine, BadStageDeclarationFailsBeforeAnyStage) {
  DagProject project(two_sets("chain"));
  const CommandResult result = project.run("", "bad_declaration_experiment", "bad_declaration_experiment");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(
      result.err,
      "error: experiments/bad_declaration_experiment.so: stage 'fit' declares 1 input(s) but its function "
      "takes 2\n");
  EXPECT_EQ(project.trace(), Lines{});
  EXPECT_FALSE(fs::exists(project.root() / "data"));
}

// --lazy makes every output lazy; one without a cacher gets the default binary cacher, so it is
// written to the cache. --verbose shows the stages the DAG skips.
TEST(RunEngine, LazyFlagCachesOutputsWithoutACacher) {
  DagProject project("- name: a\n  shape: lazy_read\n  size: 1000\n");
  const auto hashes = project.hashes();
  ASSERT_EQ(project.run("").exit_code, 0);
  EXPECT_FALSE(
      cache_files(project.cache()).contains("dag_experiment_" + hashes.at("a") + "_peek_first.msgpack"));
  CommandResult result = project.run("--lazy");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(
      cache_files(project.cache()).contains("dag_experiment_" + hashes.at("a") + "_peek_first.msgpack"));
  EXPECT_NE(result.out.find("INFO - [a] last=999\n"), std::string::npos) << result.out;

  DagProject chain(two_sets("chain"));
  ASSERT_EQ(chain.run("").exit_code, 0);
  result = chain.run("--verbose");
  EXPECT_NE(result.out.find("DEBUG - stage 'load' on record 0 ('a'): skipped (no goal needs it)"),
            std::string::npos)
      << result.out;
  result = chain.run("");
  EXPECT_EQ(result.out.find("DEBUG"), std::string::npos) << result.out;
}

TEST(RunEngine, UnknownOverwriteStageIsAnError) {
  DagProject project(two_sets("chain"));
  const CommandResult result = project.run("--overwrite-stage scael");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err.substr(0, result.err.find("; its log: ")),
            "error: --overwrite-stage 'scael': the experiment calls no stage of that name (its stages: load, "
            "scale, "
            "total)");
  EXPECT_EQ(project.trace(), Lines{});
}

TEST(RunEngine, DifferentGraphInTheRealPassIsAnError) {
  DagProject project(two_sets("unstable"));
  const CommandResult result = project.run("");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find(
                "was stage 'load' on record 0 ('a') in the map pass but is stage 'mean' on record 0 ('a') "
                "in the real pass"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(project.trace(), Lines{});
}

TEST(RunEngine, SuppressedMissingInputArrivesEmpty) {
  DagProject project(two_sets("missing"));
  const CommandResult result = project.run("");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(project.trace(), (Lines{"tolerant:a", "tolerant:b"}));
}

long peak_kib(const std::string& out) {
  const std::regex peak("peak_rss_kib=(\\d+)");
  std::smatch match;
  if (!std::regex_search(out, match, peak)) return -1;
  return std::stol(match[1]);
}

// 8 Mi doubles = 64 MiB. A cached lazy output that nothing reads costs no memory; the same
// run with --ignore-lazy (which loads it) is the control that shows the measure works.
TEST(RunEngine, LazyOutputStaysOnDiskUntilRead) {
  constexpr long kArrayKib = 64 * 1024;
  DagProject project("- name: a\n  shape: lazy\n  size: 8388608\n");
  CommandResult result = project.run("");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_GE(peak_kib(result.out), kArrayKib) << result.out;

  result = project.run("");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(project.trace(), (Lines{"measure:a"}));
  const long lazy_peak = peak_kib(result.out);
  EXPECT_GT(lazy_peak, 0);

  result = project.run("--ignore-lazy");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const long loaded_peak = peak_kib(result.out);
  EXPECT_GE(loaded_peak, kArrayKib) << "--ignore-lazy loads the array: " << result.out;
  // Compared with the control rather than a fixed size, since the process's own footprint
  // varies (AddressSanitizer's shadow memory alone is tens of MiB).
  EXPECT_GE(loaded_peak - lazy_peak, kArrayKib / 2) << "the lazy run peaked at " << lazy_peak << " KiB";

  // A later stage that reads it gets the real values.
  DagProject reader("- name: a\n  shape: lazy_read\n  size: 1000\n");
  result = reader.run("");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  result = reader.run("");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(reader.trace(), (Lines{"peek:a", "measure:a"}));
  EXPECT_NE(result.out.find("INFO - [a] last=999\n"), std::string::npos) << result.out;
}

// 1000 sets through a five-stage chain and one aggregate over all 1000 records.
TEST(RunEngine, ThousandSetsFiveStagesAndAnAggregate) {
  std::string seeds;
  for (int i = 0; i < 1000; ++i) seeds += (i == 0 ? "" : ", ") + std::to_string(i);
  DagProject project("- name: s\n  base:\n    shape: long\n  sweep:\n    seed: [" + seeds + "]\n");
  CommandResult result = project.run("");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(project.trace().size(), 5001u);
  EXPECT_EQ(project.trace().back(), "compare:None");
  EXPECT_NE(result.out.find("5001 stage calls executed"), std::string::npos);
  EXPECT_EQ(cache_files(project.cache()).size(), 2u * (1000 * 6 + 1));

  result = project.run("");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(project.trace(), Lines{});
  EXPECT_NE(result.out.find("0 stage calls executed, 1001 loaded from cache, 4000 skipped"),
            std::string::npos)
      << result.out;
}

// A record without parameters says nothing about its inputs in its hash ("None"), nor does an
// aggregate over no records (md5("['None']")): their stages execute on every run, as in the
// original, while an aggregate over records caches.
TEST(RunEngine, RecordsWithoutParametersNeverLoadFromTheCache) {
  DagProject project(two_sets("bare"));
  ASSERT_EQ(project.run("").exit_code, 0);
  const Lines everything = project.trace();
  EXPECT_EQ(std::count(everything.begin(), everything.end(), "stamp:None"), 1)
      << ::testing::PrintToString(everything);
  EXPECT_EQ(std::count(everything.begin(), everything.end(), "compare:None"), 1);

  const CommandResult again = project.run("");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(project.trace(), (Lines{"stamp:None", "compare:None"}));
  const CommandResult map = project.run("--map");
  ASSERT_EQ(map.exit_code, 0) << map.err;
  EXPECT_NE(map.out.find("  stamp: execute (its record's hash says nothing about its inputs)\n"),
            std::string::npos)
      << map.out;
  // hashlib.md5(str(['None']).encode()).hexdigest()
  EXPECT_NE(
      map.out.find("hash 735bf18ca8aac8737daab735625e6102, aggregates no records\n  compare: execute (its "
                   "record's hash says nothing about its inputs)"),
      std::string::npos)
      << map.out;
  EXPECT_NE(map.out.find("not reused"), std::string::npos) << map.out;
}

// An aggregate's hash lists its input records by their parameters' hash, 'None' for one without
// (an aggregate itself included), as the original's add_args_combo_hash does, so cache names
// agree with the original's for the same experiment.
TEST(RunEngine, AggregateOverAggregatesHashesAsTheOriginal) {
  std::string yaml;
  for (int i = 0; i < 5; ++i)
    yaml += "- name: s" + std::to_string(i) + "\n  shape: nested\n  seed: " + std::to_string(i) + "\n";
  DagProject project(yaml);
  const CommandResult map = project.run("--map");
  ASSERT_EQ(map.exit_code, 0) << map.err;
  // Each set: sum(int(md5(f"{k}{v!r}").hexdigest(), 16) for k, v in
  //   dict(shape='nested', seed=i, size=8, label='').items()), as lowercase hex.
  // Records 0, 2, 4: hashlib.md5(str(['None'] + sorted(['1cab957c3a2aba6afa0baeef3a8a90d4c',
  //   '24567a4c8bfbd4766081fd57b0eb4dbdc', '18d95288904f150f1c4f02087c2df7efc'])).encode()).hexdigest()
  EXPECT_NE(map.out.find("record 5 'None' hash 8774505152da705af2deb25a2b713b80, aggregates records 0, 2, 4"),
            std::string::npos)
      << map.out;
  // Records 1, 3: hashlib.md5(str(['None'] + sorted(['1e54250cbe21561bf932718d6683046a4',
  //   '1dd7a7bb3f246f327fbe641f8e466795d'])).encode()).hexdigest()
  EXPECT_NE(map.out.find("record 6 'None' hash 6b91a3cc10ba30ac3a8fc513b4e8801a, aggregates records 1, 3"),
            std::string::npos)
      << map.out;
  // Its own 'None', then records 5 and 6, each 'None' (they have no parameters):
  //   hashlib.md5(str(['None', 'None', 'None']).encode()).hexdigest()
  EXPECT_NE(map.out.find("record 7 'None' hash eb874a394fa95ba23565ee876ff09085, aggregates records 5, 6"),
            std::string::npos)
      << map.out;
  ASSERT_EQ(project.run("").exit_code, 0);
  EXPECT_TRUE(fs::exists(project.cached("eb874a394fa95ba23565ee876ff09085", "combine", "overall")));
  // The aggregate over aggregates caches like any aggregate over records.
  ASSERT_EQ(project.run("").exit_code, 0);
  EXPECT_EQ(project.trace(), Lines{});
}

}  // namespace
}  // namespace cf::test
