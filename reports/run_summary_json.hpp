// RunSummary as the run.json kept in every report folder: the index is rebuilt from these
// files alone, so report folders copied from other machines show up in it too.
#pragma once

#include "report_model.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace cf::reports {

// Every field; param_files_json is embedded as JSON (not as a string) when it parses, so the
// file stays readable.
std::string run_summary_to_json(const RunSummary& summary);

// nullopt for anything that is not such a file: invalid JSON, not an object, no string
// "reference" and "experiment", or a known field of the wrong type. Unknown fields are ignored
// so newer versions can add some.
std::optional<RunSummary> run_summary_from_json(std::string_view json);

}  // namespace cf::reports
