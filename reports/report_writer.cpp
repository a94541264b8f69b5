#include "report_writer.hpp"

#include "builtin_style.hpp"
#include "index_page.hpp"
#include "page_parts.hpp"
#include "report_files.hpp"
#include "reportable_html.hpp"
#include "run_page.hpp"
#include "run_summary_json.hpp"

#include <exception>
#include <set>
#include <stdexcept>
#include <system_error>

namespace cf::reports {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLatest = "_latest";

// The reference becomes a folder name under the root, so anything that could leave the root or
// collide with the root's own entries is refused before a file is touched.
void check_reference(const std::string& reference) {
  const bool bad = reference.empty() || reference == kLatest || reference.front() == '.' ||
                   reference.find('/') != std::string::npos || reference.find('\0') != std::string::npos;
  if (bad) throw std::runtime_error("cannot write a report for the run reference '" + reference + "'");
}

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code error;
  return fs::equivalent(a, b, error) && !error;
}

bool is_file(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);
}

// The configured stylesheet when there is one, else the built-in one. With the default
// configuration the configured file is <reports>/style.css itself, which is then left alone:
// the index writes the built-in sheet there once and people restyle every report by editing it.
void write_style(const fs::path& target, const fs::path& css) {
  if (!css.empty() && is_file(css)) {
    if (!same_file(css, target)) copy_file_atomically(css, target);
    return;
  }
  write_file_atomically(target, builtin_style_css());
}

// Copies an image reportable's file to <folder>/reportables/, so the report keeps showing it
// after the original (usually a cache file) is deleted; returns the path the page uses.
std::string copy_image(const Reportable& reportable, const fs::path& folder,
                       std::set<std::string>& used_names) {
  const fs::path source = image_file_of(reportable);
  // The extension is kept because browsers rely on it for SVG (served by type, not sniffed).
  const auto stem =
      anchor_id(reportable.qualified_name.empty() ? reportable.name : reportable.qualified_name);
  const auto extension = anchor_id(source.extension().string());
  auto name = stem + extension;
  for (int n = 2; !used_names.insert(name).second; ++n) name = stem + "-" + std::to_string(n) + extension;
  const auto target = folder / "reportables" / name;
  if (is_file(source)) {
    copy_file_atomically(source, target);
  } else if (!is_file(target)) {
    // A report written again (e.g. after the run failed) still has its first copy.
    throw std::runtime_error("the image file " + source.string() + " does not exist");
  }
  return "reportables/" + name;
}

}  // namespace

void write_run_report(const fs::path& reports_root, const RunReport& report, const fs::path& css) {
  const auto& summary = report.summary;
  check_reference(summary.reference);
  const auto folder = reports_root / summary.reference;
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) throw std::runtime_error(folder.string() + ": cannot be created: " + error.message());

  RunPageFiles files;
  std::set<std::string> image_names;
  for (const auto& reportable : report.reportables) {
    RenderedReportable rendered;
    try {
      const auto source =
          reportable.kind == "image" ? copy_image(reportable, folder, image_names) : std::string();
      rendered.body_html = reportable_body_html(reportable, source);
    } catch (const std::exception& e) {
      // Shown in the reportable's place: one bad payload should not cost the run its report.
      rendered.error = e.what();
    }
    files.reportables.push_back(std::move(rendered));
  }

  if (summary.log_file) {
    const auto log = folder / "log.txt";
    if (is_file(*summary.log_file)) {
      if (!same_file(*summary.log_file, log)) copy_file_atomically(*summary.log_file, log);
      files.log_copied = true;
    } else if (is_file(log)) {
      files.log_copied = true;  // copied by an earlier write of this report
    } else {
      files.log_problem = summary.log_file->string() + " does not exist";
    }
  }

  write_style(folder / "style.css", css);
  write_file_atomically(folder / "run.json", run_summary_to_json(summary));
  // The page goes last, so whoever opens it finds everything it links to.
  write_file_atomically(folder / "index.html", run_page_html(report, files));

  // Relative, so the reports folder can be moved or copied as a whole.
  point_symlink_atomically(reports_root / kLatest, summary.reference);
  write_report_index(reports_root, css);
}

void write_report_index(const fs::path& reports_root, const fs::path& css) {
  std::error_code error;
  fs::create_directories(reports_root, error);
  if (error) throw std::runtime_error(reports_root.string() + ": cannot be created: " + error.message());

  std::vector<IndexedRun> runs;
  fs::directory_iterator entries(reports_root, error);
  if (error) throw std::runtime_error(reports_root.string() + ": cannot be listed: " + error.message());
  for (const auto& entry : entries) {
    const auto name = entry.path().filename().string();
    // _latest would list the newest run twice; dot names are temporaries of running writes.
    if (name == kLatest || name.empty() || name.front() == '.') continue;
    std::error_code ignored;
    if (!entry.is_directory(ignored)) continue;
    const auto run_json = entry.path() / "run.json";
    if (!is_file(run_json)) continue;
    try {
      // Anything unreadable is skipped: one odd folder must not hide every other report.
      if (auto summary = run_summary_from_json(read_whole_file(run_json)))
        runs.push_back({name, std::move(*summary)});
    } catch (const std::exception&) {
    }
  }

  std::error_code ignored;
  const bool has_latest =
      fs::is_symlink(reports_root / kLatest, ignored) && is_file(reports_root / kLatest / "index.html");
  write_style(reports_root / "style.css", css);
  write_file_atomically(reports_root / "index.html", index_page_html(std::move(runs), has_latest));
}

}  // namespace cf::reports
