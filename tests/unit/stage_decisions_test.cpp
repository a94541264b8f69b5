// The stage graph and the DAG rules on hand-built graphs: goals, what a cached goal spares,
// how --overwrite-stage propagates, and what aggregates and copies read.
#include "engine/stage_decisions.hpp"
#include "engine/stage_graph.hpp"
#include "util/error.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace cf::host {
namespace {

StageCall call(std::size_t record, std::string name, std::vector<std::string> inputs,
               std::vector<std::string> outputs) {
  StageCall c;
  c.record = record;
  c.name = std::move(name);
  c.inputs = std::move(inputs);
  for (auto& output : outputs) c.outputs.push_back(OutputSpec{std::move(output), "raw", "{}", "{}", "", false});
  return c;
}

std::size_t add(StageGraph& graph, StageCall c) {
  std::vector<std::string> warnings;
  return graph.add_stage(std::move(c), warnings);
}

// load -> scale -> total on one record.
StageGraph chain() {
  StageGraph graph;
  graph.add_record("a", "h1", "{}");
  add(graph, call(0, "load", {}, {"data"}));
  add(graph, call(0, "scale", {"data"}, {"scaled"}));
  add(graph, call(0, "total", {"scaled"}, {"sum"}));
  return graph;
}

std::vector<StageAction> plan(const StageGraph& graph, const std::set<std::size_t>& cached,
                              const OverwriteRules& rules = {}) {
  return plan_dag(graph, forced_stages(graph, rules),
                  [&](std::size_t stage) { return cached.contains(stage); });
}

using A = StageAction;

TEST(StageGraph, ResolvesInputsToTheirProducersAndFindsGoals) {
  const StageGraph graph = chain();
  ASSERT_EQ(graph.stages().size(), 3u);
  EXPECT_EQ(graph.stages()[1].sources.size(), 1u);
  EXPECT_EQ(graph.stages()[1].sources[0].stage, 0u);
  EXPECT_EQ(graph.stages()[0].consumers, std::vector<std::size_t>{1});
  EXPECT_FALSE(graph.stages()[0].is_goal());
  EXPECT_TRUE(graph.stages()[2].is_goal());
  EXPECT_EQ(graph.stages()[2].prior_stages, (std::vector<std::string>{"load", "scale"}));
}

TEST(StageGraph, MissingInputIsAnErrorUnlessSuppressed) {
  StageGraph graph;
  graph.add_record("a", "h1", "{}");
  try {
    add(graph, call(0, "fit", {"data"}, {"model"}));
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_STREQ(
        e.what(),
        "stage 'fit' on record 0 ('a'): input 'data' is not in the record's state (no earlier stage on it "
        "outputs 'data')");
  }
  StageCall tolerant = call(0, "fit", {"data"}, {"model"});
  tolerant.suppress_missing_inputs = true;
  EXPECT_NO_THROW(add(graph, tolerant));
  graph.set_artifact(0, "given");
  EXPECT_NO_THROW(add(graph, call(0, "use", {"given"}, {})));
}

TEST(StageGraph, AggregateWarnsForRecordsWithoutTheInputAndTakesAComboHash) {
  StageGraph graph;
  graph.add_record("a", "h1", "{}");
  graph.add_record("b", "h2", "{}");
  add(graph, call(0, "total", {}, {"sum"}));
  const std::size_t target = graph.add_record("", "", "");
  StageCall compare = call(target, "compare", {"sum"}, {"ranking"});
  compare.aggregate = true;
  compare.input_records = {0, 1};
  std::vector<std::string> warnings;
  const std::size_t id = graph.add_stage(compare, warnings);
  EXPECT_EQ(warnings,
            (std::vector<std::string>{"stage 'compare' on record 2 ('None'): record 1 ('b') has no 'sum'"}));
  EXPECT_EQ(graph.stages()[id].sources.size(), 1u);
  EXPECT_EQ(graph.record(target).hash(), graph.stages()[id].record_hash);
  EXPECT_NE(graph.record(target).hash(), "None");
}

TEST(StageGraph, CopySharesStateAndListsItsSource) {
  StageGraph graph;
  graph.add_record("a", "h1", "{}");
  add(graph, call(0, "load", {}, {"data"}));
  RecordEntry other;
  other.set_name = "a2";
  other.params_hash = "h9";
  const std::size_t copy = graph.copy_record(0, other);
  const std::size_t scale = add(graph, call(copy, "scale", {"data"}, {"scaled"}));
  EXPECT_EQ(graph.record(copy).input_records, std::vector<std::size_t>{0});
  EXPECT_EQ(graph.stages()[scale].sources[0].stage, 0u);
  EXPECT_EQ(graph.stages()[scale].record_hash, "h9");
  EXPECT_EQ(graph.stages()[scale].prior_stages, std::vector<std::string>{"load"});
}

TEST(StageDecisions, ColdRunExecutesEverything) {
  EXPECT_EQ(plan(chain(), {}), (std::vector<A>{A::execute, A::execute, A::execute}));
}

TEST(StageDecisions, CachedGoalRunsNothingUpstream) {
  EXPECT_EQ(plan(chain(), {2}), (std::vector<A>{A::skip, A::skip, A::load}));
}

TEST(StageDecisions, MissingGoalLoadsItsCachedInputs) {
  EXPECT_EQ(plan(chain(), {0, 1}), (std::vector<A>{A::skip, A::load, A::execute}));
  EXPECT_EQ(plan(chain(), {0}), (std::vector<A>{A::load, A::execute, A::execute}));
}

TEST(StageDecisions, OverwriteStageRerunsItAndEverythingDownstream) {
  OverwriteRules rules;
  rules.stages.insert("scale");
  EXPECT_EQ(forced_stages(chain(), rules), (std::vector<bool>{false, true, true}));
  EXPECT_EQ(plan(chain(), {0, 1, 2}, rules), (std::vector<A>{A::load, A::execute, A::execute}));
  OverwriteRules everything;
  everything.everything = true;
  EXPECT_EQ(plan(chain(), {0, 1, 2}, everything), (std::vector<A>{A::execute, A::execute, A::execute}));
}

TEST(StageDecisions, StageWithoutOutputsIsAGoalThatAlwaysRuns) {
  StageGraph graph = chain();
  add(graph, call(0, "report", {"sum"}, {}));
  EXPECT_TRUE(graph.stages()[3].is_goal());
  EXPECT_FALSE(graph.stages()[2].is_goal());
  // report is never cached; it needs total, which loads.
  EXPECT_EQ(plan(graph, {0, 1, 2}), (std::vector<A>{A::skip, A::skip, A::load, A::execute}));
}

}  // namespace
}  // namespace cf::host
