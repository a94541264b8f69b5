#include "store/runs_table.hpp"

#include "store/run_liveness.hpp"
#include "store/stored_run_json.hpp"

#include <algorithm>

namespace cf::host {
namespace {

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

std::string pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string json_runs(const std::vector<StoredRun>& runs) {
  rapidjson::StringBuffer buffer;
  PrettyJsonWriter w(buffer);
  w.SetIndent(' ', 2);
  w.StartArray();
  for (const StoredRun& run : runs) write_stored_run(w, run);
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace

std::string render_runs(const std::vector<StoredRun>& runs, bool json) {
  if (json) return json_runs(runs);
  if (runs.empty()) return "no runs yet\n";
  std::size_t reference_width = std::string("REFERENCE").size();
  for (const StoredRun& run : runs) reference_width = std::max(reference_width, run.reference.size());
  std::string out =
      pad("REFERENCE", reference_width) + "  " + pad("STATUS", 11) + "  " + pad("TIME", 19) + "  NOTES\n";
  for (const StoredRun& run : runs) {
    // An incomplete run is either still going, or its process died before it could say how
    // the run ended: the table tells the two apart where it can.
    const RunProcess process = run_process(run);
    std::string status = process == RunProcess::running ? "running" : run.status;
    std::string notes = first_line(run.notes);
    if (process == RunProcess::gone) {
      notes = "[its process " + std::to_string(run.pid) + " ended without recording how]" +
              (notes.empty() ? "" : " " + notes);
    }
    out += pad(run.reference, reference_width) + "  " + pad(status, 11) + "  " + pad(run.timestamp, 19) +
           "  " + notes + "\n";
  }
  return out;
}

}  // namespace cf::host
