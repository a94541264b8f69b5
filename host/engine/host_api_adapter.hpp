// The C side of a run: the cf_host_api table a plugin calls back into, each callback turned
// into a call on a HostCalls object. No exception crosses the C ABI: each is caught and its
// text written to the caller's error sink; every pointer and struct size the plugin hands over
// is checked before use.
#pragma once

#include <curifactory/abi.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cf::host {

// What the plugin's callbacks reach; RunSession is the one real implementation.
class HostCalls {
 public:
  virtual ~HostCalls() = default;
  virtual void plugin_log(cf_log_level level, std::string_view message) = 0;
  // Returns the record's id; `params_json` empty for a record without parameters.
  virtual std::size_t create_record(std::string_view params_json, std::optional<std::size_t> copy_of) = 0;
  // The hash a created record runs under; empty without parameters.
  virtual std::string record_params_hash(std::size_t record) const = 0;
  virtual void set_artifact(std::size_t record, std::string_view artifact) = 0;
  virtual void begin_stage(std::size_t record, const cf_stage_decl& decl, cf_stage_plan& plan) = 0;
  virtual void take_output(std::size_t stage, std::size_t output, std::string_view artifact) = 0;
  virtual void load_output(std::size_t stage, std::size_t output, cf_sink out) = 0;
  virtual std::uint64_t output_size_hint(std::size_t stage, std::size_t output) = 0;
  virtual void end_stage(std::size_t stage, std::string_view failure) = 0;
  virtual void add_reportable(std::size_t stage, std::string kind, std::string name, std::string group,
                              std::string payload_json) = 0;
};

// A table whose callbacks reach `calls`, with `flags` 0 (the caller sets CF_HOST_MAPPING).
cf_host_api host_api_for(HostCalls& calls);

}  // namespace cf::host
