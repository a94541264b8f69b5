// What --map and --paths print after the map pass.
#pragma once

#include <ostream>

namespace cf::host {

class RunSession;

// Per record: its stages with the decision for each, inputs, and outputs with their cache
// status and the run that produced them; then the stage calls that would execute.
void print_map(const RunSession& session, std::ostream& out);

// Every cache file and metadata path the run's outputs map to, one per line, in call order.
void print_paths(const RunSession& session, std::ostream& out);

}  // namespace cf::host
