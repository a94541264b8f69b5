// Whether a run the store still lists as incomplete is going on: its process (recorded at its
// start) is alive on this host, or is gone without having recorded how the run ended (kill -9,
// a power cut), or lives on another host, which this one cannot ask.
#pragma once

#include "store/run_store.hpp"

namespace cf::host {

enum class RunProcess { finished, running, gone, unknown };

// `finished` for every status but incomplete.
RunProcess run_process(const StoredRun& run);

// "running", "gone", "unknown"; empty for a finished run.
const char* run_process_name(RunProcess process);

}  // namespace cf::host
