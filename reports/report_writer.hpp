// Writing reports: a run's folder and the index of all runs. Every text that comes from user
// data (names, parameters, notes, reportables other than raw HTML) is HTML-escaped.
#pragma once

#include "report_model.hpp"

#include <filesystem>

namespace cf::reports {

// Writes <reports_root>/<reference>/: index.html, style.css (a copy of `css` when that file
// exists, else the built-in stylesheet), log.txt (when the summary names a log file), run.json
// (the summary, for rebuilding the index), copies of image reportables, then points
// <reports_root>/_latest at the folder and rewrites the index. Files are written through
// temporary names and renamed. Throws std::runtime_error naming the file on failure.
void write_run_report(const std::filesystem::path& reports_root, const RunReport& report,
                      const std::filesystem::path& css);

// Rebuilds <reports_root>/index.html from every <reports_root>/*/run.json found (report
// folders copied from other machines included; folders without one are skipped): runs per
// experiment and all runs, newest first, with status, dirty mark, hostname, full-store mark,
// param files with set names, notes' first line and the command.
void write_report_index(const std::filesystem::path& reports_root, const std::filesystem::path& css);

}  // namespace cf::reports
