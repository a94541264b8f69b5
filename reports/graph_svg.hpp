// The stage graph as inline SVG, laid out by Graphviz (libgvc, dot layout).
#pragma once

#include "report_model.hpp"

#include <cstddef>
#include <string>

namespace cf::reports {

// All records and their stage calls: one cluster per record (coloured from a fixed palette by
// record id), a node per stage call labelled with its name and action, edges labelled with the
// artifact passed. Returns an <svg> element (no XML prologue).
std::string full_graph_svg(const RunReport& report);

// One record in detail: its stage calls with their outputs as separate nodes showing the
// artifact name, a short preview and the cache path; inputs from other records as dashed nodes.
std::string record_graph_svg(const RunReport& report, std::size_t record);

}  // namespace cf::reports
