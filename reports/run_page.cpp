#include "run_page.hpp"

#include "graph_svg.hpp"
#include "html.hpp"
#include "page_parts.hpp"

#include <exception>
#include <map>
#include <set>
#include <string_view>

namespace cf::reports {
namespace {

// Ids made from user text can collide once reduced to safe characters; a suffix keeps them
// unique so every link lands on its own target.
class IdMaker {
 public:
  std::string make(const std::string& prefix, std::string_view text) {
    const auto base = prefix + anchor_id(text);
    auto id = base;
    for (int n = 2; !used_.insert(id).second; ++n) id = base + "-" + std::to_string(n);
    return id;
  }

 private:
  std::set<std::string> used_;
};

void info_row(std::string& html, const char* field, const char* label, const std::string& value_html) {
  html += "<tr data-field=\"";
  html += field;
  html += "\"><th>";
  html += label;
  html += "</th><td>" + value_html + "</td></tr>\n";
}

std::string missing(const char* text) {
  return std::string("<span class=\"cf-missing\">") + text + "</span>";
}

std::string status_badge(const std::string& status) {
  return "<span class=\"cf-status " + status_class(status) + "\">" + escape_html(status) + "</span>";
}

// Where each parameter set is shown, for linking param-file entries to it: by name and hash
// first, then by hash alone (a set renamed in the file still has the values shown).
struct ParamAnchors {
  std::map<std::pair<std::string, std::string>, std::string> by_name_and_hash;
  std::map<std::string, std::string> by_hash;

  std::string find(const std::string& name, const std::string& hash) const {
    if (const auto it = by_name_and_hash.find({name, hash}); it != by_name_and_hash.end()) return it->second;
    if (const auto it = by_hash.find(hash); it != by_hash.end()) return it->second;
    return {};
  }
};

std::string param_files_html(const RunSummary& summary, const ParamAnchors& anchors) {
  const auto files = parse_param_files(summary.param_files_json);
  if (!files) return "<code>" + escape_html(summary.param_files_json) + "</code>";
  if (files->empty()) return missing("none");
  std::string html = "<ul class=\"cf-param-files\">\n";
  for (const auto& file : *files) {
    html += "<li><code>" + escape_html(file.file) + "</code>";
    if (!file.sets.empty()) html += ": ";
    for (std::size_t i = 0; i < file.sets.size(); ++i) {
      const auto& [name, hash] = file.sets[i];
      if (i != 0) html += ", ";
      const auto anchor = anchors.find(name, hash);
      const auto label = escape_html(name) + " <code class=\"cf-hash\">" + escape_html(hash) + "</code>";
      html += anchor.empty() ? label : "<a href=\"#" + anchor + "\">" + label + "</a>";
    }
    html += "</li>\n";
  }
  html += "</ul>";
  return html;
}

std::string record_label(const RunReport& report, std::size_t record) {
  for (const auto& view : report.records) {
    if (view.id == record) return "record " + std::to_string(record) + " (" + escape_html(view.name) + ")";
  }
  return "record " + std::to_string(record);
}

void info_section(std::string& html, const RunReport& report, const RunPageFiles& files,
                  const ParamAnchors& anchors) {
  const auto& s = report.summary;
  html += "<section id=\"info\" class=\"cf-section\">\n<h2>Run</h2>\n<table class=\"cf-info\">\n";
  info_row(html, "experiment", "Experiment", escape_html(s.experiment));
  info_row(html, "number", "Run number", std::to_string(s.number));
  info_row(html, "timestamp", "Timestamp", "<time>" + escape_html(s.timestamp) + "</time>");
  info_row(html, "reference", "Reference", "<code>" + escape_html(s.reference) + "</code>");
  info_row(html, "hostname", "Hostname", s.hostname.empty() ? missing("unknown") : escape_html(s.hostname));
  info_row(html, "status", "Status", status_badge(s.status));
  if (!s.error.empty())
    info_row(html, "error", "Error", "<pre class=\"cf-error\">" + escape_html(s.error) + "</pre>");
  std::string git;
  if (is_commit_id(s.git_commit)) {
    git = "<code class=\"cf-commit\">" + escape_html(s.git_commit) + "</code>";
  } else if (!s.git_commit.empty()) {
    git = "<span class=\"cf-missing\">" + escape_html(s.git_commit) + "</span>";  // "not a git repository"
  } else {
    git = missing("none");  // a repository without commits, or one the run could not read
  }
  if (s.git_dirty)
    git += " <span class=\"cf-dirty\" title=\"uncommitted changes when the run started\">dirty</span>";
  info_row(html, "git", "Git commit", git);
  info_row(html, "param_files", "Param files", param_files_html(s, anchors));
  info_row(html, "command", "Command", "<code class=\"cf-command\">" + escape_html(s.command) + "</code>");
  info_row(html, "reproduce", "Reproduce",
           s.reproduce.empty() ? missing("only for runs stored with --store-full")
                               : "<code class=\"cf-command\">" + escape_html(s.reproduce) + "</code>");
  const auto short_notes = first_line(s.notes);
  std::string notes = s.notes.empty() ? missing("none") : escape_html(short_notes);
  if (!s.notes.empty() && short_notes.size() != s.notes.size()) notes += " <a href=\"#notes\">(more)</a>";
  info_row(html, "notes", "Notes", notes);
  std::string log;
  if (files.log_copied) {
    log = "<a href=\"log.txt\">log.txt</a>";
  } else if (!files.log_problem.empty()) {
    log = missing("unavailable:") + " " + escape_html(files.log_problem);
  } else {
    log = missing("none");
  }
  info_row(html, "log", "Log", log);
  html += "</table>\n</section>\n";
}

void notes_section(std::string& html, const RunSummary& s) {
  if (s.notes.empty()) return;
  html += "<section id=\"notes\" class=\"cf-section\">\n<h2>Notes</h2>\n<div class=\"cf-notes\">" +
          escape_html(s.notes) + "</div>\n</section>\n";
}

void reportable_html(std::string& html, const RunReport& report, std::size_t index, const std::string& id,
                     const RenderedReportable& rendered, const char* heading) {
  const auto& r = report.reportables[index];
  html += "<article class=\"cf-reportable cf-kind-" + anchor_id(r.kind) + "\" id=\"" + id + "\">\n";
  html += std::string("<") + heading + "><a class=\"cf-anchor\" href=\"#" + id + "\">" + escape_html(r.name) +
          "</a></" + heading + ">\n";
  html += "<p class=\"cf-reportable-meta\">" + record_label(report, r.record) + " &middot; stage <code>" +
          escape_html(r.stage) + "</code> &middot; <code>" + escape_html(r.qualified_name) + "</code></p>\n";
  if (rendered.error.empty()) {
    html += rendered.body_html;
  } else {
    html += "<p class=\"cf-error\">Cannot show this reportable: " + escape_html(rendered.error) + "</p>";
  }
  html += "\n</article>\n";
}

void reportables_section(std::string& html, const RunReport& report, const RunPageFiles& files,
                         IdMaker& ids) {
  html += "<section id=\"reportables\" class=\"cf-section\">\n<h2>Reportables</h2>\n";
  const auto& all = report.reportables;
  if (all.empty()) {
    html += "<p>" + missing("This run reported nothing.") + "</p>\n</section>\n";
    return;
  }
  std::vector<std::string> item_ids;
  for (const auto& r : all)
    item_ids.push_back(ids.make("r-", r.qualified_name.empty() ? r.name : r.qualified_name));

  // A group is shown where its first member was reported, with all its members together;
  // ungrouped reportables keep their own places.
  std::vector<std::string> order;  // "" entries stand for single ungrouped reportables
  std::map<std::string, std::vector<std::size_t>> groups;
  std::vector<std::size_t> singles;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].group.empty()) {
      order.emplace_back();
      singles.push_back(i);
      continue;
    }
    auto& members = groups[all[i].group];
    if (members.empty()) order.push_back(all[i].group);
    members.push_back(i);
  }

  if (all.size() > 1) {
    html += "<nav class=\"cf-reportable-list\"><ul>\n";
    std::size_t next_single = 0;
    for (const auto& group : order) {
      if (group.empty()) {
        const auto i = singles[next_single++];
        html += "<li><a href=\"#" + item_ids[i] + "\">" + escape_html(all[i].name) + "</a></li>\n";
        continue;
      }
      html += "<li>" + escape_html(group) + "<ul>";
      for (const auto i : groups[group]) {
        html += "<li><a href=\"#" + item_ids[i] + "\">" + escape_html(all[i].name) + "</a></li>";
      }
      html += "</ul></li>\n";
    }
    html += "</ul></nav>\n";
  }

  std::size_t next_single = 0;
  for (const auto& group : order) {
    if (group.empty()) {
      const auto i = singles[next_single++];
      reportable_html(html, report, i, item_ids[i], files.reportables[i], "h3");
      continue;
    }
    html += "<section class=\"cf-group\" id=\"" + ids.make("group-", group) +
            "\">\n<h3 class=\"cf-group-name\">" + escape_html(group) +
            "</h3>\n<div class=\"cf-group-items\">\n";
    for (const auto i : groups[group])
      reportable_html(html, report, i, item_ids[i], files.reportables[i], "h4");
    html += "</div>\n</section>\n";
  }
  html += "</section>\n";
}

// The graphs come from Graphviz; a layout failure shows as a note instead of losing the report.
template <class Draw>
std::string graph_html(const char* extra_class, Draw draw) {
  try {
    return std::string("<div class=\"cf-graph") + extra_class + "\">\n" + draw() + "\n</div>\n";
  } catch (const std::exception& e) {
    return std::string("<p class=\"cf-error cf-graph-error\">The graph could not be drawn: ") +
           escape_html(e.what()) + "</p>\n";
  }
}

constexpr std::size_t kDetailedRecordGraphs = 200;

void graph_sections(std::string& html, const RunReport& report) {
  html += "<section id=\"graph\" class=\"cf-section\">\n<h2>Stages</h2>\n";
  html += graph_html("", [&] { return full_graph_svg(report); });
  html += "</section>\n";

  html += "<section id=\"records\" class=\"cf-section\">\n<h2>Records</h2>\n";
  if (report.records.empty()) html += "<p>" + missing("No records.") + "</p>\n";
  for (const auto& record : report.records) {
    const auto id = std::to_string(record.id);
    html += "<section class=\"cf-record\" id=\"record-" + id + "\">\n<h3>Record " + id + ": " +
            escape_html(record.name) + " <code class=\"cf-hash\">" + escape_html(record.hash) +
            "</code></h3>\n";
    if (!record.input_records.empty()) {
      html += "<p class=\"cf-record-inputs\">From records ";
      for (std::size_t i = 0; i < record.input_records.size(); ++i) {
        const auto input = std::to_string(record.input_records[i]);
        if (i != 0) html += ", ";
        html += "<a href=\"#record-" + input + "\">" + input + "</a>";
      }
      html += "</p>\n";
    }
    // A detailed graph costs milliseconds and tens of kilobytes each: past a few hundred
    // records the page would take seconds to write and to open, so the rest get none.
    if (record.id < kDetailedRecordGraphs) {
      html += graph_html(" cf-record-graph", [&] { return record_graph_svg(report, record.id); });
    } else if (record.id == kDetailedRecordGraphs) {
      html += "<p class=\"cf-note\">Detailed graphs are drawn for the first " +
              std::to_string(kDetailedRecordGraphs) + " records only.</p>\n";
    }
    html += "</section>\n";
  }
  html += "</section>\n";
}

void parameters_section(std::string& html, const RunReport& report,
                        const std::vector<std::string>& param_ids) {
  html += "<section id=\"parameters\" class=\"cf-section\">\n<h2>Parameters</h2>\n";
  if (report.params.empty()) html += "<p>" + missing("No parameter sets.") + "</p>\n";
  for (std::size_t i = 0; i < report.params.size(); ++i) {
    const auto& set = report.params[i];
    const auto pretty = pretty_json(set.json);
    html += "<article class=\"cf-params\" id=\"" + param_ids[i] + "\">\n<h3>" + escape_html(set.name) +
            " <code class=\"cf-hash\">" + escape_html(set.hash) + "</code></h3>\n<pre class=\"cf-json\">" +
            escape_html(pretty ? *pretty : set.json) + "</pre>\n</article>\n";
  }
  html += "</section>\n";
}

}  // namespace

std::string run_page_html(const RunReport& report, const RunPageFiles& files) {
  const auto& s = report.summary;
  // Generated ids carry a prefix ("r-", "params-", "group-"), so they never meet the fixed
  // section ids or "record-<id>".
  IdMaker ids;
  std::vector<std::string> param_ids;
  ParamAnchors anchors;
  for (const auto& set : report.params) {
    param_ids.push_back(ids.make("params-", set.name));
    anchors.by_name_and_hash.emplace(std::pair{set.name, set.hash}, param_ids.back());
    anchors.by_hash.emplace(set.hash, param_ids.back());
  }

  std::string html;
  html.reserve(16384);
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>" + escape_html(s.reference) + " \xE2\x80\x94 " + escape_html(s.experiment) + "</title>\n";
  html += "<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n<body class=\"cf-run-page\">\n";
  html +=
      "<header class=\"cf-header\">\n<nav class=\"cf-breadcrumbs\"><a href=\"../index.html\">All "
      "reports</a></nav>\n";
  html += "<h1>" + escape_html(s.experiment) + " <span class=\"cf-run-number\">run " +
          std::to_string(s.number) + "</span> " + status_badge(s.status) + "</h1>\n";
  html += "<p class=\"cf-subtitle\"><code>" + escape_html(s.reference) + "</code></p>\n";
  html += "<nav class=\"cf-toc\"><a href=\"#info\">Run</a>";
  if (!s.notes.empty()) html += "<a href=\"#notes\">Notes</a>";
  html +=
      "<a href=\"#reportables\">Reportables</a><a href=\"#graph\">Stages</a><a href=\"#records\">Records</a>"
      "<a href=\"#parameters\">Parameters</a></nav>\n</header>\n<main>\n";
  info_section(html, report, files, anchors);
  notes_section(html, s);
  reportables_section(html, report, files, ids);
  graph_sections(html, report);
  parameters_section(html, report, param_ids);
  html += "</main>\n<footer class=\"cf-footer\">Written by Curifactory</footer>\n</body>\n</html>\n";
  return html;
}

}  // namespace cf::reports
