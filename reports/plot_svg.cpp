#include "plot_svg.hpp"

#include "html.hpp"
#include "page_parts.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace cf::reports {
namespace {

struct Series {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
};

struct Plot {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<Series> series;
};

[[noreturn]] void invalid(const std::string& what) {
  throw std::runtime_error("line_plot: " + what);
}

std::string optional_string(const rapidjson::Value& object, const char* key) {
  const auto member = object.FindMember(key);
  if (member == object.MemberEnd() || member->value.IsNull()) return {};
  if (!member->value.IsString()) invalid(std::string("'") + key + "' is not a string");
  return {member->value.GetString(), member->value.GetStringLength()};
}

// null stands for a missing value (JSON has no NaN); it is skipped like NaN when drawing.
std::vector<double> numbers(const rapidjson::Value& series, const char* key, const std::string& which) {
  const auto member = series.FindMember(key);
  if (member == series.MemberEnd()) invalid(which + " has no '" + key + "'");
  if (!member->value.IsArray()) invalid(which + ": '" + key + "' is not a list");
  std::vector<double> values;
  values.reserve(member->value.Size());
  for (const auto& v : member->value.GetArray()) {
    if (v.IsNumber()) {
      values.push_back(v.GetDouble());
    } else if (v.IsNull()) {
      values.push_back(std::numeric_limits<double>::quiet_NaN());
    } else {
      invalid(which + ": " + key + "[" + std::to_string(values.size()) + "] is not a number");
    }
  }
  return values;
}

Plot parse(const std::string& payload_json) {
  rapidjson::Document document;
  // Other producers than our SDK may write NaN/Infinity literals; they are accepted and skipped.
  document.Parse<rapidjson::kParseNanAndInfFlag>(payload_json.c_str(), payload_json.size());
  if (document.HasParseError()) {
    invalid(std::string("payload is not valid JSON: ") +
            rapidjson::GetParseError_En(document.GetParseError()) + " at offset " +
            std::to_string(document.GetErrorOffset()));
  }
  if (!document.IsObject()) invalid("payload is not a JSON object");
  Plot plot;
  plot.title = optional_string(document, "title");
  plot.x_label = optional_string(document, "x_label");
  plot.y_label = optional_string(document, "y_label");
  const auto series = document.FindMember("series");
  if (series == document.MemberEnd() || !series->value.IsArray())
    invalid("'series' is missing or not a list");
  for (const auto& entry : series->value.GetArray()) {
    const auto index = plot.series.size() + 1;
    if (!entry.IsObject()) invalid("series " + std::to_string(index) + " is not an object");
    Series s;
    s.name = optional_string(entry, "name");
    if (s.name.empty()) s.name = "series " + std::to_string(index);
    const auto which = "series " + std::to_string(index) + " ('" + s.name + "')";
    s.x = numbers(entry, "x", which);
    s.y = numbers(entry, "y", which);
    if (s.x.size() != s.y.size()) {
      invalid(which + ": x has " + std::to_string(s.x.size()) + " values but y has " +
              std::to_string(s.y.size()));
    }
    plot.series.push_back(std::move(s));
  }
  return plot;
}

// Ticks at 1, 2 or 5 times a power of ten, so labels read as round numbers.
struct Axis {
  double low = 0;
  double high = 1;
  std::vector<double> ticks;
  std::vector<std::string> labels;
};

double round_step(double rough) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
  // Slack for quotients like 0.2 / 0.1 that land a hair above the round number.
  const double fraction = rough / magnitude * (1.0 - 1e-9);
  if (fraction <= 1.0) return magnitude;
  if (fraction <= 2.0) return 2.0 * magnitude;
  if (fraction <= 5.0) return 5.0 * magnitude;
  return 10.0 * magnitude;
}

std::string tick_label(double value, double step, double largest) {
  if (std::abs(value) < step * 1e-9) value = 0.0;  // 0.1 + 0.2 - 0.3 style residue shows as 0
  if (largest >= 1e7 || step < 1e-5) {
    // Scientific with just enough significant digits to tell neighbouring ticks apart.
    const int digits = std::clamp(static_cast<int>(std::ceil(std::log10(largest / step))) + 1, 1, 17);
    std::array<char, 64> buffer{};
    const auto end =
        std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::general, digits)
            .ptr;
    return std::string(buffer.data(), end);
  }
  const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 17);
  return format_fixed(value, decimals);
}

Axis make_axis(double low, double high) {
  Axis axis;
  if (!std::isfinite(low) || !std::isfinite(high)) {
    low = 0.0;  // no drawable point at all
    high = 1.0;
  } else if (low == high) {
    // A single value (or a flat line) still gets an axis around it.
    const double pad = low == 0.0 ? 1.0 : std::abs(low) * 0.1;
    low -= pad;
    high += pad;
  }
  // Halved before subtracting so extremes near the double limit do not overflow.
  const double span = 2.0 * (high / 2.0 - low / 2.0);
  const double step = std::isfinite(span) ? round_step(span / 5.0) : 0.0;
  if (!(step > 0.0) || !std::isfinite(step)) {
    axis.low = low;
    axis.high = high;
    axis.ticks = {low, high};
  } else {
    // The tolerance keeps 0.3 / 0.1 = 2.9999999999999996 from adding a needless extra tick.
    axis.low = std::floor(low / step + 1e-9) * step;
    axis.high = std::ceil(high / step - 1e-9) * step;
    for (int i = 0; i <= 20; ++i) {
      const double tick = axis.low + i * step;
      if (tick > axis.high + step * 1e-6) break;
      axis.ticks.push_back(tick);
    }
  }
  const double largest = std::max(std::abs(axis.low), std::abs(axis.high));
  const double spacing = axis.ticks.size() > 1 ? axis.ticks[1] - axis.ticks[0] : largest;
  for (const double tick : axis.ticks) axis.labels.push_back(tick_label(tick, spacing, largest));
  return axis;
}

// Coordinates to two decimals: enough for any screen, and keeps big plots' markup small.
std::string coordinate(double value) {
  return format_fixed(value, 2);
}

// Colour-blind friendly, distinct on white; repeats after ten series.
constexpr std::array<const char*, 10> kPalette = {"#2f6db5", "#e07b14", "#2e9b4f", "#c8313b", "#7d57b8",
                                                  "#8a5a44", "#d35fb0", "#6b6b6b", "#a3a21c", "#1ba3b8"};

// Rough width of text in the 12px sans-serif the plot uses; SVG cannot measure before layout.
double text_width(const std::string& text, double font_size) {
  std::size_t characters = 0;
  for (const unsigned char c : text) characters += (c & 0xC0) != 0x80;  // count code points, not bytes
  return static_cast<double>(characters) * font_size * 0.6;
}

// Cuts `text` to at most `limit` code points (never inside one), marking the cut with an ellipsis.
std::string shorten(const std::string& text, std::size_t limit) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (points == limit) return text.substr(0, i) + "\xE2\x80\xA6";
    ++points;
  }
  return text;
}

}  // namespace

std::string line_plot_svg(const std::string& payload_json, int width, int height) {
  const Plot plot = parse(payload_json);

  double x_low = std::numeric_limits<double>::infinity();
  double x_high = -x_low;
  double y_low = x_low;
  double y_high = -x_low;
  bool any_point = false;
  for (const auto& s : plot.series) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      any_point = true;
      x_low = std::min(x_low, s.x[i]);
      x_high = std::max(x_high, s.x[i]);
      y_low = std::min(y_low, s.y[i]);
      y_high = std::max(y_high, s.y[i]);
    }
  }
  const Axis x_axis = make_axis(x_low, x_high);
  const Axis y_axis = make_axis(y_low, y_high);

  constexpr double kFont = 12.0;
  const bool legend = plot.series.size() > 1;
  double legend_width = 0;
  std::vector<std::string> legend_names;
  if (legend) {
    // The legend may take up to a third of the width; longer names are shortened to fit.
    const double room = width / 3.0 - 36.0;
    const auto limit = static_cast<std::size_t>(std::max(4.0, room / (kFont * 0.6)));
    for (const auto& s : plot.series) {
      legend_names.push_back(shorten(s.name, limit));
      legend_width = std::max(legend_width, text_width(legend_names.back(), kFont) + 36.0);
    }
  }
  double widest_y_label = 0;
  for (const auto& label : y_axis.labels) widest_y_label = std::max(widest_y_label, text_width(label, kFont));

  const double left = widest_y_label + 14.0 + (plot.y_label.empty() ? 0.0 : 22.0);
  const double right = width - 16.0 - (legend ? legend_width + 8.0 : 0.0);
  const double top = plot.title.empty() ? 14.0 : 38.0;
  const double bottom = height - (plot.x_label.empty() ? 26.0 : 46.0);
  if (right - left < 40.0 || bottom - top < 40.0) {
    throw std::runtime_error("line_plot: " + std::to_string(width) + "x" + std::to_string(height) +
                             " leaves no room for the plot area");
  }
  const auto px = [&](double x) {
    return left + (x - x_axis.low) / (x_axis.high - x_axis.low) * (right - left);
  };
  const auto py = [&](double y) {
    return bottom - (y - y_axis.low) / (y_axis.high - y_axis.low) * (bottom - top);
  };

  const auto w = std::to_string(width);
  const auto h = std::to_string(height);
  const auto label = plot.title.empty() ? std::string("line plot") : plot.title;
  std::string svg;
  svg += "<svg class=\"cf-plot\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
         "\" viewBox=\"0 0 " + w + " " + h + "\" role=\"img\" aria-label=\"" + escape_html(label) +
         "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  // Presentation attributes rather than CSS classes alone, so the plot looks the same when the
  // SVG is saved on its own or the page uses another stylesheet.
  svg += "<rect x=\"0\" y=\"0\" width=\"" + w + "\" height=\"" + h + "\" fill=\"#ffffff\"/>\n";
  if (!plot.title.empty()) {
    svg += "<text class=\"cf-plot-title\" x=\"" + coordinate(width / 2.0) +
           "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">" +
           escape_html(plot.title) + "</text>\n";
  }

  svg += "<g class=\"cf-plot-grid\" stroke=\"#e4e4e4\" stroke-width=\"1\">\n";
  for (const double tick : x_axis.ticks) {
    const auto x = coordinate(px(tick));
    svg += "<line x1=\"" + x + "\" y1=\"" + coordinate(top) + "\" x2=\"" + x + "\" y2=\"" +
           coordinate(bottom) + "\"/>\n";
  }
  for (const double tick : y_axis.ticks) {
    const auto y = coordinate(py(tick));
    svg += "<line x1=\"" + coordinate(left) + "\" y1=\"" + y + "\" x2=\"" + coordinate(right) + "\" y2=\"" +
           y + "\"/>\n";
  }
  svg += "</g>\n";

  svg += "<g class=\"cf-plot-axes\" stroke=\"#444444\" stroke-width=\"1\">\n";
  svg += "<line x1=\"" + coordinate(left) + "\" y1=\"" + coordinate(bottom) + "\" x2=\"" + coordinate(right) +
         "\" y2=\"" + coordinate(bottom) + "\"/>\n";
  svg += "<line x1=\"" + coordinate(left) + "\" y1=\"" + coordinate(top) + "\" x2=\"" + coordinate(left) +
         "\" y2=\"" + coordinate(bottom) + "\"/>\n";
  svg += "</g>\n";

  svg += "<g class=\"cf-plot-ticks\" fill=\"#444444\">\n";
  for (std::size_t i = 0; i < x_axis.ticks.size(); ++i) {
    svg += "<text x=\"" + coordinate(px(x_axis.ticks[i])) + "\" y=\"" + coordinate(bottom + 16.0) +
           "\" text-anchor=\"middle\">" + escape_html(x_axis.labels[i]) + "</text>\n";
  }
  for (std::size_t i = 0; i < y_axis.ticks.size(); ++i) {
    svg += "<text x=\"" + coordinate(left - 6.0) + "\" y=\"" + coordinate(py(y_axis.ticks[i]) + 4.0) +
           "\" text-anchor=\"end\">" + escape_html(y_axis.labels[i]) + "</text>\n";
  }
  svg += "</g>\n";

  if (!plot.x_label.empty()) {
    svg += "<text class=\"cf-plot-x-label\" x=\"" + coordinate((left + right) / 2.0) + "\" y=\"" +
           coordinate(height - 8.0) + "\" text-anchor=\"middle\">" + escape_html(plot.x_label) + "</text>\n";
  }
  if (!plot.y_label.empty()) {
    const auto x = coordinate(16.0);
    const auto y = coordinate((top + bottom) / 2.0);
    svg += "<text class=\"cf-plot-y-label\" x=\"" + x + "\" y=\"" + y +
           "\" text-anchor=\"middle\" transform=\"rotate(-90 " + x + " " + y + ")\">" +
           escape_html(plot.y_label) + "</text>\n";
  }

  for (std::size_t index = 0; index < plot.series.size(); ++index) {
    const auto& s = plot.series[index];
    const std::string colour = kPalette[index % kPalette.size()];
    svg += "<g class=\"cf-plot-series\" stroke=\"" + colour + "\" fill=\"" + colour + "\">\n";
    // A NaN ends a line: joining across a missing value would draw data that is not there.
    std::vector<std::pair<double, double>> run;
    const auto flush = [&] {
      if (run.size() == 1) {
        // A lone point has no line to show it, so it gets a dot.
        svg += "<circle cx=\"" + coordinate(run[0].first) + "\" cy=\"" + coordinate(run[0].second) +
               "\" r=\"3\" stroke=\"none\"/>\n";
      } else if (run.size() > 1) {
        svg += "<polyline fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"";
        for (std::size_t i = 0; i < run.size(); ++i) {
          if (i != 0) svg += ' ';
          svg += coordinate(run[i].first) + "," + coordinate(run[i].second);
        }
        svg += "\"/>\n";
      }
      run.clear();
    };
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
        run.emplace_back(px(s.x[i]), py(s.y[i]));
      } else {
        flush();
      }
    }
    flush();
    svg += "</g>\n";
  }

  if (!any_point) {
    svg += "<text class=\"cf-plot-empty\" x=\"" + coordinate((left + right) / 2.0) + "\" y=\"" +
           coordinate((top + bottom) / 2.0) + "\" text-anchor=\"middle\" fill=\"#888888\">no data</text>\n";
  }

  if (legend) {
    const double x = right + 12.0;
    const double row = 18.0;
    svg += "<g class=\"cf-plot-legend\">\n";
    svg += "<rect x=\"" + coordinate(x) + "\" y=\"" + coordinate(top) + "\" width=\"" +
           coordinate(legend_width) + "\" height=\"" +
           coordinate(row * static_cast<double>(plot.series.size()) + 8.0) +
           "\" fill=\"#ffffff\" stroke=\"#cccccc\"/>\n";
    for (std::size_t index = 0; index < plot.series.size(); ++index) {
      const std::string colour = kPalette[index % kPalette.size()];
      const double y = top + 4.0 + row * static_cast<double>(index) + row / 2.0;
      svg += "<line x1=\"" + coordinate(x + 8.0) + "\" y1=\"" + coordinate(y) + "\" x2=\"" +
             coordinate(x + 26.0) + "\" y2=\"" + coordinate(y) + "\" stroke=\"" + colour +
             "\" stroke-width=\"3\"/>\n";
      svg += "<text x=\"" + coordinate(x + 32.0) + "\" y=\"" + coordinate(y + 4.0) + "\" fill=\"#222222\">" +
             escape_html(legend_names[index]) + "</text>\n";
    }
    svg += "</g>\n";
  }
  svg += "</svg>";
  return svg;
}

}  // namespace cf::reports
