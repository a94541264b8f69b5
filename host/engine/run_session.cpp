#include "engine/run_session.hpp"

#include "cache/atomic_file.hpp"
#include "cache/cache_metadata.hpp"
#include "cache/cacher_registry.hpp"
#include "params/param_sets.hpp"
#include "util/error.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <exception>

namespace cf::host {
namespace {

std::string json_string(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

// The default binary cacher: what --lazy (and a lazy output without a cacher) falls back to.
constexpr const char* kDefaultCacher = "raw";

// Turns each C callback into a member call; no exception leaves through the C ABI.
struct SessionCallbacks {
  static RunSession& session(void* ctx) { return *static_cast<RunSession*>(ctx); }

  template <class Fn>
  static cf_status guarded(cf_sink error, Fn&& fn) noexcept {
    try {
      fn();
      return CF_OK;
    } catch (const std::exception& e) {
      const std::string_view text = e.what();
      if (error.write != nullptr) error.write(error.ctx, text.data(), text.size());
    } catch (...) {
      if (error.write != nullptr) error.write(error.ctx, "unknown host failure", 20);
    }
    return CF_ERROR;
  }

  static void log(void* ctx, cf_log_level level, cf_str message) {
    try {
      // run() says everything twice in DAG mode; the real pass is the one that counts.
      if (session(ctx).pass_ == RunSession::Pass::map) return;
      session(ctx).log_(level, std::string_view(message.data, message.size));
    } catch (...) {
      // A log line that cannot be written must not take the run down.
    }
  }
  static cf_status record_create(void* ctx, cf_str params, uint64_t* record, cf_sink hash, cf_sink error) {
    return guarded(error, [&] {
      *record = session(ctx).create_record({params.data, params.size}, std::nullopt);
      write_hash(ctx, *record, hash);
    });
  }
  static cf_status record_copy(void* ctx, uint64_t source, cf_str params, uint64_t* record, cf_sink hash,
                               cf_sink error) {
    return guarded(error, [&] {
      *record = session(ctx).create_record({params.data, params.size}, source);
      write_hash(ctx, *record, hash);
    });
  }
  static void write_hash(void* ctx, uint64_t record, cf_sink hash) {
    const std::string& text = session(ctx).building().record(record).params_hash;
    if (hash.write != nullptr && !text.empty()) hash.write(hash.ctx, text.data(), text.size());
  }
  static cf_status record_set(void* ctx, uint64_t record, cf_str artifact, cf_sink error) {
    return guarded(error, [&] { session(ctx).set_artifact(record, {artifact.data, artifact.size}); });
  }
  static cf_status stage_begin(void* ctx, uint64_t record, const cf_stage_decl* decl, cf_stage_plan* plan,
                               cf_sink error) {
    return guarded(error, [&] {
      if (decl == nullptr || plan == nullptr || decl->struct_size < sizeof(cf_stage_decl) ||
          plan->struct_size < sizeof(cf_stage_plan)) {
        throw UserError("the plugin declared a stage with a malformed structure (SDK and host disagree)");
      }
      session(ctx).begin_stage(record, *decl, *plan);
    });
  }
  static cf_status stage_output(void* ctx, uint64_t stage, size_t output, cf_str artifact, cf_sink error) {
    return guarded(error, [&] { session(ctx).take_output(stage, output, {artifact.data, artifact.size}); });
  }
  static cf_status artifact_load(void* ctx, uint64_t stage, size_t output, cf_sink out, cf_sink error) {
    return guarded(error, [&] { session(ctx).load_output(stage, output, out); });
  }
  static cf_status artifact_size_hint(void* ctx, uint64_t stage, size_t output, uint64_t* size,
                                      cf_sink error) {
    return guarded(error, [&] {
      if (size == nullptr)
        throw UserError("the plugin asked for an artifact's size without a place to put it");
      *size = session(ctx).output_size_hint(stage, output);
    });
  }
  static cf_status stage_end(void* ctx, uint64_t stage, cf_str failure, cf_sink error) {
    return guarded(error, [&] { session(ctx).end_stage(stage, {failure.data, failure.size}); });
  }
  static cf_status report(void* ctx, uint64_t stage, cf_str kind, cf_str name, cf_str group, cf_str payload,
                          cf_sink error) {
    return guarded(error, [&] {
      session(ctx).add_reportable(stage, {kind.data, kind.size}, {name.data, name.size},
                                  {group.data, group.size}, {payload.data, payload.size});
    });
  }
};

RunSession::RunSession(ArtifactCache& cache, RunInfo run, SessionSettings settings, LogFunction log,
                       SessionHooks hooks)
    : cache_(cache),
      run_(std::move(run)),
      settings_(std::move(settings)),
      log_(std::move(log)),
      hooks_(std::move(hooks)),
      hashes_(settings_.handed_out) {
  api_.struct_size = sizeof(cf_host_api);
  api_.abi_version = CF_ABI_VERSION;
  api_.ctx = this;
  api_.log = &SessionCallbacks::log;
  api_.flags = 0;
  api_.record_create = &SessionCallbacks::record_create;
  api_.record_copy = &SessionCallbacks::record_copy;
  api_.record_set = &SessionCallbacks::record_set;
  api_.stage_begin = &SessionCallbacks::stage_begin;
  api_.stage_output = &SessionCallbacks::stage_output;
  api_.artifact_load = &SessionCallbacks::artifact_load;
  api_.stage_end = &SessionCallbacks::stage_end;
  api_.report = &SessionCallbacks::report;
  api_.artifact_size_hint = &SessionCallbacks::artifact_size_hint;
}

void RunSession::start_map_pass() {
  pass_ = Pass::map;
  api_.flags = CF_HOST_MAPPING;
  map_graph_ = StageGraph();
}

void RunSession::plan() {
  cached_.assign(map_graph_.stages().size(), std::nullopt);
  by_share_.assign(map_graph_.stages().size(), false);
  if (settings_.share && settings_.share->executes) {
    // A share does not decide: the run's plan did, once, before any share started.
    const auto& executes = *settings_.share->executes;
    auto key_of = [&](std::size_t stage) {
      const StageNode& node = map_graph_.stages()[stage];
      return share_key(node.record_hash, node.call.name);
    };
    computable_ = share_computable(map_graph_);
    actions_ = plan_share(map_graph_, computable_,
                          [&](std::size_t stage) { return executes.contains(key_of(stage)); });
    forced_.assign(map_graph_.stages().size(), false);
    for (std::size_t i = 0; i < forced_.size(); ++i) {
      const auto it = executes.find(key_of(i));
      forced_[i] = it != executes.end() && it->second;
    }
  } else {
    forced_ = forced_stages(map_graph_, settings_.overwrite);
    actions_ = plan_dag(map_graph_, forced_, [this](std::size_t stage) { return fully_cached(stage); });
  }
  if (hooks_.planned) hooks_.planned(map_graph_, actions_);
}

void RunSession::start_real_pass() {
  pass_ = Pass::real;
  api_.flags = 0;
  real_graph_ = StageGraph();
  if (!settings_.dag) {
    actions_.clear();
    forced_.clear();
    cached_.clear();
    computable_.clear();
    by_share_.clear();
  }
}

std::size_t RunSession::executed_by_shares() const {
  return static_cast<std::size_t>(std::count(by_share_.begin(), by_share_.end(), true));
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

void RunSession::set_artifact(std::size_t record, std::string_view artifact) {
  building().set_artifact(record, std::string(artifact));
}

OutputSpec RunSession::read_output(const cf_output_decl& output, const std::string& where) const {
  OutputSpec spec;
  spec.name.assign(output.name.data, output.name.size);
  spec.cacher.assign(output.cacher.data, output.cacher.size);
  spec.options_json.assign(output.options_json.data, output.options_json.size);
  if (spec.options_json.empty()) spec.options_json = "{}";
  const std::string here = where + ", output '" + spec.name + "'";

  rapidjson::Document options;
  options.Parse(spec.options_json.c_str());
  if (options.HasParseError() || !options.IsObject())
    throw UserError(here + ": cacher options are not a JSON object");
  if (const auto subdir = options.FindMember("subdir"); subdir != options.MemberEnd()) {
    if (!subdir->value.IsString()) throw UserError(here + ": cacher option 'subdir' must be a string");
    spec.subdir = subdir->value.GetString();
    const std::filesystem::path path(spec.subdir);
    bool escapes = path.is_absolute();
    for (const auto& part : path) escapes = escapes || part == "..";
    if (escapes) throw UserError(here + ": cacher option 'subdir' must stay inside the cache folder");
    // The folder is the host's business; the cacher sees only its own options.
    options.RemoveMember("subdir");
  }
  rapidjson::StringBuffer cacher_options;
  rapidjson::Writer<rapidjson::StringBuffer> writer(cacher_options);
  options.Accept(writer);
  spec.cacher_options_json.assign(cacher_options.GetString(), cacher_options.GetSize());

  const bool wants_lazy = output.lazy != 0 || settings_.lazy_all;
  if (wants_lazy && spec.cacher.empty() && !settings_.ignore_lazy) spec.cacher = kDefaultCacher;
  spec.lazy = wants_lazy && !settings_.ignore_lazy;
  if (!spec.cacher.empty() && !cache_.cachers().has(spec.cacher)) {
    std::string available;
    for (const auto& name : cache_.cachers().names()) available += (available.empty() ? "" : ", ") + name;
    throw UserError(here + " names cacher '" + spec.cacher + "', which is not installed (available: " +
                    (available.empty() ? "none" : available) + ")");
  }
  return spec;
}

StageCall RunSession::read_call(std::size_t record, const cf_stage_decl& decl) const {
  StageCall call;
  call.record = record;
  call.name.assign(decl.name.data, decl.name.size);
  call.aggregate = (decl.flags & CF_STAGE_AGGREGATE) != 0;
  call.suppress_missing_inputs = (decl.flags & CF_STAGE_SUPPRESS_MISSING_INPUTS) != 0;
  const StageGraph& graph = pass_ == Pass::map ? map_graph_ : real_graph_;
  const std::string where = describe_call(call, graph.record(record));
  for (std::size_t i = 0; i < decl.input_count; ++i)
    call.inputs.emplace_back(decl.inputs[i].data, decl.inputs[i].size);
  for (std::size_t i = 0; i < decl.output_count; ++i)
    call.outputs.push_back(read_output(decl.outputs[i], where));
  for (std::size_t i = 0; i < decl.input_record_count; ++i)
    call.input_records.push_back(decl.input_records[i]);
  return call;
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

bool RunSession::fully_cached(std::size_t stage) {
  if (stage < cached_.size() && cached_[stage]) return *cached_[stage];
  const StageNode& node = graph().stages()[stage];
  // A record whose hash says nothing about its inputs never reads the cache (SEMANTICS.md).
  bool cached = !node.call.outputs.empty() && node.reusable;
  for (std::size_t i = 0; cached && i < node.call.outputs.size(); ++i) {
    if (node.call.outputs[i].cacher.empty()) {
      cached = false;
      break;
    }
    const CacheStatus found = status(stage, i);
    if (found.state == CacheState::corrupt) {
      log(CF_LOG_WARNING, "cache file " + location(stage, i).data.string() + " is corrupt (" + found.problem +
                              "); " + describe_call(node.call, graph().record(node.call.record)) +
                              " will be recomputed");
    }
    cached = found.state == CacheState::valid;
  }
  if (cached_.size() <= stage) cached_.resize(stage + 1);
  cached_[stage] = cached;
  return cached;
}

StageAction RunSession::decide_now(const StageNode& node) {
  if (forced_.size() <= node.id) forced_.resize(node.id + 1, false);
  forced_[node.id] = is_forced(node, settings_.overwrite, forced_);
  if (settings_.share) {
    if (computable_.size() <= node.id) computable_.resize(node.id + 1, false);
    computable_[node.id] = share_may_compute(node, real_graph_.record(node.call.record), computable_);
    if (!computable_[node.id]) return StageAction::skip;  // the final run's work
  }
  return forced_[node.id] || !fully_cached(node.id) ? StageAction::execute : StageAction::load;
}

bool RunSession::produced_by_this_run(const StageNode& node) const {
  if (run_.reference.empty() || node.call.outputs.empty()) return false;
  for (std::size_t i = 0; i < node.call.outputs.size(); ++i) {
    if (node.call.outputs[i].cacher.empty()) return false;
    if (cache_.check(location(node.id, i), run_.reference).state != CacheState::valid) return false;
  }
  return true;
}

StageAction RunSession::settle(const StageNode& node, StageAction planned, bool& by_share) {
  by_share = false;
  if (planned == StageAction::skip || !node.reusable) return planned;
  const std::size_t id = node.id;
  const std::string key = share_key(node.record_hash, node.call.name);
  const bool caches_something = std::any_of(node.call.outputs.begin(), node.call.outputs.end(),
                                            [](const OutputSpec& output) { return !output.cacher.empty(); });
  // Another run or share may be computing the same outputs (same record hash): wait for it,
  // then take its files instead of computing them a second time.
  std::shared_ptr<FileLock> lock;
  if (planned == StageAction::execute && writes_cache() && caches_something)
    lock = std::make_shared<FileLock>(cache_.lock_file(), cache_.lock_key(node.record_hash, node.call.name));

  const bool maybe_ours = settings_.share || shares_ran_ || done_.contains(key);
  if (maybe_ours && produced_by_this_run(node)) {
    // The first call of the final run with this identity is the one a serial run executes;
    // any later one loads, as a serial run's second call with the same hash does.
    const bool first = done_.insert(key).second;
    if (first && !settings_.share && (planned == StageAction::execute || !settings_.dag)) {
      by_share = true;
      return StageAction::execute;
    }
    return StageAction::load;
  }
  const bool forced = id < forced_.size() && forced_[id];
  if (lock && !forced) {
    if (id < cached_.size()) cached_[id].reset();
    if (fully_cached(id)) {
      log(CF_LOG_DEBUG, describe_call(node.call, building().record(node.call.record)) +
                            ": computed meanwhile by another process");
      return StageAction::load;
    }
  }
  if (planned == StageAction::execute) {
    done_.insert(key);
    if (lock) locks_[id] = std::move(lock);
  }
  return planned;
}

void RunSession::begin_stage(std::size_t record, const cf_stage_decl& decl, cf_stage_plan& plan) {
  StageCall call = read_call(record, decl);
  StageGraph& graph = building();
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

  bool by_share = false;
  const StageAction action = settle(node, settings_.dag ? actions_[id] : decide_now(node), by_share);
  if (settings_.dag) {
    actions_[id] = action;
  } else {
    actions_.push_back(action);
  }
  if (by_share_.size() <= id) by_share_.resize(id + 1, false);
  by_share_[id] = by_share;
  const StageAction done = by_share ? StageAction::load : action;  // what happens here and now
  plan.action = done == StageAction::execute ? CF_STAGE_EXECUTE
                : done == StageAction::load  ? CF_STAGE_LOAD
                                             : CF_STAGE_SKIP;
  for (std::size_t i = 0; i < node.call.outputs.size(); ++i) {
    const bool on_disk = done == StageAction::load || (done == StageAction::execute && writes_cache());
    plan.lazy[i] = node.call.outputs[i].lazy && on_disk ? 1 : 0;
  }
  const std::string where = describe_call(node.call, graph.record(node.call.record));
  if (hooks_.stage_decided) hooks_.stage_decided(node, done);
  if (by_share) {
    log(CF_LOG_INFO, where + ": executed by a share of this run, loaded");
    load_reportables(node);
    return;
  }
  switch (action) {
    case StageAction::execute:
      log(CF_LOG_INFO, where + ": executing");
      if (started_.size() <= id) started_.resize(id + 1);
      started_[id] = std::chrono::steady_clock::now();
      if (hooks_.stage_started) hooks_.stage_started(where, graph.record(node.call.record).set_name);
      break;
    case StageAction::load:
      log(CF_LOG_INFO, where + ": loaded from cache");
      load_reportables(node);
      break;
    case StageAction::skip:
      log(CF_LOG_DEBUG, where + ": skipped (no goal needs it)");
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
    if (writes_cache()) save_reportables(node);
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
  const std::string where = describe_call(node.call, real_graph_.record(node.call.record));
  static const std::set<std::string, std::less<>> kKinds = {"json",  "table", "line_plot",
                                                            "image", "html",  "text"};
  if (!kKinds.contains(kind))
    throw UserError(where + ": reportable '" + name + "' has unknown kind '" + kind + "'");
  if (name.empty() || name.find_first_of("/\\") != std::string::npos) {
    throw UserError(where + ": a reportable needs a name without '/' or '\\', got '" + name + "'");
  }
  rapidjson::Document payload;
  payload.Parse(payload_json.c_str());
  if (payload.HasParseError() || !payload.IsObject()) {
    throw UserError(where + ": reportable '" + name + "' sent a malformed payload");
  }
  if (kind == "image") {
    const auto path = payload.FindMember("path");
    if (path == payload.MemberEnd() || !path->value.IsString() ||
        !std::filesystem::is_regular_file(path->value.GetString())) {
      throw UserError(
          where + ": image reportable '" + name + "': no such file " +
          (path != payload.MemberEnd() && path->value.IsString() ? path->value.GetString() : "?"));
    }
    // A copy in the cache, so the report (and a later cache hit) survive the original's deletion.
    const std::filesystem::path original = path->value.GetString();
    const auto folder = cache_.reportables_folder(node.record_hash, node.call.name);
    if (writes_cache() && original.parent_path() != folder) {
      const auto copy = folder / (name + original.extension().string());
      write_file_atomically(copy, [&](const std::filesystem::path& temporary) {
        std::filesystem::copy_file(original, temporary, std::filesystem::copy_options::overwrite_existing);
      });
      payload_json = R"({"path":)" + json_string(copy.string()) + "}";
    }
  }
  std::string qualified = std::to_string(node.call.record) + "_" + node.call.name + "_" + name;
  for (int n = 2; qualified_names_.contains(qualified); ++n) {
    qualified =
        std::to_string(node.call.record) + "_" + node.call.name + "_" + name + "_" + std::to_string(n);
  }
  qualified_names_.insert(qualified);
  reportables_of_stage_[stage].push_back(reportables_.size());
  reportables_.push_back(reports::Reportable{std::move(name), std::move(qualified), std::move(group),
                                             node.call.name, node.call.record, std::move(kind),
                                             std::move(payload_json)});
}

void RunSession::save_reportables(const StageNode& node) {
  const auto found = reportables_of_stage_.find(node.id);
  if (found == reportables_of_stage_.end()) return;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  for (const std::size_t index : found->second) {
    const reports::Reportable& item = reportables_[index];
    w.StartObject();
    w.Key("name");
    w.String(item.name.c_str());
    w.Key("group");
    w.String(item.group.c_str());
    w.Key("kind");
    w.String(item.kind.c_str());
    w.Key("payload");
    if (item.kind == "image") {
      // Relative to the cache folder, so a cache that moves (a full store's artifacts) keeps it.
      rapidjson::Document payload;
      payload.Parse(item.payload_json.c_str());
      const std::filesystem::path path = payload["path"].GetString();
      const std::string relative = path.lexically_relative(cache_.folder()).string();
      w.StartObject();
      w.Key("path");
      w.String(relative.c_str());
      w.EndObject();
    } else {
      w.RawValue(item.payload_json.data(), item.payload_json.size(), rapidjson::kObjectType);
    }
    w.EndObject();
  }
  w.EndArray();
  write_text_atomically(cache_.reportables_file(node.record_hash, node.call.name),
                        std::string_view(buffer.GetString(), buffer.GetSize()));
}

void RunSession::load_reportables(const StageNode& node) {
  const auto file = cache_.reportables_file(node.record_hash, node.call.name);
  if (!std::filesystem::is_regular_file(file)) return;
  rapidjson::Document saved;
  const std::string text = read_file(file);
  saved.Parse(text.data(), text.size());
  if (saved.HasParseError() || !saved.IsArray()) {
    log(CF_LOG_WARNING, file.string() + ": unreadable reportables, not shown in the report");
    return;
  }
  for (const auto& item : saved.GetArray()) {
    if (!item.IsObject() || !item.HasMember("name") || !item.HasMember("kind") || !item.HasMember("payload"))
      continue;
    rapidjson::StringBuffer payload;
    rapidjson::Writer<rapidjson::StringBuffer> w(payload);
    if (std::string_view(item["kind"].GetString()) == "image" && item["payload"].IsObject() &&
        item["payload"].HasMember("path") && item["payload"]["path"].IsString()) {
      const std::string path =
          (cache_.folder() / item["payload"]["path"].GetString()).lexically_normal().string();
      w.StartObject();
      w.Key("path");
      w.String(path.c_str());
      w.EndObject();
    } else {
      item["payload"].Accept(w);
    }
    try {
      add_reportable(node.id, item["kind"].GetString(), item["name"].GetString(),
                     item.HasMember("group") && item["group"].IsString() ? item["group"].GetString() : "",
                     std::string(payload.GetString(), payload.GetSize()));
    } catch (const UserError& e) {
      log(CF_LOG_WARNING, std::string("a cached reportable is not shown: ") + e.what());
    }
  }
}

std::vector<std::filesystem::path> RunSession::reportable_files() const {
  std::vector<std::filesystem::path> files;
  for (const auto& [stage, indices] : reportables_of_stage_) {
    const StageNode& node = real_graph_.stages()[stage];
    const auto file = cache_.reportables_file(node.record_hash, node.call.name);
    if (std::filesystem::is_regular_file(file)) files.push_back(file);
    const auto folder = cache_.reportables_folder(node.record_hash, node.call.name);
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ignored))
      files.push_back(entry.path());
  }
  return files;
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
    if (node.id >= actions_.size() || actions_[node.id] == StageAction::skip) continue;
    const bool produced = actions_[node.id] == StageAction::execute && writes_cache();
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
