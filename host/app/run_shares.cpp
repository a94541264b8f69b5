#include "app/run_shares.hpp"

#include "app/prepared_run.hpp"
#include "cli/options.hpp"
#include "config/config.hpp"
#include "exec/parallel_children.hpp"
#include "exec/process_end.hpp"
#include "exec/slurm_job.hpp"
#include "log/run_log.hpp"
#include "plugin/loaded_plugin.hpp"
#include "util/error.hpp"

#include <filesystem>
#include <map>
#include <utility>
#include <vector>

namespace cf::host {
namespace {

using Range = std::pair<std::size_t, std::size_t>;

// "0-2", or "0-2,5-6" for a selection that is not contiguous.
std::string index_ranges(const std::vector<std::size_t>& positions) {
  std::string text;
  for (std::size_t i = 0; i < positions.size();) {
    std::size_t j = i;
    while (j + 1 < positions.size() && positions[j + 1] == positions[j] + 1) ++j;
    text += (text.empty() ? "" : ",") + std::to_string(positions[i]) + "-" + std::to_string(positions[j] + 1);
    i = j + 1;
  }
  return text;
}

// The command line of a share: the same experiment, files and filters, its part of the selection
// as --global-indices, the run's plan, and the flags that shape what it computes.
std::vector<std::string> share_arguments(const PreparedRun& run, Range range,
                                         const std::filesystem::path& plan) {
  const RunOptions& options = run.options;
  std::vector<std::string> args{options.experiment};
  for (const auto& file : options.params) args.insert(args.end(), {"-p", file});
  for (const auto& name : options.names) args.insert(args.end(), {"-n", name});
  for (const auto& indices : options.indices) args.insert(args.end(), {"--indices", indices});
  std::vector<std::size_t> positions;
  for (std::size_t i = range.first; i < range.second; ++i) positions.push_back(run.sets[i].global_position);
  std::size_t at = 0;
  const std::string ranges = index_ranges(positions);
  while (at < ranges.size()) {
    const auto comma = ranges.find(',', at);
    args.insert(args.end(), {"--global-indices", ranges.substr(at, comma - at)});
    at = comma == std::string::npos ? ranges.size() : comma + 1;
  }
  args.push_back("--parallel-mode");
  args.insert(args.end(), {"--share-plan", plan.string()});
  args.insert(args.end(), {"--cache", run.cache_folder.string(), "--prefix", run.prefix});
  if (options.lazy) args.push_back("--lazy");
  if (options.ignore_lazy) args.push_back("--ignore-lazy");
  if (options.no_dag) {
    // Without a map pass there is no plan to follow: each share decides call by call, by the
    // same overwrite rules. In DAG mode the plan says which calls are forced.
    args.push_back("--no-dag");
    if (options.overwrite) args.push_back("--overwrite");
    for (const auto& stage : options.overwrite_stages) args.insert(args.end(), {"--overwrite-stage", stage});
  }
  if (options.stage_timeout)
    args.insert(args.end(), {"--stage-timeout", std::to_string(*options.stage_timeout)});
  if (options.verbose) args.push_back("-v");
  return args;
}

std::string range_text(Range range) {
  return std::to_string(range.first) + "-" + std::to_string(range.second);
}

std::filesystem::path share_log(const PreparedRun& run, const std::string& reference, Range range) {
  return run.config.logs_path / (reference + "_" + range_text(range) + ".log");
}

// --parallel N splits the sets into N ranges; Slurm without it gives every set its own task.
std::vector<Range> share_ranges(const PreparedRun& run, RunLog& log) {
  const std::size_t count = run.sets.size();
  if (!run.options.parallel) return split_ranges(count, count);
  const auto parts = static_cast<std::size_t>(*run.options.parallel);
  auto ranges = split_ranges(count, parts);
  if (ranges.size() < parts) {
    log.log(CF_LOG_WARNING, "--parallel " + std::to_string(parts) + ": only " + std::to_string(count) +
                                " parameter sets, so " + std::to_string(ranges.size()) +
                                (uses_slurm(run) ? " array tasks" : " processes"));
  }
  return ranges;
}

std::string run_local_shares(const PreparedRun& run, const std::string& reference,
                             const std::filesystem::path& plan, RunLog& log) {
  std::vector<ParallelChild> children;
  for (const Range& range : share_ranges(run, log)) {
    children.push_back(
        {range_text(range), share_arguments(run, range, plan), share_log(run, reference, range)});
  }
  std::string failures;
  const auto started = [&] {
    log.log(CF_LOG_INFO, "running " + std::to_string(children.size()) + " parallel processes");
  };
  for (const ParallelOutcome& outcome : run_parallel_children(current_executable(), children, started)) {
    if (!outcome.failed()) continue;
    log.file_only(CF_LOG_ERROR, outcome.describe());  // the run's one error line lists them all
    failures += (failures.empty() ? "" : "; ") + outcome.describe();
  }
  return failures;
}

// "the Slurm task for sets 2-4 ended FAILED, exit code 3; its log: logs/x_2-4.log"
std::string describe_task(const SlurmTaskResult& result) {
  std::string text = "the Slurm task for sets " + result.range + " ended " + result.state;
  if (result.signal != 0) {
    text += ", " + describe_process_end(true, result.signal);
  } else if (result.exit_code != 0) {
    text += ", exit code " + std::to_string(result.exit_code);
  }
  return text + "; its log: " + display_path(result.log_file);
}

std::string run_slurm_shares(const PreparedRun& run, const std::string& reference,
                             const std::filesystem::path& plan, RunLog& log) {
  const std::filesystem::path executable = current_executable();
  std::vector<SlurmTask> tasks;
  for (const Range& range : share_ranges(run, log)) {
    auto arguments = share_arguments(run, range, plan);
    arguments.insert(arguments.begin(), executable.string());
    // The task's console output is its log file, so it gets the log file's line format.
    arguments.push_back("--plain");
    tasks.push_back({range_text(range), std::move(arguments), share_log(run, reference, range)});
  }
  const auto script = run.config.logs_path / (reference + "_slurm.sh");
  const std::string& extra = run.options.slurm_args ? *run.options.slurm_args : run.config.slurm_args;
  log.log(CF_LOG_INFO, "submitting " + std::to_string(tasks.size()) + " Slurm array tasks (job script " +
                           display_path(script) + ")");
  std::vector<SlurmTaskResult> results;
  try {
    results = run_slurm_array(tasks, script, std::filesystem::current_path(), extra,
                              [&](std::string_view progress) { log.log(CF_LOG_INFO, progress); });
  } catch (const Interrupted& e) {
    throw Interrupted(e.signal, std::string("--slurm: ") + e.what());
  } catch (const UserError& e) {
    throw UserError(std::string("--slurm: ") + e.what());
  }
  std::string failures;
  std::map<std::string, std::size_t> states;
  for (const SlurmTaskResult& result : results) {
    ++states[result.state];
    const bool failed = result.state != "COMPLETED" || result.exit_code != 0 || result.signal != 0;
    if (!failed) continue;
    log.file_only(CF_LOG_ERROR, describe_task(result));  // the run's one error line lists them all
    failures += (failures.empty() ? "" : "; ") + describe_task(result);
  }
  std::string summary;
  for (const auto& [state, count] : states) {
    summary += (summary.empty() ? "" : ", ") + std::to_string(count) + " " + state;
  }
  log.log(failures.empty() ? CF_LOG_INFO : CF_LOG_WARNING, "Slurm tasks: " + summary);
  return failures;
}

}  // namespace

bool uses_slurm(const PreparedRun& run) {
  return run.options.slurm || run.config.slurm;
}

bool runs_in_shares(const PreparedRun& run) {
  return uses_slurm(run) || (run.options.parallel && *run.options.parallel > 1);
}

std::filesystem::path share_plan_file(const PreparedRun& run, const std::string& reference) {
  return run.config.logs_path / (reference + "_shares.json");
}

std::string run_shares(const PreparedRun& run, const std::string& reference, RunLog& log) {
  const auto plan = share_plan_file(run, reference);
  return uses_slurm(run) ? run_slurm_shares(run, reference, plan, log)
                         : run_local_shares(run, reference, plan, log);
}

}  // namespace cf::host
