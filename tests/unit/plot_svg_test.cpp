#include "plot_svg.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace cf::reports {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string error_of(const std::string& payload, int width = 640, int height = 400) {
  try {
    line_plot_svg(payload, width, height);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(PlotSvg, OneSeriesIsAnInlineSvgWithAxesAndNoLegend) {
  const std::string svg = line_plot_svg(
      R"({"title": "Loss", "x_label": "epoch", "y_label": "loss",
          "series": [{"name": "train", "x": [0, 5, 10], "y": [1.0, 0.5, 0.25]}]})");
  EXPECT_TRUE(svg.starts_with("<svg class=\"cf-plot\"")) << svg.substr(0, 120);
  EXPECT_TRUE(svg.ends_with("</svg>"));
  EXPECT_TRUE(has(svg, "width=\"640\" height=\"400\""));
  EXPECT_TRUE(has(svg, ">Loss</text>"));
  EXPECT_TRUE(has(svg, ">epoch</text>"));
  EXPECT_TRUE(has(svg, ">loss</text>"));
  EXPECT_EQ(count(svg, "<polyline"), 1u);
  EXPECT_FALSE(has(svg, "cf-plot-legend"));
  EXPECT_FALSE(has(svg, ">train</text>"));  // a lone series needs no legend
}

TEST(PlotSvg, SeveralSeriesGetDistinctColoursAndALegendNamingEach) {
  const std::string svg = line_plot_svg(
      R"({"series": [{"name": "train", "x": [0, 1, 2], "y": [3, 2, 1]},
                     {"name": "validation", "x": [0, 1, 2], "y": [3.5, 2.5, 2]}]})");
  EXPECT_EQ(count(svg, "<polyline"), 2u);
  EXPECT_EQ(count(svg, "class=\"cf-plot-legend\""), 1u);
  EXPECT_TRUE(has(svg, ">train</text>"));
  EXPECT_TRUE(has(svg, ">validation</text>"));
  const auto first = svg.find("class=\"cf-plot-series\" stroke=\"");
  const auto second = svg.find("class=\"cf-plot-series\" stroke=\"", first + 1);
  ASSERT_NE(second, std::string::npos);
  const auto colour = [&](std::size_t at) { return svg.substr(svg.find("stroke=\"", at), 16); };
  EXPECT_NE(colour(first), colour(second));
}

TEST(PlotSvg, TicksAreRoundNumbersCoveringTheData) {
  const std::string svg = line_plot_svg(R"({"series": [{"x": [0, 10], "y": [0, 1]}]})");
  for (const char* label : {">0</text>", ">2</text>", ">4</text>", ">6</text>", ">8</text>", ">10</text>"}) {
    EXPECT_TRUE(has(svg, label)) << label;
  }
  for (const char* label : {">0.0</text>", ">0.2</text>", ">0.4</text>", ">1.0</text>"}) {
    EXPECT_TRUE(has(svg, label)) << label;
  }
  EXPECT_FALSE(has(svg, ">0.30000000000000004<"));
}

TEST(PlotSvg, TextFromThePayloadIsEscaped) {
  const std::string svg = line_plot_svg(
      R"({"title": "<script>alert(1)</script>", "x_label": "a & b", "y_label": "\"y\"",
          "series": [{"name": "<i>one</i>", "x": [1], "y": [1]}, {"name": "two", "x": [2], "y": [2]}]})");
  EXPECT_FALSE(has(svg, "<script>"));
  EXPECT_FALSE(has(svg, "<i>"));
  EXPECT_TRUE(has(svg, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(has(svg, "a &amp; b"));
  EXPECT_TRUE(has(svg, "&quot;y&quot;"));
  EXPECT_TRUE(has(svg, "&lt;i&gt;one&lt;/i&gt;"));
}

TEST(PlotSvg, ASinglePointIsDrawnAsADotOnAnAxisAroundIt) {
  const std::string svg = line_plot_svg(R"({"series": [{"name": "only", "x": [3], "y": [7]}]})");
  EXPECT_EQ(count(svg, "<circle"), 1u);
  EXPECT_EQ(count(svg, "<polyline"), 0u);
  EXPECT_FALSE(has(svg, "nan"));
  EXPECT_GE(count(svg, "<line"), 4u);  // grid and axes exist even for a zero-width range
}

TEST(PlotSvg, MissingValuesAreSkippedAndBreakTheLine) {
  // null, NaN and Infinity all mean "no value here".
  const std::string svg =
      line_plot_svg(R"({"series": [{"x": [0, 1, 2, 3, 4, 5], "y": [1, null, 3, 4, NaN, Infinity]}]})");
  EXPECT_EQ(count(svg, "<circle"), 1u);    // point 0 stands alone
  EXPECT_EQ(count(svg, "<polyline"), 1u);  // points 2 and 3
  EXPECT_FALSE(has(svg, "nan"));
  EXPECT_FALSE(has(svg, "inf"));
}

TEST(PlotSvg, EmptySeriesAndNoSeriesDrawAnEmptyPlot) {
  const std::string empty_series = line_plot_svg(R"({"series": [{"name": "none", "x": [], "y": []}]})");
  EXPECT_TRUE(has(empty_series, ">no data</text>"));
  EXPECT_EQ(count(empty_series, "<polyline"), 0u);
  const std::string no_series = line_plot_svg(R"({"series": []})");
  EXPECT_TRUE(has(no_series, ">no data</text>"));
  // A series with data next to an empty one is drawn and both are in the legend.
  const std::string mixed = line_plot_svg(
      R"({"series": [{"name": "a", "x": [], "y": []}, {"name": "b", "x": [1, 2], "y": [1, 2]}]})");
  EXPECT_FALSE(has(mixed, "no data"));
  EXPECT_TRUE(has(mixed, ">a</text>"));
}

TEST(PlotSvg, InvalidPayloadsAreErrorsSayingWhatIsWrong) {
  EXPECT_TRUE(has(error_of(R"({"series": [{"name": "loss", "x": [1, 2, 3], "y": [1, 2]}]})"),
                  "series 1 ('loss'): x has 3 values but y has 2"));
  EXPECT_TRUE(has(error_of("{not json"), "not valid JSON"));
  EXPECT_TRUE(has(error_of("[1, 2]"), "not a JSON object"));
  EXPECT_TRUE(has(error_of(R"({"title": "t"})"), "'series'"));
  EXPECT_TRUE(has(error_of(R"({"series": [{"x": [1, "two"], "y": [1, 2]}]})"), "x[1] is not a number"));
  EXPECT_TRUE(has(error_of(R"({"series": [{"x": [1]}]})"), "has no 'y'"));
  EXPECT_TRUE(has(error_of(R"({"series": [3]})"), "series 1 is not an object"));
  EXPECT_TRUE(has(error_of(R"({"title": 5, "series": []})"), "'title' is not a string"));
  EXPECT_TRUE(has(error_of(R"({"series": []})", 50, 40), "no room"));
}

}  // namespace
}  // namespace cf::reports
