#include "app/run_shares.hpp"

#include "app/prepared_run.hpp"
#include "cli/options.hpp"
#include "cli/run_arguments.hpp"
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

// What a share runs: the same experiment, files and filters, its part of the selection as
// --global-indices, the run's plan, and the flags that shape what it computes; as a command
// line by cli/run_arguments, the parser's own inverse.
RunOptions share_options(const PreparedRun& run, Range range, const std::filesystem::path& plan) {
  const RunOptions& options = run.options;
  RunOptions share;
  share.experiment = options.experiment;
  share.params = options.params;
  share.names = options.names;
  share.indices = options.indices;
  std::vector<std::size_t> positions;
  for (std::size_t i = range.first; i < range.second; ++i) positions.push_back(run.sets[i].global_position);
  const std::string ranges = index_ranges(positions);
  for (std::size_t at = 0; at < ranges.size();) {
    const auto comma = ranges.find(',', at);
    share.global_indices.push_back(ranges.substr(at, comma - at));
    at = comma == std::string::npos ? ranges.size() : comma + 1;
  }
  share.parallel_mode = true;
  share.share_plan = plan.string();
  share.cache = run.cache_folder.string();
  share.prefix = run.prefix;
  share.lazy = options.lazy;
  share.ignore_lazy = options.ignore_lazy;
  if (options.no_dag) {
    // Without a map pass there is no plan to follow: each share decides call by call, by the
    // same overwrite rules. In DAG mode the plan says which calls are forced.
    share.no_dag = true;
    share.overwrite = options.overwrite;
    share.overwrite_stages = options.overwrite_stages;
  }
  share.stage_timeout = options.stage_timeout;
  share.verbose = options.verbose;
  return share;
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
    children.push_back({range_text(range), run_arguments(share_options(run, range, plan)),
                        share_log(run, reference, range)});
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
    RunOptions share = share_options(run, range, plan);
    // The task's console output is its log file, so it gets the log file's line format.
    share.plain = true;
    auto arguments = run_arguments(share);
    arguments.insert(arguments.begin(), executable.string());
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
