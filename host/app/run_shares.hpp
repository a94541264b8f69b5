// Before a recorded run's full pass, its parameter sets can be computed in shares by other
// processes that only write cache: `--parallel N` children on this machine, or `--slurm` array
// tasks on a cluster. The full pass then loads what they wrote.
#pragma once

#include <filesystem>
#include <string>

namespace cf::host {

struct PreparedRun;
class RunLog;

// Whether this run's shares go to Slurm: --slurm, or "slurm": true in the config.
bool uses_slurm(const PreparedRun& run);

// Whether the run is split into shares at all.
bool runs_in_shares(const PreparedRun& run);

// Where the run's plan for its shares goes (see engine/share_plan.hpp): the logs folder, which
// a Slurm run's tasks see too, as <reference>_shares.json.
std::filesystem::path share_plan_file(const PreparedRun& run, const std::string& reference);

// Runs every share with the plan at share_plan_file() and waits for them. `reference` names the logs
// (<reference>_<A-B>.log) and the Slurm job script (<reference>_slurm.sh), all in the logs folder. Returns
// what went wrong, one description per failed share joined by "; ", or an empty string when every share
// succeeded. Throws UserError when the shares cannot be started at all (no sbatch, a refused submission) or
// the user interrupts.
std::string run_shares(const PreparedRun& run, const std::string& reference, RunLog& log);

}  // namespace cf::host
