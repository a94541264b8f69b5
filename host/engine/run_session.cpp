#include "engine/run_session.hpp"

#include "cache/cache_metadata.hpp"
#include "cache/cacher_registry.hpp"
#include "engine/stage_call_decoding.hpp"
#include "params/param_sets.hpp"
#include "util/error.hpp"

#include <algorithm>

namespace cf::host {

RunSession::RunSession(ArtifactCache& cache, RunInfo run, SessionSettings settings, LogFunction log,
                       SessionHooks hooks)
    : cache_(cache),
      run_(std::move(run)),
      settings_(std::move(settings)),
      log_(std::move(log)),
      hooks_(std::move(hooks)),
      api_(host_api_for(*this)),
      reportables_(cache),
      hashes_(settings_.handed_out) {}

void RunSession::plugin_log(cf_log_level level, std::string_view message) {
  // run() says everything twice in DAG mode; the real pass is the one that counts.
  if (pass_ == Pass::map) return;
  log_(level, message);
}

void RunSession::start_map_pass() {
  pass_ = Pass::map;
  api_.flags = CF_HOST_MAPPING;
  map_graph_ = StageGraph();
}

void RunSession::plan() {
  cached_.assign(map_graph_.stages().size(), std::nullopt);
  if (settings_.share && settings_.share->executes) {
    // A share does not decide: the run's plan did, once, before any share started.
    const auto& executes = *settings_.share->executes;
    auto key_of = [&](std::size_t stage) {
      const StageNode& node = map_graph_.stages()[stage];
      return share_key(node.record_hash, node.call.name);
    };
    computable_ = share_computable(map_graph_);
    decisions_ = plan_share(map_graph_, computable_,
                            [&](std::size_t stage) { return executes.contains(key_of(stage)); });
    forcing_.assign(map_graph_.stages().size(), Forcing{});
    for (std::size_t i = 0; i < forcing_.size(); ++i) {
      const auto it = executes.find(key_of(i));
      forcing_[i].forced = it != executes.end() && it->second;
    }
  } else {
    forcing_ = forced_stages(map_graph_, settings_.overwrite);
    decisions_ = plan_dag(map_graph_, forcing_, [this](std::size_t stage) { return cache_state(stage); });
  }
  if (hooks_.planned) hooks_.planned(map_graph_, actions());
}

void RunSession::start_real_pass() {
  pass_ = Pass::real;
  api_.flags = 0;
  real_graph_ = StageGraph();
  if (!settings_.dag) {
    decisions_.clear();
    forcing_.clear();
    cached_.clear();
    computable_.clear();
  }
}

std::vector<StageAction> RunSession::actions() const {
  std::vector<StageAction> actions;
  actions.reserve(decisions_.size());
  for (const StageDecision& decision : decisions_) actions.push_back(decision.action);
  return actions;
}

std::size_t RunSession::executed_by_shares() const {
  return static_cast<std::size_t>(
      std::count_if(decisions_.begin(), decisions_.end(),
                    [](const StageDecision& d) { return d.reason == DecisionReason::executed_by_share; }));
}

void RunSession::finish_real_pass() const {
  if (!settings_.dag || failure_) return;
  if (real_graph_.stages().size() != map_graph_.stages().size() ||
      real_graph_.records().size() != map_graph_.records().size()) {
    throw UserError("run() made " + std::to_string(real_graph_.stages().size()) + " stage calls on " +
                    std::to_string(real_graph_.records().size()) + " records in the real pass but " +
                    std::to_string(map_graph_.stages().size()) + " on " +
                    std::to_string(map_graph_.records().size()) +
                    " in the map pass; run() must make the same records and stages both times");
  }
}

std::size_t RunSession::create_record(std::string_view params_json, std::optional<std::size_t> copy_of) {
  StageGraph& graph = building();
  std::optional<RecordEntry> parameters;
  if (!params_json.empty()) {
    const HashedSet hashed = hash_normalized_set(params_json, "the experiment");
    // A set copied in run() carries its source's hash even after its values change.
    const bool explicit_here = !hashed.carried_hash.empty() && !hashes_.knows(hashed.carried_hash);
    if (const std::string problem = explicit_here ? explicit_hash_problem(hashed.carried_hash) : "";
        !problem.empty()) {
      throw UserError("run() made a record of set '" + hashed.name + "' with field 'hash': " + problem);
    }
    RecordEntry entry;
    entry.set_name = hashed.name;
    entry.params_hash = hashes_.resolve(hashed.carried_hash, hashed.values_hash);
    entry.params_json = hashed.with_hash(entry.params_hash);
    parameters = std::move(entry);
  }
  std::size_t id = 0;
  if (copy_of) {
    id = graph.copy_record(*copy_of, std::move(parameters));
  } else if (parameters) {
    id = graph.add_record(parameters->set_name, parameters->params_hash, parameters->params_json);
  } else {
    id = graph.add_record("", "", "");
  }
  if (pass_ == Pass::real && settings_.dag) {
    const RecordEntry& made = graph.record(id);
    const bool same = id < map_graph_.records().size() &&
                      map_graph_.records()[id].params_hash == made.params_hash &&
                      map_graph_.records()[id].copy_of == made.copy_of;
    if (!same) {
      throw UserError("run() made a different " + made.describe() +
                      " in the real pass than in the map pass; run() must make the same records and stages "
                      "in the same order both times");
    }
  }
  return id;
}

std::string RunSession::record_params_hash(std::size_t record) const {
  return pass_ == Pass::map ? map_graph_.record(record).params_hash : real_graph_.record(record).params_hash;
}

void RunSession::set_artifact(std::size_t record, std::string_view artifact) {
  building().set_artifact(record, std::string(artifact));
}

void RunSession::check_same_as_map(const StageCall& call, std::size_t id) const {
  const auto& map_stages = map_graph_.stages();
  auto same_outputs = [](const std::vector<OutputSpec>& a, const std::vector<OutputSpec>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i].name != b[i].name || a[i].cacher != b[i].cacher || a[i].options_json != b[i].options_json)
        return false;
    }
    return true;
  };
  const std::string now = describe_call(call, real_graph_.record(call.record));
  if (id >= map_stages.size()) {
    throw UserError("run() made " + now + " in the real pass, beyond the " +
                    std::to_string(map_stages.size()) +
                    " stage calls of the map pass; run() must make the same records and stages both times");
  }
  const StageNode& mapped = map_stages[id];
  if (mapped.call.name != call.name || mapped.call.record != call.record ||
      mapped.call.inputs != call.inputs || !same_outputs(mapped.call.outputs, call.outputs) ||
      mapped.call.input_records != call.input_records) {
    throw UserError("stage call " + std::to_string(id) + " was " +
                    describe_call(mapped.call, map_graph_.record(mapped.call.record)) +
                    " in the map pass but is " + now +
                    " in the real pass; run() must make the same records and stages in the same order "
                    "both times");
  }
}

CallCacheState RunSession::cache_state(std::size_t stage, bool fresh) {
  if (!fresh && stage < cached_.size() && cached_[stage]) return *cached_[stage];
  const StageNode& node = graph().stages()[stage];
  CallCacheState state;
  state.kind = CallCacheState::Kind::cached;
  for (std::size_t i = 0; i < node.call.outputs.size(); ++i) {
    const CacheStatus found = status(stage, i);
    if (found.state == CacheState::valid) {
      if (i == 0) state.detail = found.run_reference;
      continue;
    }
    state.output = node.call.outputs[i].name;
    if (found.state == CacheState::corrupt) {
      log(CF_LOG_WARNING, "cache file " + location(stage, i).data.string() + " is corrupt (" + found.problem +
                              "); " + describe_call(node.call, graph().record(node.call.record)) +
                              " will be recomputed");
      state.kind = CallCacheState::Kind::damaged;
      state.detail = found.problem;
    } else {
      state.kind = CallCacheState::Kind::not_cached;
      state.detail.clear();
    }
    break;
  }
  if (cached_.size() <= stage) cached_.resize(stage + 1);
  cached_[stage] = state;
  return state;
}

StageDecision RunSession::decide_now(const StageNode& node) {
  if (forcing_.size() <= node.id) forcing_.resize(node.id + 1);
  forcing_[node.id] = forcing_of(node, settings_.overwrite, forcing_);
  if (settings_.share) {
    if (computable_.size() <= node.id) computable_.resize(node.id + 1, false);
    computable_[node.id] = share_may_compute(node, real_graph_.record(node.call.record), computable_);
    if (!computable_[node.id]) return {StageAction::skip, DecisionReason::not_this_share, ""};
  }
  return decide_needed(node, forcing_[node.id], [&] { return cache_state(node.id); });
}

bool RunSession::produced_by_this_run(const StageNode& node) const {
  if (run_.reference.empty() || node.call.outputs.empty()) return false;
  for (std::size_t i = 0; i < node.call.outputs.size(); ++i) {
    if (node.call.outputs[i].cacher.empty()) return false;
    if (cache_.check(location(node.id, i), run_.reference).state != CacheState::valid) return false;
  }
  return true;
}

StageDecision RunSession::settle_now(const StageNode& node, const StageDecision& planned) {
  if (planned.action == StageAction::skip || !node.reusable) return planned;
  const std::string key = share_key(node.record_hash, node.call.name);
  const bool caches_something = std::any_of(node.call.outputs.begin(), node.call.outputs.end(),
                                            [](const OutputSpec& output) { return !output.cacher.empty(); });
  // Another run or share may be computing the same outputs (same record hash): wait for it,
  // then take its files instead of computing them a second time.
  std::shared_ptr<FileLock> lock;
  if (planned.action == StageAction::execute && writes_cache() && caches_something)
    lock = std::make_shared<FileLock>(cache_.lock_file(), cache_.lock_key(node.record_hash, node.call.name));

  SinceThePlan since;
  since.in_a_share = settings_.share.has_value();
  since.dag = settings_.dag;
  since.forced = node.id < forcing_.size() && forcing_[node.id].forced;
  const bool maybe_ours = settings_.share || shares_ran_ || done_.contains(key);
  since.written_by_this_run = maybe_ours && produced_by_this_run(node);
  if (since.written_by_this_run) {
    since.first_of_its_identity = done_.insert(key).second;
  } else if (lock && !since.forced) {
    since.written_meanwhile = cache_state(node.id, true).kind == CallCacheState::Kind::cached;
  }
  const StageDecision settled = settle(planned, since);
  if (settled.reason == DecisionReason::computed_meanwhile) {
    log(CF_LOG_DEBUG, describe_call(node.call, building().record(node.call.record)) +
                          ": computed meanwhile by another process");
  }
  if (settled.action == StageAction::execute && settled.reason != DecisionReason::executed_by_share) {
    done_.insert(key);
    if (lock) locks_[node.id] = std::move(lock);
  }
  return settled;
}

void RunSession::begin_stage(std::size_t record, const cf_stage_decl& decl, cf_stage_plan& plan) {
  StageGraph& graph = building();
  StageCall call = decode_stage_call(graph.record(record), decl,
                                     {cache_.cachers(), settings_.lazy_all, settings_.ignore_lazy});
  // Compared before the inputs are resolved, so a diverging run() is reported as such rather
  // than as whatever input it then lacks.
  if (pass_ == Pass::real && settings_.dag) check_same_as_map(call, graph.stages().size());
  std::vector<std::string> warnings;
  const std::size_t id = graph.add_stage(std::move(call), warnings);
  for (const auto& warning : warnings) log(CF_LOG_WARNING, warning);
  const StageNode& node = graph.stages()[id];
  plan.stage = id;
  for (std::size_t i = 0; i < node.call.outputs.size(); ++i) plan.lazy[i] = 0;
  if (pass_ == Pass::map) {
    plan.action = CF_STAGE_MAP;
    return;
  }

  const StageDecision decision = settle_now(node, settings_.dag ? decisions_[id] : decide_now(node));
  if (settings_.dag) {
    decisions_[id] = decision;
  } else {
    decisions_.push_back(decision);
  }
  const bool by_share = decision.reason == DecisionReason::executed_by_share;
  const StageAction done = by_share ? StageAction::load : decision.action;  // what happens here and now
  plan.action = done == StageAction::execute ? CF_STAGE_EXECUTE
                : done == StageAction::load  ? CF_STAGE_LOAD
                                             : CF_STAGE_SKIP;
  for (std::size_t i = 0; i < node.call.outputs.size(); ++i) {
    const bool on_disk = done == StageAction::load || (done == StageAction::execute && writes_cache());
    plan.lazy[i] = node.call.outputs[i].lazy && on_disk ? 1 : 0;
  }
  const std::string where = describe_call(node.call, graph.record(node.call.record));
  if (hooks_.stage_decided) hooks_.stage_decided(node, done);
  auto warn = [this](cf_log_level level, const std::string& message) { log(level, message); };
  if (by_share) {
    log(CF_LOG_INFO, where + ": executed by a share of this run, loaded");
    reportables_.load(node, where, writes_cache(), warn);
    return;
  }
  switch (decision.action) {
    case StageAction::execute:
      if (hooks_.stage_starting) hooks_.stage_starting(where);
      log(CF_LOG_INFO, where + ": executing");
      if (started_.size() <= id) started_.resize(id + 1);
      started_[id] = std::chrono::steady_clock::now();
      if (hooks_.stage_started) hooks_.stage_started(where, graph.record(node.call.record).set_name);
      break;
    case StageAction::load:
      log(CF_LOG_INFO, where + ": loaded from cache");
      reportables_.load(node, where, writes_cache(), warn);
      break;
    case StageAction::skip:
      log(CF_LOG_DEBUG, where + ": skipped (" + reason_text(decision) + ")");
      break;
  }
}

const StageNode& RunSession::real_node(std::size_t stage) const {
  if (stage >= real_graph_.stages().size()) {
    throw UserError("the experiment named stage call " + std::to_string(stage) + ", which it never made");
  }
  return real_graph_.stages()[stage];
}

void RunSession::take_output(std::size_t stage, std::size_t output, std::string_view artifact) {
  const StageNode& node = real_node(stage);
  if (output >= node.call.outputs.size())
    throw UserError("the experiment sent an output the stage does not declare");
  const OutputSpec& spec = node.call.outputs[output];
  if (spec.cacher.empty() || !writes_cache()) return;

  const RecordEntry& record = real_graph_.record(node.call.record);
  ArtifactOrigin origin;
  origin.generated = run_.timestamp;
  origin.experiment = run_.experiment;
  origin.run_reference = run_.reference;
  origin.run_number = run_.number;
  origin.hostname = run_.hostname;
  origin.command_line = run_.command_line;
  origin.params_hash = record.params_hash.empty() ? "None" : record.params_hash;
  origin.params_name = record.set_name;
  origin.params = record.params_json.empty() ? "None" : record.params_json;
  origin.record = record.id;
  origin.record_hash = node.record_hash;
  origin.stage = node.call.name;
  origin.prior_stages = node.prior_stages;
  for (const std::size_t input : record.input_records)
    origin.prior_records.push_back(real_graph_.record(input).hash());
  const auto lock = locks_.find(stage);
  previews_[{stage, output}] = cache_.save(
      location(stage, output), spec, artifact,
      [&](const ArtifactFacts& facts) { return metadata_json(origin, spec, facts); },
      lock != locks_.end() ? lock->second : nullptr);
}

void RunSession::load_output(std::size_t stage, std::size_t output, cf_sink out) {
  const StageNode& node = real_node(stage);
  if (output >= node.call.outputs.size())
    throw UserError("the experiment asked for an output the stage does not declare");
  const OutputSpec& spec = node.call.outputs[output];
  if (spec.cacher.empty()) {
    throw UserError(describe_call(node.call, real_graph_.record(node.call.record)) + ": output '" +
                    spec.name + "' has no cacher, so it cannot be read from the cache");
  }
  cache_.load_into(location(stage, output), spec, out);
}

std::uint64_t RunSession::output_size_hint(std::size_t stage, std::size_t output) {
  const StageNode& node = real_node(stage);
  if (output >= node.call.outputs.size() || node.call.outputs[output].cacher.empty()) return 0;
  return cache_.load_size_hint(location(stage, output), node.call.outputs[output]);
}

void RunSession::end_stage(std::size_t stage, std::string_view failure) {
  const StageNode& node = real_node(stage);
  // The commit jobs of its outputs hold the lock until their files are in place.
  locks_.erase(stage);
  const std::string where = describe_call(node.call, real_graph_.record(node.call.record));
  if (stage < started_.size() && started_[stage] != std::chrono::steady_clock::time_point{}) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_[stage]).count();
    if (hooks_.stage_finished) hooks_.stage_finished(where, seconds, !failure.empty());
  }
  if (hooks_.stage_ended) hooks_.stage_ended(node, !failure.empty());
  if (failure.empty()) {
    if (writes_cache()) reportables_.save(node);
    return;
  }
  const std::string message = where + " failed: " + std::string(failure);
  if (hooks_.failure_detail) {
    hooks_.failure_detail(CF_LOG_ERROR, message);
  } else {
    log(CF_LOG_ERROR, message);
  }
  if (!failure_) failure_ = message;
}

void RunSession::add_reportable(std::size_t stage, std::string kind, std::string name, std::string group,
                                std::string payload_json) {
  const StageNode& node = real_node(stage);
  reportables_.add(node, describe_call(node.call, real_graph_.record(node.call.record)), writes_cache(),
                   std::move(kind), std::move(name), std::move(group), std::move(payload_json));
}

std::string RunSession::preview(std::size_t stage, std::size_t output) const {
  if (const auto it = previews_.find({stage, output}); it != previews_.end()) return it->second;
  const StageNode& node = graph().stages().at(stage);
  if (node.call.outputs.at(output).cacher.empty()) return "";
  std::string problem;
  const auto stored = read_metadata(location(stage, output).metadata, problem);
  return stored ? stored->preview : "";
}

std::vector<UsedArtifact> RunSession::used_artifacts() const {
  std::vector<UsedArtifact> used;
  for (const StageNode& node : real_graph_.stages()) {
    if (node.id >= decisions_.size() || decisions_[node.id].action == StageAction::skip) continue;
    const bool produced = decisions_[node.id].action == StageAction::execute && writes_cache();
    for (std::size_t i = 0; i < node.call.outputs.size(); ++i) {
      if (node.call.outputs[i].cacher.empty()) continue;
      used.push_back(UsedArtifact{location(node.id, i), node.call.name, node.call.record,
                                  node.call.outputs[i].name, produced});
    }
  }
  return used;
}

CacheLocation RunSession::location(std::size_t stage, std::size_t output) const {
  const StageGraph& source =
      pass_ == Pass::real && stage < real_graph_.stages().size() ? real_graph_ : graph();
  const StageNode& node = source.stages().at(stage);
  return cache_.locate(node.record_hash, node.call.name, node.call.outputs.at(output));
}

CacheStatus RunSession::status(std::size_t stage, std::size_t output) const {
  return cache_.check(location(stage, output));
}

}  // namespace cf::host
