#include "index_page.hpp"

#include "html.hpp"
#include "page_parts.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace cf::reports {
namespace {

// Folder names are user data in a URL: percent-encoded first, then escaped for the attribute.
std::string url_segment(const std::string& name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::string param_files_cell(const std::string& json) {
  const auto files = parse_param_files(json);
  if (!files) return "<code>" + escape_html(json) + "</code>";
  std::string html;
  for (std::size_t f = 0; f < files->size(); ++f) {
    const auto& file = (*files)[f];
    if (f != 0) html += "<br>";
    html += "<code>" + escape_html(file.file) + "</code>";
    if (!file.sets.empty()) html += ": ";
    for (std::size_t i = 0; i < file.sets.size(); ++i) {
      if (i != 0) html += ", ";
      html += escape_html(file.sets[i].first);
    }
  }
  return html;
}

std::string run_row(const IndexedRun& run, bool with_experiment) {
  const auto& s = run.summary;
  std::string html = "<tr class=\"cf-run\">";
  html += "<td class=\"cf-reference\"><a href=\"" + escape_html(url_segment(run.folder)) + "/index.html\">" +
          escape_html(s.reference) + "</a>";
  if (s.full_store) {
    html += " <span class=\"cf-full-store\" title=\"run stored in full with --store-full\">full store</span>";
  }
  html += "</td>";
  if (with_experiment) html += "<td>" + escape_html(s.experiment) + "</td>";
  html += "<td class=\"cf-num\">" + std::to_string(s.number) + "</td>";
  html += "<td class=\"cf-timestamp\"><time>" + escape_html(s.timestamp) + "</time></td>";
  html += "<td><span class=\"cf-status " + status_class(s.status) + "\"";
  if (!s.error.empty()) html += " title=\"" + escape_html(s.error) + "\"";
  html += ">" + escape_html(s.status) + "</span></td>";
  html += "<td>" + escape_html(s.hostname) + "</td>";
  html += "<td class=\"cf-git\">";
  if (is_commit_id(s.git_commit)) {
    html += "<code class=\"cf-commit\" title=\"" + escape_html(s.git_commit) + "\">" +
            escape_html(s.git_commit.substr(0, 10)) + "</code>";
  } else if (!s.git_commit.empty()) {
    html += "<span class=\"cf-missing\">" + escape_html(s.git_commit) + "</span>";
  }
  if (s.git_dirty)
    html += " <span class=\"cf-dirty\" title=\"uncommitted changes when the run started\">dirty</span>";
  html += "</td>";
  html += "<td>" + param_files_cell(s.param_files_json) + "</td>";
  const auto notes = first_line(s.notes);
  html += "<td class=\"cf-notes-short\">" +
          (notes.empty() ? std::string() : "<em>" + escape_html(notes) + "</em>") + "</td>";
  html += "<td><code class=\"cf-command\">" + escape_html(s.command) + "</code></td>";
  html += "</tr>\n";
  return html;
}

std::string runs_table(const std::vector<const IndexedRun*>& runs, bool with_experiment) {
  std::string html = "<div class=\"cf-table-wrap\"><table class=\"cf-runs\">\n<thead><tr><th>Run</th>";
  if (with_experiment) html += "<th>Experiment</th>";
  html +=
      "<th>#</th><th>Timestamp</th><th>Status</th><th>Host</th><th>Git</th><th>Param files</th><th>Notes</th>"
      "<th>Command</th></tr></thead>\n<tbody>\n";
  for (const auto* run : runs) html += run_row(*run, with_experiment);
  html += "</tbody></table></div>\n";
  return html;
}

}  // namespace

std::string index_page_html(std::vector<IndexedRun> runs, bool has_latest) {
  // ISO 8601 timestamps sort as text; the run number breaks ties within one second.
  std::sort(runs.begin(), runs.end(), [](const IndexedRun& a, const IndexedRun& b) {
    return std::tie(a.summary.timestamp, a.summary.number, a.folder) >
           std::tie(b.summary.timestamp, b.summary.number, b.folder);
  });
  std::map<std::string, std::vector<const IndexedRun*>> by_experiment;
  std::vector<const IndexedRun*> all;
  for (const auto& run : runs) {
    by_experiment[run.summary.experiment].push_back(&run);
    all.push_back(&run);
  }

  std::string html;
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>Curifactory reports</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n";
  html += "<body class=\"cf-index-page\">\n<header class=\"cf-header\">\n<h1>Curifactory reports</h1>\n";
  html += "<p class=\"cf-subtitle\">" + std::to_string(runs.size()) + (runs.size() == 1 ? " run" : " runs") +
          " of " + std::to_string(by_experiment.size()) +
          (by_experiment.size() == 1 ? " experiment" : " experiments");
  if (has_latest) html += " &middot; <a href=\"_latest/index.html\">latest report</a>";
  html += "</p>\n<nav class=\"cf-toc\">";
  std::map<std::string, std::string> section_ids;
  for (const auto& [experiment, list] : by_experiment) {
    // "all-runs" cannot collide: experiment ids start with "exp-".
    auto id = "exp-" + anchor_id(experiment);
    while (std::any_of(section_ids.begin(), section_ids.end(),
                       [&](const auto& entry) { return entry.second == id; })) {
      id += "-";
    }
    section_ids[experiment] = id;
    html += "<a href=\"#" + id + "\">" + escape_html(experiment) + "</a>";
  }
  html += "<a href=\"#all-runs\">All runs</a></nav>\n</header>\n<main>\n";
  if (runs.empty()) html += "<p class=\"cf-missing\">No reports yet.</p>\n";
  for (const auto& [experiment, list] : by_experiment) {
    html += "<section class=\"cf-section cf-experiment\" id=\"" + section_ids[experiment] + "\">\n<h2>" +
            escape_html(experiment) + " <span class=\"cf-count\">" + std::to_string(list.size()) +
            "</span></h2>\n";
    html += runs_table(list, false);
    html += "</section>\n";
  }
  html += "<section class=\"cf-section\" id=\"all-runs\">\n<h2>All runs <span class=\"cf-count\">" +
          std::to_string(all.size()) + "</span></h2>\n";
  html += runs_table(all, true);
  html +=
      "</section>\n</main>\n<footer class=\"cf-footer\">Written by Curifactory</footer>\n</body>\n</html>\n";
  return html;
}

}  // namespace cf::reports
