#include "export/notebook.hpp"

#include "cache/atomic_file.hpp"
#include "export/notebook_cells.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <string_view>

namespace cf::host {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void string(Writer& w, std::string_view text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// nbformat keeps a cell's source as a list of lines, each but the last ending in "\n": the form
// Jupyter writes, so a saved notebook differs from ours only where someone edited it.
void source(Writer& w, std::string_view text) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  w.Key("source");
  w.StartArray();
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    if (newline == std::string_view::npos) {
      string(w, text);
      break;
    }
    string(w, text.substr(0, newline + 1));
    text.remove_prefix(newline + 1);
  }
  w.EndArray();
}

// nbformat 4.5 cells carry an id: letters, digits, '-' and '_', unique in the notebook.
void markdown_cell(Writer& w, std::string_view id, std::string_view text) {
  w.StartObject();
  w.Key("cell_type");
  w.String("markdown");
  w.Key("id");
  string(w, id);
  w.Key("metadata");
  w.StartObject();
  w.EndObject();
  source(w, text);
  w.EndObject();
}

void code_cell(Writer& w, std::string_view id, std::string_view text) {
  w.StartObject();
  w.Key("cell_type");
  w.String("code");
  w.Key("execution_count");
  w.Null();
  w.Key("id");
  string(w, id);
  w.Key("metadata");
  w.StartObject();
  w.EndObject();
  w.Key("outputs");
  w.StartArray();
  w.EndArray();
  source(w, text);
  w.EndObject();
}

}  // namespace

std::filesystem::path notebook_path(const std::filesystem::path& notebooks_folder,
                                    const std::string& reference) {
  return notebooks_folder / "experiments" / (reference + ".ipynb");
}

std::string notebook_json(const NotebookRun& run) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.SetIndent(' ', 1);
  w.StartObject();
  w.Key("cells");
  w.StartArray();
  markdown_cell(w, "run-facts", facts_markdown(run));
  if (run.shared_cache) markdown_cell(w, "shared-cache-warning", shared_cache_markdown(run));
  code_cell(w, "loading-helpers", helpers_code(run));
  for (const NotebookRecord& record : run.records)
    code_cell(w, "record-" + std::to_string(record.index), record_code(record));
  w.EndArray();

  w.Key("metadata");
  w.StartObject();
  w.Key("kernelspec");
  w.StartObject();
  w.Key("display_name");
  w.String("Python 3");
  w.Key("language");
  w.String("python");
  w.Key("name");
  w.String("python3");
  w.EndObject();
  w.Key("language_info");
  w.StartObject();
  w.Key("name");
  w.String("python");
  w.EndObject();
  // The run this notebook explores, for tools that look for it without reading the cells.
  w.Key("curifactory");
  w.StartObject();
  w.Key("experiment");
  string(w, run.experiment);
  w.Key("run");
  w.Int(run.number);
  w.Key("reference");
  string(w, run.reference);
  w.EndObject();
  w.EndObject();
  w.Key("nbformat");
  w.Int(4);
  w.Key("nbformat_minor");
  w.Int(5);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

void write_notebook(const std::filesystem::path& path, const NotebookRun& run) {
  write_text_atomically(path, notebook_json(run));
}

}  // namespace cf::host
