// `experiment runs [EXPERIMENT] [--json]`: the past runs the store knows, newest first.
#pragma once

#include "store/run_store.hpp"

#include <string>
#include <vector>

namespace cf::host {

// A table: reference, status, timestamp, notes' first line; or with `json`, an array of objects
// with every stored field, for scripts.
std::string render_runs(const std::vector<StoredRun>& runs, bool json);

}  // namespace cf::host
