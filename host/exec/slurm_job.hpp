// Runs parameter-set ranges as one Slurm job array, so a sweep spreads over a cluster's nodes
// while this process only submits and watches. Needs sbatch and scontrol on PATH (SLURM_CONF
// from the environment); accounting (sacct) is not required, since small and test clusters often
// run without slurmdbd.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cf::host {

struct SlurmTask {
  std::string range;                   // "A-B": the parameter sets this task runs, for reports
  std::vector<std::string> arguments;  // argv[0] is the absolute path of the program
  std::filesystem::path log_file;      // the task's stdout and stderr
};

struct SlurmTaskResult {
  std::string range;
  std::string state;  // Slurm's final JobState: COMPLETED, FAILED, CANCELLED, TIMEOUT, ...
  int exit_code = 0;
  int signal = 0;  // the signal that ended the task, 0 when it exited
  std::filesystem::path log_file;
};

// Writes a job script to `script_path` (kept so the user can inspect or resubmit it), submits it
// as array 0..N-1 with `extra_sbatch_args` (split like a shell would, without running one), then
// polls until every task has finished, reporting "slurm job <id>: K of N tasks finished" through
// `progress` whenever K changes. Results are in the order of `tasks`. Throws UserError when
// sbatch fails (with its stderr) or the job cannot be followed.
std::vector<SlurmTaskResult> run_slurm_array(const std::vector<SlurmTask>& tasks,
                                             const std::filesystem::path& script_path,
                                             const std::filesystem::path& working_directory,
                                             const std::string& extra_sbatch_args,
                                             const std::function<void(std::string_view)>& progress);

// Exposed for tests: how a POSIX shell would split `text` into words (quotes and backslashes,
// no expansions). Throws UserError on an unterminated quote.
std::vector<std::string> split_shell_words(std::string_view text);

}  // namespace cf::host
