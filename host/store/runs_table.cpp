#include "store/runs_table.hpp"

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
      pad("REFERENCE", reference_width) + "  " + pad("STATUS", 10) + "  " + pad("TIME", 19) + "  NOTES\n";
  for (const StoredRun& run : runs) {
    out += pad(run.reference, reference_width) + "  " + pad(run.status, 10) + "  " + pad(run.timestamp, 19) +
           "  " + first_line(run.notes) + "\n";
  }
  return out;
}

}  // namespace cf::host
