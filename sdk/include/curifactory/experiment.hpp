// What an experiment or parameters file writes to become a plugin:
//
//   CF_EXPERIMENT(Params, run);        // void run(cf::ParamSets<Params> sets, cf::Manager& m)
//   CF_GET_PARAMS(get_params);         // cf::ParamSets<Params> get_params()
//   CF_DESCRIPTION("one line for `experiment ls`");
//
// The macros emit the exported C entry points of abi.h and the metadata records; the
// trampolines below turn JSON into typed values and exceptions into error messages, so no
// C++ exception ever crosses the C ABI.
#pragma once

#include <curifactory/abi.h>
#include <curifactory/detail/c_boundary.hpp>
#include <curifactory/detail/metadata.hpp>
#include <curifactory/manager.hpp>
#include <curifactory/params.hpp>
#include <curifactory/stage.hpp>

#include <exception>
#include <string>
#include <string_view>
#include <utility>

namespace cf {

namespace detail {

inline rapidjson::Document parse_json(cf_str text, const char* what) {
  rapidjson::Document document;
  // Full precision, or a 17-digit number can come out one unit in the last place off, and its
  // repr (so the parameter hash) with it.
  document.Parse<rapidjson::kParseFullPrecisionFlag>(text.data, text.size);
  if (document.HasParseError()) throw json_error(std::string("malformed JSON in ") + what);
  return document;
}

template <class P>
ParamSets<P> read_param_sets(const rapidjson::Value& json) {
  if (!json.IsArray()) throw json_error("parameter sets: expected a list, got " + json_kind(json));
  ParamSets<P> sets;
  sets.reserve(json.Size());
  for (rapidjson::SizeType i = 0; i < json.Size(); ++i) sets.push_back(read_param_set<P>(json[i], i));
  return sets;
}

template <class P>
std::string write_param_sets(const ParamSets<P>& sets) {
  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  w.StartArray();
  for (const auto& set : sets) write_param_set(w, set);
  w.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

template <class P, auto Run>
cf_status run_experiment(const cf_host_api* host, cf_str sets_json, cf_sink error) noexcept {
  return guarded(error, [&] {
    auto sets = read_param_sets<P>(parse_json(sets_json, "the parameter sets"));
    Manager manager(host);
    Run(std::move(sets), manager);
  });
}

template <class P>
cf_status normalize_params(cf_str set_json, cf_sink out, cf_sink error) noexcept {
  return guarded(error, [&] {
    const rapidjson::Document input = parse_json(set_json, "a parameter set");
    const auto set = read_param_set_fields<P>(input);
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    // The hash terms follow the input as the original would have read it (int or float, key order).
    write_param_set(w, set, true, &input);
    write_to(out, {buffer.GetString(), buffer.GetSize()});
  });
}

inline cf_status describe_stages(cf_sink out, cf_sink error) noexcept {
  return guarded(error, [&] { write_to(out, describe_stages_json()); });
}

template <class P, auto Run>
const cf_experiment_api* experiment_api() noexcept {
  static constexpr cf_experiment_api api{sizeof(cf_experiment_api), CF_ABI_VERSION, &run_experiment<P, Run>,
                                         &normalize_params<P>, &describe_stages};
  return &api;
}

template <auto GetParams>
cf_status get_params(cf_sink out, cf_sink error) noexcept {
  return guarded(error, [&] { write_to(out, write_param_sets(GetParams())); });
}

template <auto GetParams>
const cf_params_api* params_api() noexcept {
  static constexpr cf_params_api api{sizeof(cf_params_api), CF_ABI_VERSION, &get_params<GetParams>};
  return &api;
}

}  // namespace detail
}  // namespace cf

// "source" names the file that holds CF_EXPERIMENT, so a run can warn when the plugin is older
// than its source (a forgotten rebuild).
#define CF_EXPERIMENT(ParamsType, run_function)                            \
  CF_DETAIL_EXPORT const cf_experiment_api* curifactory_experiment(void) { \
    return ::cf::detail::experiment_api<ParamsType, &run_function>();      \
  }                                                                        \
  CF_DETAIL_METADATA("kind", "experiment", "source", __FILE__)

#define CF_GET_PARAMS(function)                                    \
  CF_DETAIL_EXPORT const cf_params_api* curifactory_params(void) { \
    return ::cf::detail::params_api<&function>();                  \
  }                                                                \
  CF_DETAIL_METADATA("kind", "params")
