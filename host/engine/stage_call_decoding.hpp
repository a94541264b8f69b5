// A stage call as the plugin declares it (cf_stage_decl, plain C) turned into the host's
// StageCall: names and inputs copied, each output's cacher resolved (the default cacher for a
// lazy output without one, an error naming the stage for one that is not installed) and its
// options split into the folder the host uses and what the cacher sees.
#pragma once

#include "engine/stage_graph.hpp"

#include <curifactory/abi.h>

#include <cstddef>
#include <string>

namespace cf::host {

class CacherRegistry;

struct DecodingRules {
  const CacherRegistry& cachers;
  bool lazy_all = false;     // --lazy: every output stays on disk
  bool ignore_lazy = false;  // --ignore-lazy: none does
};

// The default binary cacher: what --lazy (and a lazy output without a cacher) falls back to.
inline constexpr const char* kDefaultCacher = "raw";

// The smallest cf_stage_decl a host accepts: every field of ABI version 1's first revision.
inline constexpr std::size_t kStageDeclMinimumSize =
    offsetof(cf_stage_decl, input_record_count) + sizeof(size_t);

// Output `index` of `decl`, read with the element size the plugin was built with
// (output_decl_size), so a newer SDK's larger cf_output_decl is read correctly.
const cf_output_decl& output_declaration(const cf_stage_decl& decl, std::size_t index);

// Throws UserError naming `where` ("stage 'fit' on record 3 ('a')") and the output.
OutputSpec decode_output(const cf_output_decl& output, const std::string& where, const DecodingRules& rules);

// `record` is the record the call is made on (for its id and messages).
StageCall decode_stage_call(const RecordEntry& record, const cf_stage_decl& decl, const DecodingRules& rules);

}  // namespace cf::host
