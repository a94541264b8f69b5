#include "cli/options.hpp"
#include "util/shell_quote.hpp"

#include <curifactory/version.hpp>

#include <CLI/CLI.hpp>

#include <array>
#include <iostream>

namespace cf::host {
namespace {

constexpr const char* kUsage = R"(experiment: run C++ research experiments through cached stages.

Usage:
  experiment EXPERIMENT [-p PARAMS]... [options]   run an experiment
  experiment ls                                    list experiments, params files and cachers
  experiment reports [--host H] [--port P] [--update]   serve or re-index the HTML reports
  experiment runs [EXPERIMENT] [--json]            list past runs
  experiment init [--yes] [--experiments-path DIR]...   scaffold a new project here
  experiment completion bash|zsh                   print a shell completion script

EXPERIMENT and PARAMS are names inside the folders that curifactory_config.json names
(experiments/ and params/ by default), without extension, with '.' for subfolders.

init asks for each folder (Enter keeps the default shown; --yes, or the end of input, takes
the defaults), then writes curifactory_config.json, a CMakeLists.txt that builds the
experiments, params and cachers folders into plugins (a .cpp is one plugin; a folder holding a
main.cpp is one plugin of every .cpp below it), an example experiment and params file,
reports/style.css, and .gitignore lines for the build and data folders. It never
overwrites: a file identical to the one it would write is kept, a different one stops init
before anything is written, and an existing .gitignore only gains the lines it lacks.

completion: `source <(experiment completion bash)` in bash; in zsh, save the output of
`experiment completion zsh` as _experiment in a folder of $fpath. It completes flags, commands,
and the experiment and params names of the project in the current folder.)";

// Flags parsed today whose behaviour a later part of the product supplies. Accepting them
// silently would let a user believe, say, that --overwrite happened.
struct PendingFlag {
  const char* name;
  const char* feature;
};
// None is left: every flag of the guide behaves as documented. List a new flag here until it does.
constexpr std::array<PendingFlag, 0> kPending{};

// Instead of CLI::PositiveNumber, whose message spells out its upper bound, DBL_MAX, in 300 digits.
CLI::Validator above_zero() {
  return CLI::Validator(
      [](std::string& text) {
        double value = 0;
        if (CLI::detail::lexical_cast(text, value) && value > 0) return std::string();
        return "must be a number above 0, got '" + text + "'";
      },
      "POSITIVE");
}

std::string join_command_line(int argc, const char* const* argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) line += ' ';
    line += shell_word(argv[i]);
  }
  return line;
}

}  // namespace

ParseResult parse_cli(int argc, const char* const* argv) {
  Options options;
  RunOptions& run = options.run;
  std::vector<std::string> positionals;

  CLI::App app{kUsage, "experiment"};
  app.set_version_flag("--version", std::string("experiment (curifactory C++) ") + CURIFACTORY_SDK_VERSION);
  app.get_formatter()->column_width(36);
  app.add_option("target", positionals,
                 "EXPERIMENT to run, or the command ls, reports, runs or init (with its argument)")
      ->expected(0, 2);

  const char* sets = "Parameter sets";
  app.add_option(
         "-p,--params", run.params,
         "Parameters file (plugin or YAML); repeatable, read in order; default: the experiment itself")
      ->group(sets);
  app.add_option("-n,--names", run.names, "Keep only the parameter sets with this name; repeatable")
      ->group(sets);
  app.add_option("--indices", run.indices,
                 "Keep sets at index N or range A-B (B exclusive) within each params file; repeatable")
      ->group(sets);
  app.add_option("--global-indices", run.global_indices,
                 "Run the sets at index N or range A-B of the combined list, in the order written, "
                 "repeats kept; repeatable")
      ->group(sets);
  app.add_flag("--hashes", run.hashes, "Print '<hash> <name>' for each selected set and exit")->group(sets);
  app.add_option("--print-params", run.print_params,
                 "Print the selected sets (or the registry entries whose hash starts with the argument) as "
                 "JSON and exit")
      ->expected(0, 1)
      ->default_str("")
      ->group(sets);

  const char* cache = "Caching";
  app.add_option("-c,--cache", run.cache,
                 "Read and write cached artifacts in DIR instead of the configured cache_path")
      ->group(cache);
  app.add_flag("--overwrite", run.overwrite, "Ignore every cached artifact (caches are still written)")
      ->group(cache);
  app.add_option("--overwrite-stage", run.overwrite_stages,
                 "Rerun STAGE and every stage downstream of it; repeatable")
      ->group(cache);
  app.add_option("--prefix,--name", run.prefix, "Cache file name prefix instead of the experiment name")
      ->group(cache);
  app.add_flag("--lazy", run.lazy, "Treat every stage output as lazy (kept on disk until read)")
      ->group(cache);
  app.add_flag("--ignore-lazy", run.ignore_lazy, "Keep lazy outputs in memory")->group(cache);
  app.add_flag("--dry", run.dry, "Write nothing at all: no cache, store, log, report or registry")
      ->group(cache);
  app.add_flag("--dry-cache", run.dry_cache, "Read the cache but write no cache files")->group(cache);
  app.add_flag("-s,--store-full", run.store_full,
               "Copy artifacts, log, report and environment into a run folder under runs_path")
      ->group(cache);

  const char* exec = "Execution";
  app.add_flag("--map", run.map,
               "Print each record's stages and artifacts with their cache status, then exit")
      ->group(exec);
  app.add_flag("--paths", run.paths, "Print every expected cache and metadata path, then exit")->group(exec);
  app.add_flag("--no-dag", run.no_dag,
               "Run stages in program order, skipping only on cache hits (no map pass)")
      ->group(exec);
  app.add_option("--stage-timeout", run.stage_timeout,
                 "Stop the run with an error when one stage runs longer than SECONDS")
      ->check(above_zero())
      ->group(exec);

  const char* parallel = "Parallel runs";
  app.add_option("--parallel", run.parallel, "Split the sets over N processes, then do the full run")
      ->check(above_zero())
      ->group(parallel);
  app.add_flag("--parallel-mode,--parallel-safe", run.parallel_mode,
               "Cache only: write no store entry and no report")
      ->group(parallel);
  app.add_flag("--slurm", run.slurm,
               "Run the --parallel ranges (or one task per set) as a Slurm job array, then the full run here")
      ->group(parallel);
  app.add_option("--slurm-args", run.slurm_args,
                 "Extra sbatch arguments, e.g. \"--partition=gpu --time=1:00:00\" (default: slurm_args in "
                 "the config)")
      ->group(parallel);

  const char* output = "Output";
  app.add_flag("-v,--verbose", run.verbose, "Include debug messages")->group(output);
  app.add_flag("--quiet", run.quiet, "No log messages on the console (the log file still gets them)")
      ->group(output);
  app.add_flag("--progress", run.progress, "Live progress bars per record and overall")->group(output);
  app.add_flag("--plain", run.plain, "Console lines exactly as in the log file")->group(output);
  app.add_flag("--no-color", run.no_color, "No terminal colours")->group(output);
  app.add_flag("--no-log", run.no_log, "Write no log file")->group(output);
  app.add_flag("--log-errors", run.log_errors, "Also capture the experiment's stderr in the log file")
      ->group(output);
  app.add_option("--notes", run.notes, "Run notes; without TEXT, open $EDITOR")
      ->expected(0, 1)
      ->default_str("")
      ->group(output);
  app.add_flag("--notebook", run.notebook, "Write a Jupyter notebook that loads this run's artifacts")
      ->group(output);
  app.add_flag(
         "--docker", run.docker,
         "Implies --store-full; then writes a Docker build context of the run to "
         "<runs_path>/<reference>_docker and builds the image <experiment>:<run>_<date> (names lowercased "
         "for Docker), or prints the docker build command when no Docker engine answers")
      ->group(output);

  const char* serve = "reports and runs";
  app.add_option("--host", options.reports.host, "reports: address to listen on")
      ->capture_default_str()
      ->group(serve);
  app.add_option("--port", options.reports.port, "reports: port to listen on (0: any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535))
      ->group(serve);
  app.add_flag("--update", options.reports.update,
               "reports: rebuild the report index from the folders found, then exit")
      ->group(serve);
  app.add_flag("--json", options.json, "runs: print the runs as JSON")->group(serve);
  // Only for the completion scripts: the names ls lists, one per line. Hidden (group ""), which
  // also leaves it without a name in get_name(), so it is told apart by its pointer below.
  const CLI::Option* names_only = app.add_option("--names-only", options.ls_names)
                                      ->check(CLI::IsMember({"experiments", "params"}))
                                      ->group("");
  // Only for the shares a --parallel or Slurm run starts: the run's plan (engine/share_plan.hpp).
  const CLI::Option* share_plan = app.add_option("--share-plan", run.share_plan)->group("");

  const char* init = "init";
  app.add_flag("--yes", options.yes, "Take the default of every folder not given below, without asking")
      ->group(init);
  LayoutFlags& folders = options.init_paths;
  const struct {
    const char* flag;
    std::optional<std::string>* value;
    const char* help;
  } init_paths[] = {
      {"--experiments-path", &folders.experiments, "experiments_module_name (default: experiments)"},
      {"--params-path", &folders.params, "params_module_name (default: params)"},
      {"--data-path", &folders.data, "manager_cache_path, the run store's folder (default: data/)"},
      {"--cache-path", &folders.cache, "cache_path (default: <data>/cache)"},
      {"--runs-path", &folders.runs, "runs_path, for --store-full runs (default: <data>/runs)"},
      {"--logs-path", &folders.logs, "logs_path (default: logs/)"},
      {"--notebooks-path", &folders.notebooks, "notebooks_path (default: notebooks/)"},
      {"--reports-path", &folders.reports, "reports_path; the stylesheet goes in it (default: reports/)"},
  };
  for (const auto& path : init_paths) app.add_option(path.flag, *path.value, path.help)->group(init);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return {std::nullopt, app.exit(e)};
  }

  options.command_line = join_command_line(argc, argv);
  const auto fail = [&](const std::string& message) {
    std::cerr << "error: " << message << "\n";
    return ParseResult{std::nullopt, 2};
  };

  if (positionals.empty()) return fail("no experiment given (see experiment --help)");
  const std::string& first = positionals.front();
  if (first == "ls") {
    options.command = Command::ls;
  } else if (first == "reports") {
    options.command = Command::reports;
  } else if (first == "runs") {
    options.command = Command::runs;
  } else if (first == "init") {
    options.command = Command::init;
  } else if (first == "completion") {
    options.command = Command::completion;
  } else {
    options.command = Command::run;
    run.experiment = first;
  }
  if (positionals.size() > 1 && options.command != Command::runs && options.command != Command::completion) {
    return fail("unexpected argument '" + positionals[1] + "'");
  }
  if (options.command == Command::completion) {
    if (positionals.size() < 2) return fail("completion needs a shell: experiment completion bash|zsh");
    options.completion_shell = positionals[1];
  } else if (positionals.size() > 1) {
    options.runs_experiment = positionals[1];
  }
  if (options.command == Command::run && run.experiment.empty()) return fail("empty experiment name");

  // A flag of another command would be silently ignored: refuse it instead.
  const std::string serve_group = serve;
  const std::string init_group = init;
  for (const CLI::Option* option : app.get_options()) {
    if (option->count() == 0 || !option->nonpositional() || option->get_name() == "--version") continue;
    const std::string name = option == names_only   ? "--names-only"
                             : option == share_plan ? "--share-plan"
                                                    : option->get_name();
    const bool for_run =
        option->get_group() != serve_group && option->get_group() != init_group && option != names_only;
    const bool allowed = for_run
                             ? options.command == Command::run
                             : (name == "--json" && options.command == Command::runs) ||
                                   (option->get_group() == init_group && options.command == Command::init) ||
                                   (option == names_only && options.command == Command::ls) ||
                                   ((name == "--host" || name == "--port" || name == "--update") &&
                                    options.command == Command::reports);
    if (!allowed) {
      return fail(name + " does not apply to " +
                  (options.command == Command::run ? "running an experiment" : "'" + first + "'"));
    }
  }
  for (const PendingFlag& flag : kPending) {
    if (app.get_option(flag.name)->count() > 0) {
      return fail(std::string(flag.name) + " is not available yet in this release (" + flag.feature +
                  " is still being built)");
    }
  }
  // A parallel-mode process is itself a share of some run; submitting shares of its own from
  // there would multiply the work.
  if (run.slurm && run.parallel_mode) return fail("--slurm does not apply with --parallel-mode");
  if (run.share_plan && !run.parallel_mode) {
    return fail("--share-plan is for the shares a --parallel or Slurm run starts; it needs --parallel-mode");
  }
  // A notebook explores a recorded run; with these there is none, so it would silently not appear.
  for (const char* name : {"--dry", "--parallel-mode", "--map", "--paths", "--hashes", "--print-params"}) {
    if (run.notebook && app.get_option(name)->count() > 0) {
      return fail(std::string("--notebook does not apply with ") + name + " (no run is recorded to explore)");
    }
  }
  // --docker packs a recorded run's full store; with these there is none, so no image would appear.
  for (const char* name : {"--dry", "--parallel-mode", "--map", "--paths", "--hashes", "--print-params"}) {
    if (run.docker && app.get_option(name)->count() > 0) {
      return fail(std::string("--docker does not apply with ") + name + " (no run is recorded to pack)");
    }
  }
  if (run.docker) run.store_full = true;  // the image is built from the run's full store
  // --update only rewrites the index and exits, so an address given with it would be ignored.
  for (const char* name : {"--host", "--port"}) {
    if (options.reports.update && app.get_option(name)->count() > 0) {
      return fail(std::string(name) + " does not apply to 'reports --update'");
    }
  }
  return {std::move(options), 0};
}

}  // namespace cf::host
