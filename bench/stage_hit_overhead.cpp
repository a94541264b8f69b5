// Per-stage cost of a cache hit, in-process (Google Benchmark). The dag_experiment plugin's
// "long" shape (five raw-cached stages per set plus one aggregate) runs over N sets whose
// outputs are all cached, through the same passes as `experiment` (map pass, decisions, real
// pass), but without process start-up, plugin loading or parameter reading, which the
// whole-process benchmarks cover. Two cases:
//   cached_rerun/dag     the default DAG mode: the leaves load, everything upstream is skipped
//   cached_rerun/no_dag  --no-dag: every stage call checks its outputs (size and checksum)
//                        and loads them, so this is the cost of one cache hit
// Each reports the counter `per_stage_call` (seconds per stage call of the run).
//
//   cf_bench_stage_hit [--plugin FILE] [--sets N] [--folder DIR] [Google Benchmark flags]
#include "app/from_options.hpp"
#include "app/prepared_run.hpp"
#include "cache/artifact_cache.hpp"
#include "cache/cacher_registry.hpp"
#include "cli/options.hpp"
#include "config/config.hpp"
#include "engine/run_info.hpp"
#include "engine/run_session.hpp"
#include "params/param_sets.hpp"
#include "plugin/loaded_plugin.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace cf::host;

struct Arguments {
  fs::path plugin = CF_BENCH_DAG_PLUGIN;
  std::size_t sets = 1000;
  fs::path folder = fs::temp_directory_path();
};

// What is left of argv once Google Benchmark took its own flags.
Arguments parse(int argc, char** argv) {
  Arguments arguments;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(flag + ": unknown flag or missing value");
    const std::string value = argv[++i];
    if (flag == "--plugin") {
      arguments.plugin = value;
    } else if (flag == "--sets") {
      const long sets = std::strtol(value.c_str(), nullptr, 10);
      if (sets < 1) throw std::invalid_argument("--sets '" + value + "': expected a count of 1 or more");
      arguments.sets = static_cast<std::size_t>(sets);
    } else if (flag == "--folder") {
      arguments.folder = value;
    } else {
      throw std::invalid_argument(flag + ": unknown flag (expected --plugin, --sets or --folder)");
    }
  }
  if (!fs::is_regular_file(arguments.plugin))
    throw std::invalid_argument("--plugin " + arguments.plugin.string() + ": no such file");
  return arguments;
}

// A project folder of its own, removed when the benchmark ends.
class ScratchProject {
 public:
  ScratchProject(const fs::path& parent, std::size_t sets) {
    std::string pattern = (parent / "cf_bench_stage_hit.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot create a folder in " + parent.string());
    root_ = pattern;
    fs::create_directories(root_ / "params");
    std::ofstream(root_ / "curifactory_config.json") << "{}\n";
    std::ofstream yaml(root_ / "params" / "bench.yaml");
    yaml << "- name: s\n  base:\n    shape: long\n  sweep:\n    seed: [";
    for (std::size_t i = 0; i < sets; ++i) yaml << (i == 0 ? "" : ", ") << i;
    yaml << "]\n";
  }
  ~ScratchProject() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  ScratchProject(const ScratchProject&) = delete;
  ScratchProject& operator=(const ScratchProject&) = delete;

  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

// Everything `experiment dag_experiment -p bench` prepares before its passes, made once.
struct Prepared {
  Config config;
  RunOptions options;
  LoadedPlugin plugin;
  std::vector<SelectedSet> sets;
  std::string sets_json;
  CacherRegistry cachers;

  Prepared(const fs::path& project, const fs::path& plugin_file)
      : config(load_config(project)),
        options(make_options()),
        plugin(plugin_file),
        sets(select_param_sets(config, param_selection(options), plugin)),
        sets_json(join(sets)),
        cachers(default_cacher_folders(config.root, current_executable())) {}

  PreparedRun run(bool dag) {
    SessionSettings settings;
    settings.dag = dag;
    return PreparedRun{config,  options,           "dag_experiment -p bench", plugin,  sets, sets_json,
                       cachers, config.cache_path, options.experiment,        settings};
  }

 private:
  static RunOptions make_options() {
    RunOptions options;
    options.experiment = "dag_experiment";
    options.params = {"bench"};
    return options;
  }
  static std::string join(const std::vector<SelectedSet>& sets) {
    std::string json = "[";
    for (const auto& set : sets) json += (json.size() > 1 ? "," : "") + set.json;
    return json + "]";
  }
};

struct Outcome {
  std::size_t stage_calls = 0;
  std::size_t loaded = 0;
  std::optional<std::string> error;
};

Outcome run_once(const PreparedRun& run) {
  ArtifactCache cache(run.cache_folder, run.prefix, run.cachers);
  RunSession session(cache, make_run_info(run.options.experiment, run.command_line), run.settings,
                     [](cf_log_level, std::string_view) {});
  const PassOutcome passes = run_passes(runnable(run), session, cache);
  Outcome outcome;
  if (!passes.ok) outcome.error = passes.error;
  outcome.stage_calls = session.actions().size();
  for (const StageAction action : session.actions()) outcome.loaded += action == StageAction::load ? 1 : 0;
  return outcome;
}

void cached_rerun(benchmark::State& state, Prepared& prepared, bool dag) {
  const PreparedRun run = prepared.run(dag);
  Outcome outcome;
  for (auto _ : state) {
    outcome = run_once(run);
    if (outcome.error) {
      state.SkipWithError(outcome.error->c_str());
      return;
    }
  }
  const auto calls = static_cast<double>(outcome.stage_calls);
  state.counters["stage_calls"] = calls;
  state.counters["loaded"] = static_cast<double>(outcome.loaded);
  state.counters["per_stage_call"] =
      benchmark::Counter(calls, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  try {
    const Arguments arguments = parse(argc, argv);
    const ScratchProject project(arguments.folder, arguments.sets);
    Prepared prepared(project.root(), arguments.plugin);
    // The cold run that fills the cache every measured run then hits.
    const Outcome cold = run_once(prepared.run(true));
    if (cold.error) throw std::runtime_error("the cold run failed: " + *cold.error);

    benchmark::RegisterBenchmark("cached_rerun/dag",
                                 [&](benchmark::State& state) { cached_rerun(state, prepared, true); })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark("cached_rerun/no_dag",
                                 [&](benchmark::State& state) { cached_rerun(state, prepared, false); })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
  } catch (const std::exception& e) {
    std::cerr << "cf_bench_stage_hit: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
