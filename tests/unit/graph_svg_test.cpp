#include "graph_svg.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <future>
#include <string>
#include <vector>

namespace cf::reports {
namespace {

// Stage names the fixtures use; none contains '-', which Graphviz writes as &#45; in the SVG.
const std::vector<std::string> kChain = {"load_data", "split", "train", "evaluate", "report"};

// `records` records, each running kChain; every stage reads the previous one's output and every
// record after the first also reads record 0's load_data output.
RunReport chain_report(std::size_t records) {
  RunReport report;
  for (std::size_t r = 0; r < records; ++r) {
    report.records.push_back({r, "params_" + std::to_string(r), "hash" + std::to_string(r), {}});
    for (std::size_t s = 0; s < kChain.size(); ++s) {
      StageView stage;
      stage.id = report.stages.size();
      stage.record = r;
      stage.name = kChain[s];
      stage.action = "execute";
      stage.outputs.push_back({kChain[s] + "_out", "json",
                               "/cache/run/params_" + std::to_string(r) + "_" + kChain[s] + "_out.json",
                               "value of " + kChain[s]});
      if (s > 0) {
        stage.inputs.push_back(kChain[s - 1] + "_out");
        stage.sources.push_back({stage.id - 1, kChain[s - 1] + "_out"});
      } else if (r > 0) {
        stage.inputs.push_back("load_data_out");
        stage.sources.push_back({0, "load_data_out"});
      }
      report.stages.push_back(stage);
    }
  }
  return report;
}

bool is_inline_svg(const std::string& svg) {
  const auto end = svg.find_last_not_of(" \t\r\n");
  return svg.starts_with("<svg") && end != std::string::npos && svg.substr(0, end + 1).ends_with("</svg>");
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(GraphSvgTest, FullGraphIsAnInlineSvgElement) {
  const std::string svg = full_graph_svg(chain_report(2));
  EXPECT_TRUE(is_inline_svg(svg)) << svg.substr(0, 200);
  EXPECT_EQ(svg.find("<?xml"), std::string::npos);
  EXPECT_EQ(svg.find("<!DOCTYPE"), std::string::npos);
}

TEST(GraphSvgTest, FullGraphShowsStagesRecordsAndArtifacts) {
  RunReport report = chain_report(3);
  report.stages[7].action = "load";
  const std::string svg = full_graph_svg(report);
  for (const std::string& stage : kChain) {
    EXPECT_EQ(count(svg, ">" + stage + "</text>"), 3u) << stage;
  }
  for (std::size_t s = 0; s + 1 < kChain.size(); ++s) {
    EXPECT_NE(svg.find(">" + kChain[s] + "_out</text>"), std::string::npos) << kChain[s];
  }
  EXPECT_NE(svg.find(">0: params_0</text>"), std::string::npos);
  EXPECT_NE(svg.find(">1: params_1</text>"), std::string::npos);
  EXPECT_NE(svg.find(">2: params_2</text>"), std::string::npos);
  EXPECT_EQ(count(svg, ">(execute)</text>"), 14u);
  EXPECT_EQ(count(svg, ">(load)</text>"), 1u);
  EXPECT_EQ(count(svg, "class=\"cluster\""), 3u);
  EXPECT_EQ(count(svg, "id=\"cf_stage_graph_record_"), 3u);  // ids stay unique on the page
  // 4 edges in each chain plus the two reads of record 0's load_data.
  EXPECT_EQ(count(svg, "class=\"edge\""), 14u);
}

TEST(GraphSvgTest, ActionsAreDrawnDifferently) {
  RunReport report = chain_report(1);
  std::string all_executed = full_graph_svg(report);
  EXPECT_NE(all_executed.find("stroke-width=\"2\""), std::string::npos);
  EXPECT_EQ(all_executed.find("stroke-dasharray"), std::string::npos);

  for (StageView& stage : report.stages) stage.action = "load";
  const std::string all_loaded = full_graph_svg(report);
  EXPECT_EQ(all_loaded.find("stroke-width=\"2\""), std::string::npos);
  EXPECT_EQ(all_loaded.find("stroke-dasharray"), std::string::npos);

  report.stages[2].action = "skip";
  EXPECT_NE(full_graph_svg(report).find("stroke-dasharray"), std::string::npos);
}

TEST(GraphSvgTest, RecordsWithoutStagesStillAppear) {
  RunReport report = chain_report(1);
  report.records.push_back({1, "unused", "hash1", {}});
  const std::string svg = full_graph_svg(report);
  EXPECT_NE(svg.find(">1: unused</text>"), std::string::npos);
  EXPECT_NE(svg.find(">(no stage calls)</text>"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"cluster\""), 2u);
}

TEST(GraphSvgTest, ScriptInLabelsIsEscaped) {
  RunReport report = chain_report(2);
  report.records[0].name = "<script>alert('record')</script>";
  report.stages[1].name = "<script>alert(1)</script>";
  report.stages[2].sources[0].artifact = "<script>x</script>";
  report.stages[0].outputs[0].preview = "<script>p</script>";
  for (const std::string& svg : {full_graph_svg(report), record_graph_svg(report, 0)}) {
    EXPECT_EQ(svg.find("<script"), std::string::npos) << svg;
    EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos);
  }
  EXPECT_NE(full_graph_svg(report).find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

// Graphviz keeps anything shaped like an entity and expands backslash escapes such as \N; the
// names must still come out as written.
TEST(GraphSvgTest, EntitiesAndBackslashesStayLiteral) {
  RunReport report = chain_report(1);
  report.stages[0].name = "a &lt;b&gt; & c";
  report.stages[1].name = "path\\Name \\N";
  const std::string svg = full_graph_svg(report);
  EXPECT_NE(svg.find(">a &amp;lt;b&amp;gt; &amp; c</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">path\\Name \\N</text>"), std::string::npos) << svg;
}

TEST(GraphSvgTest, InvalidUtf8AndControlCharactersAreReplaced) {
  RunReport report = chain_report(1);
  report.stages[0].name = std::string("bad\xff\xfe") + "\x01tab\there";
  report.stages[1].name = "caf\xC3\xA9";
  const std::string svg = full_graph_svg(report);
  EXPECT_NE(svg.find(">bad\xEF\xBF\xBD\xEF\xBF\xBD tab here</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">caf\xC3\xA9</text>"), std::string::npos);
}

TEST(GraphSvgTest, RecordGraphShowsOutputsWithPreviewsAndFiles) {
  RunReport report = chain_report(2);
  report.stages[6].outputs[0].preview = "a preview that is a lot longer than forty characters, surely";
  const std::string svg = record_graph_svg(report, 1);
  EXPECT_TRUE(is_inline_svg(svg));
  for (std::size_t s = 0; s < kChain.size(); ++s) {
    EXPECT_NE(svg.find(">" + kChain[s] + "</text>"), std::string::npos) << kChain[s];
    EXPECT_NE(svg.find(">" + kChain[s] + "_out</text>"), std::string::npos) << kChain[s];
    EXPECT_NE(svg.find(">params_1_" + kChain[s] + "_out.json</text>"), std::string::npos) << kChain[s];
    if (s != 1) {  // split's preview is the long one
      EXPECT_NE(svg.find(">value of " + kChain[s] + "</text>"), std::string::npos) << kChain[s];
    }
  }
  EXPECT_NE(svg.find(">a preview that is a lot longer than fort\xE2\x80\xA6</text>"), std::string::npos);
  EXPECT_EQ(svg.find("surely"), std::string::npos);
  EXPECT_EQ(svg.find("/cache/run"), std::string::npos);  // file names only
  EXPECT_EQ(svg.find("params_0_"), std::string::npos);   // nothing of record 0's own outputs
  // Record 0's load_data, read by record 1's first stage, as a dashed node.
  EXPECT_NE(svg.find(">0: load_data</text>"), std::string::npos);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  // stage -> output for 5 outputs, output -> next stage 4 times, the foreign input once.
  EXPECT_EQ(count(svg, "class=\"edge\""), 10u);
}

TEST(GraphSvgTest, RecordGraphOfUnknownOrEmptyRecord) {
  RunReport report = chain_report(1);
  report.records.push_back({1, "unused", "hash1", {}});
  for (const std::size_t record : {std::size_t{1}, std::size_t{42}}) {
    const std::string svg = record_graph_svg(report, record);
    EXPECT_TRUE(is_inline_svg(svg));
    EXPECT_NE(svg.find(">(no stage calls)</text>"), std::string::npos);
  }
}

TEST(GraphSvgTest, EmptyReportGivesSmallSvg) {
  const std::string svg = full_graph_svg(RunReport{});
  EXPECT_TRUE(is_inline_svg(svg)) << svg;
  EXPECT_LT(svg.size(), 2000u);
  const std::string record = record_graph_svg(RunReport{}, 0);
  EXPECT_TRUE(is_inline_svg(record)) << record;
  EXPECT_LT(record.size(), 2000u);
}

TEST(GraphSvgTest, RepeatedAndConcurrentCallsGiveTheSameSvg) {
  const RunReport report = chain_report(3);
  const std::string first = full_graph_svg(report);
  EXPECT_EQ(full_graph_svg(report), first);
  std::vector<std::future<std::string>> runs;
  for (int i = 0; i < 4; ++i) {
    runs.push_back(std::async(std::launch::async, [&report] { return full_graph_svg(report); }));
  }
  for (auto& run : runs) EXPECT_EQ(run.get(), first);
}

TEST(GraphSvgTest, ModerateGraphIsDrawnInDetail) {
  const std::string svg = full_graph_svg(chain_report(50));
  EXPECT_EQ(svg.find("Summary"), std::string::npos);
  EXPECT_EQ(count(svg, ">train</text>"), 50u);
}

TEST(GraphSvgTest, LargeGraphFallsBackToOneNodePerRecord) {
  const RunReport report = chain_report(1000);
  const auto start = std::chrono::steady_clock::now();
  const std::string svg = full_graph_svg(report);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 10.0);
  EXPECT_TRUE(is_inline_svg(svg));
  EXPECT_NE(svg.find("<title>Summary: 5000 stage calls in 1000 records"), std::string::npos);
  EXPECT_NE(svg.find(">999: params_999</text>"), std::string::npos);
  EXPECT_EQ(count(svg, ">5 stage calls</text>"), 1000u);
  EXPECT_EQ(svg.find(">train</text>"), std::string::npos);
  // Every record after the first reads record 0.
  EXPECT_EQ(count(svg, "class=\"edge\""), 999u);
}

// Many clusters are what makes dot slow, even with few stage calls.
TEST(GraphSvgTest, ManySmallRecordsAlsoFallBack) {
  RunReport report;
  for (std::size_t r = 0; r < 400; ++r) {
    report.records.push_back({r, "params_" + std::to_string(r), "hash", {}});
    StageView stage;
    stage.id = r;
    stage.record = r;
    stage.name = "only";
    stage.action = "load";
    report.stages.push_back(stage);
  }
  const std::string svg = full_graph_svg(report);
  EXPECT_NE(svg.find("<title>Summary: 400 stage calls in 400 records"), std::string::npos);
  EXPECT_EQ(count(svg, ">1 stage call</text>"), 400u);
}

TEST(GraphSvgTest, ManyStageCallsInFewRecordsFallBack) {
  RunReport report = chain_report(20);
  for (std::size_t i = 0; i < 1000; ++i) {
    StageView stage;
    stage.id = report.stages.size();
    stage.record = i % 20;
    stage.name = "extra";
    stage.action = "load";
    report.stages.push_back(stage);
  }
  const std::string svg = full_graph_svg(report);
  EXPECT_NE(svg.find("<title>Summary: 1100 stage calls in 20 records"), std::string::npos);
  EXPECT_EQ(count(svg, ">55 stage calls</text>"), 20u);
}

TEST(GraphSvgTest, HugeRunIsOnlyANotice) {
  RunReport report;
  for (std::size_t r = 0; r < 2500; ++r) {
    report.records.push_back({r, "params_" + std::to_string(r), "hash", {}});
    StageView stage;
    stage.id = r;
    stage.record = r;
    stage.name = "only";
    stage.action = "load";
    if (r > 0) stage.sources.push_back({0, "shared"});
    report.stages.push_back(stage);
  }
  const auto start = std::chrono::steady_clock::now();
  const std::string svg = full_graph_svg(report);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 2.0);
  EXPECT_TRUE(is_inline_svg(svg));
  EXPECT_NE(svg.find("<title>Not drawn: 2500 stage calls in 2500 records"), std::string::npos);
  EXPECT_LT(svg.size(), 2000u);
}

}  // namespace
}  // namespace cf::reports
