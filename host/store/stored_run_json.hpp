// A stored run as one JSON object, the same for `experiment runs --json` and a full store's
// run.json, so scripts read one shape.
#pragma once

#include "store/run_store.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace cf::host {

using PrettyJsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

// Every field but the environment (which a full store keeps in its own file).
void write_stored_run(PrettyJsonWriter& w, const StoredRun& run);

}  // namespace cf::host
