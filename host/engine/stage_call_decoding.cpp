#include "engine/stage_call_decoding.hpp"

#include "cache/cacher_registry.hpp"
#include "util/error.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>

namespace cf::host {

const cf_output_decl& output_declaration(const cf_stage_decl& decl, std::size_t index) {
  std::size_t stride = sizeof(cf_output_decl);
  if (decl.struct_size >= offsetof(cf_stage_decl, output_decl_size) + sizeof(decl.output_decl_size) &&
      decl.output_decl_size != 0) {
    stride = decl.output_decl_size;
  }
  if (stride < sizeof(cf_output_decl))
    throw UserError("the plugin declared stage outputs with a malformed structure (SDK and host disagree)");
  return *reinterpret_cast<const cf_output_decl*>(reinterpret_cast<const char*>(decl.outputs) +
                                                  index * stride);
}

OutputSpec decode_output(const cf_output_decl& output, const std::string& where, const DecodingRules& rules) {
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

  const bool wants_lazy = output.lazy != 0 || rules.lazy_all;
  if (wants_lazy && spec.cacher.empty() && !rules.ignore_lazy) spec.cacher = kDefaultCacher;
  spec.lazy = wants_lazy && !rules.ignore_lazy;
  if (!spec.cacher.empty() && !rules.cachers.has(spec.cacher)) {
    std::string available;
    for (const auto& name : rules.cachers.names()) available += (available.empty() ? "" : ", ") + name;
    throw UserError(here + " names cacher '" + spec.cacher + "', which is not installed (available: " +
                    (available.empty() ? "none" : available) + ")");
  }
  return spec;
}

StageCall decode_stage_call(const RecordEntry& record, const cf_stage_decl& decl,
                            const DecodingRules& rules) {
  StageCall call;
  call.record = record.id;
  call.name.assign(decl.name.data, decl.name.size);
  call.aggregate = (decl.flags & CF_STAGE_AGGREGATE) != 0;
  call.suppress_missing_inputs = (decl.flags & CF_STAGE_SUPPRESS_MISSING_INPUTS) != 0;
  const std::string where = describe_call(call, record);
  for (std::size_t i = 0; i < decl.input_count; ++i)
    call.inputs.emplace_back(decl.inputs[i].data, decl.inputs[i].size);
  for (std::size_t i = 0; i < decl.output_count; ++i)
    call.outputs.push_back(decode_output(output_declaration(decl, i), where, rules));
  for (std::size_t i = 0; i < decl.input_record_count; ++i)
    call.input_records.push_back(decl.input_records[i]);
  return call;
}

}  // namespace cf::host
