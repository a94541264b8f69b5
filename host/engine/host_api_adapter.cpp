#include "engine/host_api_adapter.hpp"

#include "engine/stage_call_decoding.hpp"
#include "util/error.hpp"

#include <exception>

namespace cf::host {
namespace {

HostCalls& calls_of(void* ctx) {
  return *static_cast<HostCalls*>(ctx);
}

template <class Fn>
cf_status guarded(cf_sink error, Fn&& fn) noexcept {
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

void log(void* ctx, cf_log_level level, cf_str message) {
  try {
    calls_of(ctx).plugin_log(level, std::string_view(message.data, message.size));
  } catch (...) {
    // A log line that cannot be written must not take the run down.
  }
}

void write_hash(void* ctx, uint64_t record, cf_sink hash) {
  const std::string text = calls_of(ctx).record_params_hash(record);
  if (hash.write != nullptr && !text.empty()) hash.write(hash.ctx, text.data(), text.size());
}

cf_status record_create(void* ctx, cf_str params, uint64_t* record, cf_sink hash, cf_sink error) {
  return guarded(error, [&] {
    if (record == nullptr) throw UserError("the plugin made a record without a place for its id");
    *record = calls_of(ctx).create_record({params.data, params.size}, std::nullopt);
    write_hash(ctx, *record, hash);
  });
}

cf_status record_copy(void* ctx, uint64_t source, cf_str params, uint64_t* record, cf_sink hash,
                      cf_sink error) {
  return guarded(error, [&] {
    if (record == nullptr) throw UserError("the plugin made a record without a place for its id");
    *record = calls_of(ctx).create_record({params.data, params.size}, source);
    write_hash(ctx, *record, hash);
  });
}

cf_status record_set(void* ctx, uint64_t record, cf_str artifact, cf_sink error) {
  return guarded(error, [&] { calls_of(ctx).set_artifact(record, {artifact.data, artifact.size}); });
}

cf_status stage_begin(void* ctx, uint64_t record, const cf_stage_decl* decl, cf_stage_plan* plan,
                      cf_sink error) {
  return guarded(error, [&] {
    if (decl == nullptr || plan == nullptr || decl->struct_size < kStageDeclMinimumSize ||
        plan->struct_size < sizeof(cf_stage_plan)) {
      throw UserError("the plugin declared a stage with a malformed structure (SDK and host disagree)");
    }
    calls_of(ctx).begin_stage(record, *decl, *plan);
  });
}

cf_status stage_output(void* ctx, uint64_t stage, size_t output, cf_str artifact, cf_sink error) {
  return guarded(error, [&] { calls_of(ctx).take_output(stage, output, {artifact.data, artifact.size}); });
}

cf_status artifact_load(void* ctx, uint64_t stage, size_t output, cf_sink out, cf_sink error) {
  return guarded(error, [&] { calls_of(ctx).load_output(stage, output, out); });
}

cf_status artifact_size_hint(void* ctx, uint64_t stage, size_t output, uint64_t* size, cf_sink error) {
  return guarded(error, [&] {
    if (size == nullptr) throw UserError("the plugin asked for an artifact's size without a place to put it");
    *size = calls_of(ctx).output_size_hint(stage, output);
  });
}

cf_status stage_end(void* ctx, uint64_t stage, cf_str failure, cf_sink error) {
  return guarded(error, [&] { calls_of(ctx).end_stage(stage, {failure.data, failure.size}); });
}

cf_status report(void* ctx, uint64_t stage, cf_str kind, cf_str name, cf_str group, cf_str payload,
                 cf_sink error) {
  return guarded(error, [&] {
    calls_of(ctx).add_reportable(stage, {kind.data, kind.size}, {name.data, name.size},
                                 {group.data, group.size}, {payload.data, payload.size});
  });
}

}  // namespace

cf_host_api host_api_for(HostCalls& calls) {
  cf_host_api api{};
  api.struct_size = sizeof(cf_host_api);
  api.abi_version = CF_ABI_VERSION;
  api.ctx = &calls;
  api.log = &log;
  api.flags = 0;
  api.record_create = &record_create;
  api.record_copy = &record_copy;
  api.record_set = &record_set;
  api.stage_begin = &stage_begin;
  api.stage_output = &stage_output;
  api.artifact_load = &artifact_load;
  api.stage_end = &stage_end;
  api.report = &report;
  api.artifact_size_hint = &artifact_size_hint;
  return api;
}

}  // namespace cf::host
