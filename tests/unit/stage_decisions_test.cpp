// The stage graph and the DAG rules on hand-built graphs: goals, what a cached goal spares,
// how --overwrite-stage propagates, and what aggregates and copies read.
#include "engine/stage_decisions.hpp"
#include "engine/share_plan.hpp"
#include "engine/stage_graph.hpp"
#include "params/param_hash.hpp"
#include "support/scratch_folder.hpp"
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
  for (auto& output : outputs)
    c.outputs.push_back(OutputSpec{std::move(output), "raw", "{}", "{}", "", false});
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

// Two sets' chains, an aggregate over both on a record without parameters, and a stage on that
// record after the aggregate.
StageGraph two_chains_and_an_aggregate() {
  StageGraph graph;
  for (const char* hash : {"h1", "h2"}) {
    const std::size_t record = graph.add_record(hash, hash, "{}");
    add(graph, call(record, "load", {}, {"data"}));
    add(graph, call(record, "total", {"data"}, {"sum"}));
  }
  const std::size_t target = graph.add_record("", "", "");
  StageCall compare = call(target, "compare", {"sum"}, {"ranking"});
  compare.aggregate = true;
  compare.input_records = {0, 1};
  add(graph, compare);
  add(graph, call(target, "publish", {"ranking"}, {"page"}));
  return graph;
}

TEST(StageGraph, AnAggregateHashesItsInputsByTheirParametersAsTheOriginal) {
  StageGraph graph = two_chains_and_an_aggregate();
  // A second aggregate over the first (no parameters: 'None') and set h1.
  const std::size_t outer = graph.add_record("", "", "");
  StageCall over = call(outer, "summary", {"page"}, {"overall"});
  over.aggregate = true;
  over.input_records = {2, 0};
  add(graph, over);
  // hashlib.md5(str(['None', 'None', 'h1']).encode()).hexdigest()
  EXPECT_EQ(graph.record(outer).hash(), md5_hex("['None', 'None', 'h1']"));
  EXPECT_TRUE(graph.record(outer).hash_identifies);
}

TEST(StageGraph, RecordsWithoutParametersOrInputsAreNotReusable) {
  StageGraph graph;
  const std::size_t bare = graph.add_record("", "", "");
  add(graph, call(bare, "stamp", {}, {"stamped"}));
  const std::size_t empty = graph.add_record("", "", "");
  StageCall over_nothing = call(empty, "compare", {"sum"}, {"ranking"});
  over_nothing.aggregate = true;
  add(graph, over_nothing);
  const std::size_t with_params = graph.add_record("a", "h1", "{}");
  add(graph, call(with_params, "load", {}, {"data"}));
  EXPECT_FALSE(graph.stages()[0].reusable);
  EXPECT_FALSE(graph.stages()[1].reusable);
  EXPECT_TRUE(graph.stages()[2].reusable);
  // A copy of a record without parameters says no more than its source.
  const std::size_t copy = graph.copy_record(bare, std::nullopt);
  add(graph, call(copy, "again", {"stamped"}, {"more"}));
  EXPECT_FALSE(graph.stages()[3].reusable);
}

TEST(ShareDecisions, SharesComputeOnlyWhatDependsOnTheirOwnSets) {
  const StageGraph graph = two_chains_and_an_aggregate();
  // load, total per set; not the aggregate, nor what follows it on its record.
  EXPECT_EQ(share_computable(graph), (std::vector<bool>{true, true, true, true, false, false}));
  StageGraph uncached = chain();
  StageCall view = call(0, "view", {"sum"}, {"picture"});
  view.outputs[0].cacher.clear();  // the final run would have to execute it again
  add(uncached, view);
  add(uncached, call(0, "after", {"picture"}, {"x"}));
  EXPECT_EQ(share_computable(uncached), (std::vector<bool>{true, true, true, false, false}));
}

TEST(ShareDecisions, ASharePlanFollowsTheRunsPlan) {
  const StageGraph graph = two_chains_and_an_aggregate();
  const auto computable = share_computable(graph);
  // The run executes total of set h1 (its load is cached), everything of h2, and the aggregate.
  const std::set<std::size_t> run_executes{1, 2, 3, 4, 5};
  EXPECT_EQ(plan_share(graph, computable, [&](std::size_t stage) { return run_executes.contains(stage); }),
            (std::vector<A>{A::load, A::execute, A::execute, A::execute, A::skip, A::skip}));
  // A run whose aggregate is cached executes nothing upstream, and neither does a share.
  EXPECT_EQ(plan_share(graph, computable, [](std::size_t) { return false; }),
            (std::vector<A>{A::skip, A::skip, A::skip, A::skip, A::skip, A::skip}));
}

TEST(ShareDecisions, ThePlanFileRoundTrips) {
  const StageGraph graph = two_chains_and_an_aggregate();
  RunInfo run;
  run.experiment = "exp";
  run.number = 7;
  run.reference = "exp_7_2026-12-08-T101010";
  run.timestamp = "2026-12-08T10:10:10";
  run.command_line = "experiment exp --parallel 2";
  const std::vector<A> actions{A::load, A::execute, A::execute, A::execute, A::execute, A::skip};
  const std::vector<bool> forced{false, true, false, false, true, false};
  const SharePlan plan = make_share_plan(run, &graph, actions, forced);
  test::ScratchFolder folder;
  write_share_plan(folder.path() / "plan.json", plan);
  const SharePlan read = read_share_plan(folder.path() / "plan.json");
  EXPECT_EQ(read.run.reference, run.reference);
  EXPECT_EQ(read.run.number, 7);
  EXPECT_EQ(read.run.command_line, run.command_line);
  ASSERT_TRUE(read.executes.has_value());
  EXPECT_EQ(*read.executes, *plan.executes);
  EXPECT_EQ(read.executes->size(), 4u);
  EXPECT_TRUE(read.executes->at(share_key("h1", "total")));
  EXPECT_FALSE(read.executes->at(share_key("h2", "load")));
  // --no-dag: only the run's identity.
  write_share_plan(folder.path() / "bare.json", make_share_plan(run, nullptr, {}, {}));
  EXPECT_FALSE(read_share_plan(folder.path() / "bare.json").executes.has_value());
  folder.write("bad.json", "[1, 2]");
  EXPECT_THROW(read_share_plan(folder.path() / "bad.json"), UserError);
}

}  // namespace
}  // namespace cf::host
