// The page listing every report: <reports>/index.html.
#pragma once

#include "report_model.hpp"

#include <string>
#include <vector>

namespace cf::reports {

struct IndexedRun {
  std::string folder;  // the report folder's name under the root; links go here, not to the
                       // reference, because a copied-in folder may have been renamed
  RunSummary summary;
};

// Sections per experiment (by name) and "All runs", each newest first by timestamp, then run
// number. `has_latest` adds a link to _latest/.
std::string index_page_html(std::vector<IndexedRun> runs, bool has_latest);

}  // namespace cf::reports
