// The text of a run notebook's cells: Markdown for the run's facts and the shared-cache
// warning, Python for the loading helpers and for each record. notebook.cpp wraps them in
// nbformat.
#pragma once

#include "export/notebook.hpp"

#include <string>
#include <string_view>

namespace cf::host {

// A Python string literal that evaluates to `text` (UTF-8 kept, control characters escaped).
std::string python_string(std::string_view text);

std::string facts_markdown(const NotebookRun& run);
std::string shared_cache_markdown(const NotebookRun& run);
// Imports, where the artifacts are, a reader per cacher (with a decoder for the typed arrays of
// the MessagePack encoding), the Record class and the `records` list.
std::string helpers_code(const NotebookRun& run);
// Makes `record_<index>`, fills its state and appends it to `records`.
std::string record_code(const NotebookRecord& record);

}  // namespace cf::host
