// Turning a finished run into its HTML report: the store's facts, the stage graph with each
// call's decision and outputs, the reportables and the parameter sets.
#pragma once

#include "report_model.hpp"

#include <filesystem>
#include <optional>
#include <vector>

namespace cf::host {

class RunSession;
struct StoredRun;
struct RegisteredParams;

reports::RunSummary report_summary(const StoredRun& run,
                                   const std::optional<std::filesystem::path>& log_file);

// The whole report; `session` may be null (a run whose process died: only the summary).
reports::RunReport build_run_report(const StoredRun& run, const RunSession* session,
                                    const std::vector<RegisteredParams>& params,
                                    const std::optional<std::filesystem::path>& log_file);

}  // namespace cf::host
