// Charts drawn as SVG by hand (no plotting library): what a "line_plot" reportable becomes.
#pragma once

#include <string>

namespace cf::reports {

// `payload_json` as report_model.hpp describes for "line_plot": axes with ticks and labels, one
// polyline per series in distinct colours, a legend when there is more than one series. An
// invalid payload throws std::runtime_error saying what is wrong.
std::string line_plot_svg(const std::string& payload_json, int width = 640, int height = 400);

}  // namespace cf::reports
