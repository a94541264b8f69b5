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

CallCacheState cached_state(bool cached) {
  CallCacheState state;
  state.kind = cached ? CallCacheState::Kind::cached : CallCacheState::Kind::not_cached;
  return state;
}

std::vector<StageAction> actions_of(const std::vector<StageDecision>& decisions) {
  std::vector<StageAction> actions;
  for (const StageDecision& decision : decisions) actions.push_back(decision.action);
  return actions;
}

std::vector<StageAction> plan(const StageGraph& graph, const std::set<std::size_t>& cached,
                              const OverwriteRules& rules = {}) {
  return actions_of(plan_dag(graph, forced_stages(graph, rules),
                             [&](std::size_t stage) { return cached_state(cached.contains(stage)); }));
}

std::vector<bool> forced_of(const std::vector<Forcing>& forcing) {
  std::vector<bool> forced;
  for (const Forcing& f : forcing) forced.push_back(f.forced);
  return forced;
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
  EXPECT_EQ(forced_of(forced_stages(chain(), rules)), (std::vector<bool>{false, true, true}));
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
  EXPECT_EQ(actions_of(plan_share(graph, computable,
                                  [&](std::size_t stage) { return run_executes.contains(stage); })),
            (std::vector<A>{A::load, A::execute, A::execute, A::execute, A::skip, A::skip}));
  // A run whose aggregate is cached executes nothing upstream, and neither does a share.
  EXPECT_EQ(actions_of(plan_share(graph, computable, [](std::size_t) { return false; })),
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
  std::vector<StageDecision> decisions;
  for (const A action : {A::load, A::execute, A::execute, A::execute, A::execute, A::skip})
    decisions.push_back({action, DecisionReason::not_cached, ""});
  std::vector<Forcing> forcing(6);
  forcing[1].forced = forcing[4].forced = true;
  const SharePlan plan = make_share_plan(run, &graph, decisions, forcing);
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

// Every reason a decision can give, each from the function that gives it, with the text --map
// and the log print for it. The last check makes a new reason fail here until it has a row.
TEST(StageDecisions, EveryReasonInOneTable) {
  const StageGraph graph = chain();  // load -> scale -> total on record h1
  const StageNode& load = graph.stages()[0];
  const StageNode& total = graph.stages()[2];
  auto state = [](CallCacheState::Kind kind, std::string output = "", std::string detail = "") {
    return CallCacheState{kind, std::move(output), std::move(detail)};
  };
  auto cache = [](CallCacheState answer) { return [answer] { return answer; }; };
  const CallCacheState cached = state(CallCacheState::Kind::cached, "", "exp_3_2026-12-08-T101010");

  StageGraph no_outputs = chain();
  add(no_outputs, call(0, "report", {"sum"}, {}));
  StageGraph uncached = chain();
  StageCall view = call(0, "view", {"sum"}, {"picture"});
  view.outputs[0].cacher.clear();
  add(uncached, view);
  StageGraph bare;
  add(bare, call(bare.add_record("", "", ""), "stamp", {}, {"stamped"}));

  OverwriteRules scale_rule;
  scale_rule.stages.insert("scale");
  OverwriteRules everything;
  everything.everything = true;
  const auto scale_forcing = forced_stages(graph, scale_rule);

  const StageDecision planned_execute{StageAction::execute, DecisionReason::not_cached, "sum"};
  SinceThePlan by_share;
  by_share.written_by_this_run = by_share.first_of_its_identity = true;
  SinceThePlan earlier;
  earlier.written_by_this_run = true;
  SinceThePlan meanwhile;
  meanwhile.written_meanwhile = true;

  const struct {
    const char* why;
    StageDecision decision;
    StageAction action;
    DecisionReason reason;
    std::string text;
  } rows[] = {
      {"a stage without outputs", decide_needed(no_outputs.stages()[3], {}, cache(cached)), A::execute,
       DecisionReason::no_outputs, "it has no outputs, so it always runs"},
      {"an output without a cacher", decide_needed(uncached.stages()[3], {}, cache(cached)), A::execute,
       DecisionReason::uncached_output, "output 'picture' has no cacher"},
      {"a record without parameters", decide_needed(bare.stages()[0], {}, cache(cached)), A::execute,
       DecisionReason::record_not_reusable, "its record's hash says nothing about its inputs"},
      {"not cached", decide_needed(total, {}, cache(state(CallCacheState::Kind::not_cached, "sum"))),
       A::execute, DecisionReason::not_cached, "output 'sum' is not cached"},
      {"damaged",
       decide_needed(total, {}, cache(state(CallCacheState::Kind::damaged, "sum", "checksum mismatch"))),
       A::execute, DecisionReason::damaged, "output 'sum': checksum mismatch"},
      {"--overwrite", decide_needed(load, forced_stages(graph, everything)[0], cache(cached)), A::execute,
       DecisionReason::overwrite, "--overwrite"},
      {"--overwrite-stage on it", decide_needed(graph.stages()[1], scale_forcing[1], cache(cached)),
       A::execute, DecisionReason::overwrite_stage, "--overwrite-stage scale"},
      {"--overwrite-stage upstream", decide_needed(total, scale_forcing[2], cache(cached)), A::execute,
       DecisionReason::overwrite_upstream, "--overwrite-stage scale upstream"},
      {"cached", decide_needed(total, {}, cache(cached)), A::load, DecisionReason::cached,
       "cached by run exp_3_2026-12-08-T101010"},
      {"cached by an unknown run", decide_needed(total, {}, cache(state(CallCacheState::Kind::cached))),
       A::load, DecisionReason::cached, "cached"},
      {"a cached goal spares what is upstream",
       plan_dag(graph, forced_stages(graph, {}), [&](std::size_t) { return cached; })[0], A::skip,
       DecisionReason::not_needed, "no goal needs it"},
      {"a share executes what the run's plan does",
       plan_share(graph, share_computable(graph), [](std::size_t) { return true; })[2], A::execute,
       DecisionReason::run_plan, "the run's plan executes it"},
      {"a share leaves the rest",
       plan_share(graph, share_computable(graph), [](std::size_t) { return false; })[2], A::skip,
       DecisionReason::not_this_share, "not this share's work"},
      {"the final run takes a share's work", settle(planned_execute, by_share), A::execute,
       DecisionReason::executed_by_share, "executed by a share of this run"},
      {"a second call with the same identity", settle(planned_execute, earlier), A::load,
       DecisionReason::computed_earlier, "computed by an earlier stage call of this run"},
      {"another process wrote it meanwhile", settle(planned_execute, meanwhile), A::load,
       DecisionReason::computed_meanwhile, "computed meanwhile by another process"},
  };
  std::set<DecisionReason> covered;
  for (const auto& row : rows) {
    EXPECT_EQ(row.decision.action, row.action) << row.why;
    EXPECT_EQ(row.decision.reason, row.reason) << row.why;
    EXPECT_EQ(reason_text(row.decision), row.text) << row.why;
    covered.insert(row.reason);
  }
  for (int reason = 0; reason <= static_cast<int>(DecisionReason::not_this_share); ++reason)
    EXPECT_TRUE(covered.contains(static_cast<DecisionReason>(reason))) << "no row for reason " << reason;
}

// What a planned decision becomes at the real pass.
TEST(StageDecisions, SettlingAPlannedDecision) {
  const StageDecision execute{StageAction::execute, DecisionReason::not_cached, "sum"};
  const StageDecision load{StageAction::load, DecisionReason::cached, "exp_1"};
  const StageDecision skip{StageAction::skip, DecisionReason::not_needed, ""};
  SinceThePlan nothing;
  EXPECT_EQ(settle(execute, nothing), execute);
  EXPECT_EQ(settle(load, nothing), load);
  SinceThePlan ours;
  ours.written_by_this_run = ours.first_of_its_identity = true;
  EXPECT_EQ(settle(skip, ours), skip);
  EXPECT_EQ(settle(execute, ours).reason, DecisionReason::executed_by_share);
  // DAG mode: a call the plan loads was cached before the run, so it stays a load...
  EXPECT_EQ(settle(load, ours).reason, DecisionReason::computed_earlier);
  // ...but --no-dag decides as it goes, after the shares: a serial run would have executed it.
  ours.dag = false;
  EXPECT_EQ(settle(load, ours).reason, DecisionReason::executed_by_share);
  // A share itself only loads what another share wrote.
  ours.in_a_share = true;
  EXPECT_EQ(settle(execute, ours).reason, DecisionReason::computed_earlier);
  // A forced call is not served what another process wrote meanwhile.
  SinceThePlan meanwhile;
  meanwhile.written_meanwhile = true;
  meanwhile.forced = true;
  EXPECT_EQ(settle(execute, meanwhile), execute);
}

}  // namespace
}  // namespace cf::host
