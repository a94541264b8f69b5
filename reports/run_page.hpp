// The run page: <reports>/<reference>/index.html.
#pragma once

#include "report_model.hpp"

#include <string>
#include <vector>

namespace cf::reports {

// A reportable as the writer prepared it: its rendered body, or why it could not be rendered
// (one broken reportable must not cost the whole report).
struct RenderedReportable {
  std::string body_html;
  std::string error;
};

struct RunPageFiles {
  std::vector<RenderedReportable> reportables;  // one per RunReport::reportables, same order
  bool log_copied = false;                      // log.txt sits next to the page
  std::string log_problem;                      // why not, when the summary named a log file
};

// The whole HTML document. Section ids: info, notes, reportables, graph, records, parameters.
std::string run_page_html(const RunReport& report, const RunPageFiles& files);

}  // namespace cf::reports
