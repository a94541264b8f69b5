#include "graph_svg.hpp"

#include <dlfcn.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <array>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cf::reports {
namespace {

// dot's time grows much faster than linearly, mostly with the number of clusters. Measured on one
// core with Graphviz 2.43 (chains of labelled edges): 1000 stage calls in 200 records 0.2 s, in 300
// records 0.3 s, 1000 records of 1 stage 5.4 s, 1000 records of 5 stages 10 to 15 s. Past either
// limit the full graph becomes one node per record (1000 records: 0.2 s).
constexpr std::size_t kMaxDetailedStageCalls = 1000;
constexpr std::size_t kMaxDetailedRecords = 300;
// The summary slows down the same way once records feed each other: 2000 records all read by one
// aggregate take 0.7 s, 5000 take 7.7 s.
constexpr std::size_t kMaxSummaryRecords = 2000;

// Previews are a hint, the record page shows the whole value; long ones would make every output
// node as wide as the longest preview.
constexpr std::size_t kPreviewCodePoints = 40;

// Soft enough that black text and the white stage boxes stay readable on top of them.
constexpr std::array<const char*, 10> kRecordPalette = {
    "#dbe9f6", "#fde2cf", "#d9f0d3", "#f6d5dc", "#e5dcf0",
    "#f5ecc8", "#d3eeee", "#eadccf", "#e8e8e8", "#dfeccc",
};

const char* record_colour(std::size_t record) {
  return kRecordPalette[record % kRecordPalette.size()];
}

// ---------------------------------------------------------------------------------------------
// Text going into Graphviz labels

// Graphviz reads labels as UTF-8 and falls back to Latin-1 with a warning on the first invalid
// byte, so invalid input would come out as mojibake (and could be invalid XML); control characters
// are not allowed in XML at all.
std::string clean_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const auto continuation = [&](std::size_t i) { return i < text.size() && (byte(i) & 0xC0) == 0x80; };
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
      out += lead < 0x20 || lead == 0x7F ? ' ' : static_cast<char>(lead);
      ++i;
      continue;
    }
    // Sequence length and the allowed range of the second byte (which excludes overlong forms,
    // surrogates and code points past U+10FFFF).
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    }
    bool valid = length > 0 && i + 1 < text.size() && byte(i + 1) >= low && byte(i + 1) <= high;
    for (std::size_t k = 2; valid && k < length; ++k) valid = continuation(i + k);
    if (valid) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD, one per rejected byte
      ++i;
    }
  }
  return out;
}

// Cuts valid UTF-8 after `limit` code points so a multi-byte character is never split.
std::string truncate_text(const std::string& text, std::size_t limit) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (points == limit) return text.substr(0, i) + "\xE2\x80\xA6";  // U+2026 ellipsis
    ++points;
  }
  return text;
}

// One line of a plain Graphviz label. Backslash starts Graphviz escapes (\N becomes the node's
// name, \l a line break), so it is doubled. Graphviz escapes < > " ' for the SVG itself but
// passes through anything that already looks like an entity: writing & as &amp; keeps a literal
// "&lt;" in a stage name from showing up as "<".
std::string label_line(std::string_view text) {
  const std::string clean = clean_text(text);
  std::string out;
  out.reserve(clean.size());
  for (const char c : clean) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '&') {
      out += "&amp;";
    } else {
      out += c;
    }
  }
  return out;
}

// Lines of a label; a raw newline is a centred line break for Graphviz.
std::string label(std::initializer_list<std::string> lines) {
  std::string out;
  for (const std::string& line : lines) {
    if (line.empty()) continue;
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Graphviz handles

struct ContextDeleter {
  void operator()(GVC_t* gvc) const { gvFreeContext(gvc); }
};
using Context = std::unique_ptr<GVC_t, ContextDeleter>;

struct GraphDeleter {
  void operator()(Agraph_t* graph) const { agclose(graph); }
};
using GraphHandle = std::unique_ptr<Agraph_t, GraphDeleter>;

struct RenderDataDeleter {
  void operator()(char* data) const { gvFreeRenderData(data); }
};
using RenderData = std::unique_ptr<char, RenderDataDeleter>;

// Owns a computed layout; must go before the graph it was computed for.
class Layout {
 public:
  Layout(GVC_t* gvc, Agraph_t* graph) : gvc_(gvc), graph_(graph) {}
  Layout(const Layout&) = delete;
  Layout& operator=(const Layout&) = delete;
  ~Layout() { gvFreeLayout(gvc_, graph_); }

 private:
  GVC_t* gvc_;
  Agraph_t* graph_;
};

// Graphviz is not thread-safe (global error state, global string tables in cgraph); a report
// server may render pages concurrently.
std::mutex& graphviz_mutex() {
  static std::mutex mutex;
  return mutex;
}

// Graphviz prints errors and warnings to stderr by default; they belong in the exception instead.
// Only touched with graphviz_mutex held.
std::string& graphviz_messages() {
  static std::string messages;
  return messages;
}

// Called from C, so it must not throw; a message lost to a failed allocation only shortens the
// exception text.
int collect_graphviz_message(char* message) noexcept {
  try {
    graphviz_messages() += message;
  } catch (...) {
  }
  return 0;
}

class CaptureGraphvizMessages {
 public:
  CaptureGraphvizMessages()
      : previous_level_(agseterr(AGWARN)), previous_handler_(agseterrf(&collect_graphviz_message)) {
    graphviz_messages().clear();
  }
  CaptureGraphvizMessages(const CaptureGraphvizMessages&) = delete;
  CaptureGraphvizMessages& operator=(const CaptureGraphvizMessages&) = delete;
  ~CaptureGraphvizMessages() {
    agseterrf(previous_handler_);
    agseterr(previous_level_);
  }

 private:
  agerrlevel_t previous_level_;
  agusererrf previous_handler_;
};

[[noreturn]] void fail(const std::string& what) {
  std::string message = "stage graph: " + what;
  if (!graphviz_messages().empty()) message += ": " + graphviz_messages();
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  throw std::runtime_error(message);
}

// cgraph's default ID discipline uses the address of the interned name as a named object's ID,
// and keeps subgraphs ordered by ID, so clusters came out in a different order from one call to
// the next. Handing out IDs in creation order makes the SVG the same for the same report. (Only
// declining to map names, so cgraph keeps them in its internal map, also orders them but leaks
// that map's entries on agclose in 2.43.) These functions are called from C: nothing may throw.
struct SequentialIds {
  std::unordered_map<std::string, IDTYPE> ids;
  std::unordered_map<IDTYPE, std::string> names;  // node-based: name pointers stay valid
  IDTYPE next_named = 2;                          // even for named objects, odd for anonymous
  IDTYPE next_anonymous = 1;
};

void* open_ids(Agraph_t*, Agdisc_t*) noexcept {
  try {
    return new SequentialIds;
  } catch (...) {
    return nullptr;
  }
}

long map_id(void* state, int, char* name, IDTYPE* id, int create) noexcept {
  auto* ids = static_cast<SequentialIds*>(state);
  if (ids == nullptr) return 0;
  if (name == nullptr) {
    if (!create) return 0;
    *id = ids->next_anonymous;
    ids->next_anonymous += 2;
    return 1;
  }
  try {
    const auto found = ids->ids.find(name);
    if (found != ids->ids.end()) {
      *id = found->second;
      return 1;
    }
    if (!create) return 0;
    const IDTYPE fresh = ids->next_named;
    ids->names.emplace(fresh, name);
    ids->ids.emplace(name, fresh);
    ids->next_named += 2;
    *id = fresh;
    return 1;
  } catch (...) {
    return 0;
  }
}

// IDs chosen by the caller (agidnode and friends); nothing here asks for them.
long alloc_id(void*, int, IDTYPE) noexcept {
  return 0;
}

// Names live until the graph is closed: the same name may stand for a node and a subgraph.
void free_id(void*, int, IDTYPE) noexcept {}

char* print_id(void* state, int, IDTYPE id) noexcept {
  auto* ids = static_cast<SequentialIds*>(state);
  if (ids == nullptr) return nullptr;
  const auto found = ids->names.find(id);
  return found == ids->names.end() ? nullptr : found->second.data();
}

void close_ids(void* state) noexcept {
  delete static_cast<SequentialIds*>(state);
}

void register_id(void*, int, void*) noexcept {}

Agdisc_t* graph_discipline() {
  static Agiddisc_t ids{&open_ids, &map_id, &alloc_id, &free_id, &print_id, &close_ids, &register_id};
  static Agdisc_t discipline{&AgMemDisc, &ids, &AgIoDisc};
  return &discipline;
}

// The cgraph API takes char* throughout; these copy into buffers it may keep or write.
class Graph {
 public:
  explicit Graph(const std::string& name) {
    std::string buffer = name;
    handle_.reset(agopen(buffer.data(), Agdirected, graph_discipline()));
    if (!handle_) fail("agopen failed");
  }

  Agraph_t* root() const { return handle_.get(); }

  // Defaults for every object of a kind (AGRAPH, AGNODE, AGEDGE) in the graph.
  void default_attribute(int kind, const std::string& name, const std::string& value) {
    std::string name_buffer = name;
    std::string value_buffer = value;
    agattr(root(), kind, name_buffer.data(), value_buffer.data());
  }

  static void set(void* object, const std::string& name, const std::string& value) {
    std::string name_buffer = name;
    std::string value_buffer = value;
    std::string default_buffer;
    agsafeset(object, name_buffer.data(), value_buffer.data(), default_buffer.data());
  }

  Agraph_t* subgraph(const std::string& name) {
    std::string buffer = name;
    return agsubg(root(), buffer.data(), 1);
  }

  static Agnode_t* node(Agraph_t* graph, const std::string& name) {
    std::string buffer = name;
    return agnode(graph, buffer.data(), 1);
  }

  // Anonymous, so two artifacts between the same pair of stages become two edges.
  Agedge_t* edge(Agnode_t* tail, Agnode_t* head) { return agedge(root(), tail, head, nullptr, 1); }

 private:
  GraphHandle handle_;
};

// Lays out with dot and returns the SVG without what makes it a standalone document (XML
// declaration, DOCTYPE, generator comments), so it can sit inside an HTML page.
std::string render_svg(GVC_t* gvc, Agraph_t* graph) {
  if (gvLayout(gvc, graph, "dot") != 0) fail("dot layout failed");
  const Layout layout(gvc, graph);
  char* raw = nullptr;
  unsigned int length = 0;
  const int status = gvRenderData(gvc, graph, "svg", &raw, &length);
  const RenderData data(raw);
  if (status != 0 || raw == nullptr) fail("SVG rendering failed");
  const std::string_view svg(raw, length);
  const std::size_t start = svg.find("<svg");
  if (start == std::string_view::npos) fail("Graphviz produced no <svg> element");
  return std::string(svg.substr(start));
}

// One context for the whole process, freed at exit: the pango text-layout plugin keeps a pointer
// into a context's font table in a static and compares against it in the next context, which
// valgrind showed as a use-after-free with a context per call. Only used with graphviz_mutex held.
//
// Only dot and the SVG renderer are loaded, when they can be found: the default context loads
// every installed plugin, and its pango text layout measured each label through fontconfig and
// harfbuzz, over half of what drawing a small graph cost (200 record graphs: 0.11 s with it,
// 0.05 s without). Without a text-layout plugin Graphviz sizes labels with its built-in
// Helvetica metrics, the font the SVG names and the one browsers substitute metric-compatible
// fonts for (Arial, Liberation Sans), where pango measured whatever font the server had.
GVC_t* new_context() {
  struct Plugin {
    const char* file;
    const char* library_symbol;
  };
  static constexpr std::array<Plugin, 2> kPlugins = {{
      {CF_GRAPHVIZ_PLUGIN_DIR "/libgvplugin_dot_layout.so." CF_GRAPHVIZ_PLUGIN_ABI,
       "gvplugin_dot_layout_LTX_library"},
      {CF_GRAPHVIZ_PLUGIN_DIR "/libgvplugin_core.so." CF_GRAPHVIZ_PLUGIN_ABI, "gvplugin_core_LTX_library"},
  }};
  // Static: the context keeps a pointer to this table (ended by a null entry).
  static std::array<lt_symlist_t, kPlugins.size() + 1> builtins{};
  for (std::size_t i = 0; i < kPlugins.size(); ++i) {
    // Never closed: the context keeps pointers into it for the life of the process.
    void* library = ::dlopen(kPlugins[i].file, RTLD_NOW | RTLD_LOCAL);
    void* address = library == nullptr ? nullptr : ::dlsym(library, kPlugins[i].library_symbol);
    if (address == nullptr) return gvContext();
    builtins[i] = lt_symlist_t{kPlugins[i].library_symbol, address};
  }
  // No configuration file is read, so nothing else is loaded.
  return gvContextPlugins(builtins.data(), 0);
}

GVC_t* shared_context() {
  static const Context context(new_context());
  if (!context) fail("gvContext failed");
  return context.get();
}

// Everything one drawing needs: the lock, the message capture and the graph, released in the
// reverse order.
class Drawing {
 public:
  explicit Drawing(const std::string& name) : lock_(graphviz_mutex()), gvc_(shared_context()), graph_(name) {
    graph_.default_attribute(AGRAPH, "fontname", "Helvetica");
    graph_.default_attribute(AGRAPH, "fontsize", "12");
    graph_.default_attribute(AGRAPH, "labeljust", "l");
    graph_.default_attribute(AGNODE, "fontname", "Helvetica");
    graph_.default_attribute(AGNODE, "fontsize", "11");
    graph_.default_attribute(AGNODE, "shape", "box");
    graph_.default_attribute(AGEDGE, "fontname", "Helvetica");
    graph_.default_attribute(AGEDGE, "fontsize", "10");
    graph_.default_attribute(AGEDGE, "color", "#555555");
  }

  Graph& graph() { return graph_; }
  std::string svg() { return render_svg(gvc_, graph_.root()); }

 private:
  std::lock_guard<std::mutex> lock_;
  CaptureGraphvizMessages capture_;
  GVC_t* gvc_;
  Graph graph_;
};

// ---------------------------------------------------------------------------------------------
// Shared pieces of the drawings

std::string stage_node_name(std::size_t stage) {
  return "s" + std::to_string(stage);
}

// Executed stages did work in this run, loaded ones came from the cache, skipped ones were not
// needed; the border tells them apart at a glance.
void style_stage(Agnode_t* node, const StageView& stage) {
  Graph::set(node, "label", label({label_line(stage.name), label_line("(" + stage.action + ")")}));
  Graph::set(node, "fillcolor", "white");
  if (stage.action == "execute") {
    Graph::set(node, "style", "filled,bold");
    Graph::set(node, "penwidth", "2");
  } else if (stage.action == "skip") {
    Graph::set(node, "style", "filled,dashed");
    Graph::set(node, "color", "#999999");
    Graph::set(node, "fontcolor", "#777777");
  } else {
    Graph::set(node, "style", "filled");
  }
}

void placeholder(Agraph_t* graph, const std::string& name, const std::string& text) {
  Agnode_t* node = Graph::node(graph, name);
  Graph::set(node, "label", label_line(text));
  Graph::set(node, "shape", "plaintext");
  Graph::set(node, "fontcolor", "#777777");
}

void style_cluster(Agraph_t* cluster, const std::string& text, std::size_t record) {
  Graph::set(cluster, "label", label_line(text));
  Graph::set(cluster, "style", "filled,rounded");
  Graph::set(cluster, "fillcolor", record_colour(record));
  Graph::set(cluster, "color", "#aaaaaa");
}

std::string record_title(const RecordView& record) {
  return std::to_string(record.id) + ": " + record.name;
}

// Too many stage calls for dot to finish in reasonable time: one node per record, edges where
// artifacts cross records; with too many records even for that, only a notice.
std::string summary_graph_svg(const RunReport& report) {
  std::map<std::size_t, std::size_t> calls_per_record;
  std::unordered_map<std::size_t, std::size_t> record_of_stage;
  for (const RecordView& record : report.records) calls_per_record.emplace(record.id, 0);
  for (const StageView& stage : report.stages) {
    ++calls_per_record[stage.record];
    record_of_stage.emplace(stage.id, stage.record);
  }
  const std::string counts = std::to_string(report.stages.size()) + " stage calls in " +
                             std::to_string(calls_per_record.size()) + " records";

  if (calls_per_record.size() > kMaxSummaryRecords) {
    const std::string title = "Not drawn: " + counts + ", too many for a graph";
    Drawing drawing(title);
    Graph::set(drawing.graph().root(), "id", "cf_stage_graph");
    placeholder(drawing.graph().root(), "notice", title);
    return drawing.svg();
  }

  const std::string title = "Summary: " + counts + ", too many to draw one by one; one node per record";
  Drawing drawing(title);
  Graph& graph = drawing.graph();
  Graph::set(graph.root(), "rankdir", "LR");
  Graph::set(graph.root(), "label", label_line(title));
  Graph::set(graph.root(), "labelloc", "t");
  Graph::set(graph.root(), "id", "cf_stage_graph");

  std::unordered_map<std::size_t, Agnode_t*> nodes;
  const auto add_record = [&](std::size_t id, const std::string& title_text) {
    Agnode_t* node = Graph::node(graph.root(), "r" + std::to_string(id));
    const std::size_t calls = calls_per_record.at(id);
    Graph::set(node, "label",
               label({label_line(title_text),
                      label_line(std::to_string(calls) + (calls == 1 ? " stage call" : " stage calls"))}));
    Graph::set(node, "style", "filled,rounded");
    Graph::set(node, "fillcolor", record_colour(id));
    nodes[id] = node;
  };
  for (const RecordView& record : report.records) add_record(record.id, record_title(record));
  for (const auto& [id, calls] : calls_per_record) {
    if (!nodes.contains(id)) add_record(id, std::to_string(id));
  }

  std::set<std::pair<std::size_t, std::size_t>> links;
  for (const StageView& stage : report.stages) {
    for (const StageView::Source& source : stage.sources) {
      const auto from = record_of_stage.find(source.stage);
      if (from != record_of_stage.end() && from->second != stage.record) {
        links.emplace(from->second, stage.record);
      }
    }
  }
  for (const auto& [from, to] : links) graph.edge(nodes.at(from), nodes.at(to));
  return drawing.svg();
}

}  // namespace

std::string full_graph_svg(const RunReport& report) {
  if (report.stages.size() > kMaxDetailedStageCalls || report.records.size() > kMaxDetailedRecords) {
    return summary_graph_svg(report);
  }

  Drawing drawing("stage graph");
  Graph& graph = drawing.graph();
  // Records usually have a few stages and runs many records: left to right stacks the records
  // vertically, which suits a scrolling page.
  Graph::set(graph.root(), "rankdir", "LR");
  Graph::set(graph.root(), "id", "cf_stage_graph");

  std::unordered_map<std::size_t, Agraph_t*> clusters;
  for (const RecordView& record : report.records) {
    Agraph_t* cluster = graph.subgraph("cluster_" + std::to_string(record.id));
    // Subgraphs start with their parent's attribute values, the graph's id included.
    Graph::set(cluster, "id", "cf_stage_graph_record_" + std::to_string(record.id));
    style_cluster(cluster, record_title(record), record.id);
    clusters[record.id] = cluster;
  }

  std::unordered_map<std::size_t, Agnode_t*> nodes;
  std::set<std::size_t> records_with_stages;
  for (const StageView& stage : report.stages) {
    const auto cluster = clusters.find(stage.record);
    // A stage of a record the report does not list is still drawn, just outside any cluster.
    Agraph_t* parent = cluster != clusters.end() ? cluster->second : graph.root();
    Agnode_t* node = Graph::node(parent, stage_node_name(stage.id));
    style_stage(node, stage);
    nodes[stage.id] = node;
    records_with_stages.insert(stage.record);
  }

  // dot does not draw empty clusters.
  for (const RecordView& record : report.records) {
    if (!records_with_stages.contains(record.id)) {
      placeholder(clusters.at(record.id), "empty" + std::to_string(record.id), "(no stage calls)");
    }
  }

  for (const StageView& stage : report.stages) {
    for (const StageView::Source& source : stage.sources) {
      const auto tail = nodes.find(source.stage);
      if (tail == nodes.end()) continue;
      Agedge_t* edge = graph.edge(tail->second, nodes.at(stage.id));
      Graph::set(edge, "label", label_line(source.artifact));
    }
  }

  if (report.records.empty() && report.stages.empty()) placeholder(graph.root(), "empty", "(no stage calls)");
  return drawing.svg();
}

std::string record_graph_svg(const RunReport& report, std::size_t record) {
  Drawing drawing("record " + std::to_string(record));
  Graph& graph = drawing.graph();
  // Left at dot's top to bottom, unlike the full graph: stage and output nodes alternate, and
  // side by side a chain of a few stages with 40-character previews would be wider than a page.
  Graph::set(graph.root(), "id", "cf_record_graph_" + std::to_string(record));

  std::unordered_map<std::size_t, const StageView*> stages_by_id;
  for (const StageView& stage : report.stages) stages_by_id.emplace(stage.id, &stage);

  std::unordered_map<std::size_t, Agnode_t*> stage_nodes;
  // (stage, artifact name) -> its output node, for edges into the stages that read it.
  std::map<std::pair<std::size_t, std::string>, Agnode_t*> output_nodes;
  for (const StageView& stage : report.stages) {
    if (stage.record != record) continue;
    Agnode_t* node = Graph::node(graph.root(), stage_node_name(stage.id));
    style_stage(node, stage);
    stage_nodes[stage.id] = node;
    for (std::size_t i = 0; i < stage.outputs.size(); ++i) {
      const OutputView& output = stage.outputs[i];
      Agnode_t* output_node =
          Graph::node(graph.root(), "o" + std::to_string(stage.id) + "_" + std::to_string(i));
      const std::string file = std::filesystem::path(output.path).filename().string();
      Graph::set(output_node, "label",
                 label({label_line(output.name),
                        label_line(truncate_text(clean_text(output.preview), kPreviewCodePoints)),
                        label_line(file)}));
      Graph::set(output_node, "shape", "ellipse");
      Graph::set(output_node, "style", "filled");
      Graph::set(output_node, "fillcolor", record_colour(record));
      Graph::set(graph.edge(node, output_node), "arrowsize", "0.7");
      output_nodes.emplace(std::pair{stage.id, output.name}, output_node);
    }
  }

  std::unordered_map<std::size_t, Agnode_t*> foreign_nodes;
  for (const StageView& stage : report.stages) {
    if (stage.record != record) continue;
    Agnode_t* head = stage_nodes.at(stage.id);
    for (const StageView::Source& source : stage.sources) {
      const auto producer = stages_by_id.find(source.stage);
      if (producer != stages_by_id.end() && producer->second->record == record) {
        const auto output = output_nodes.find({source.stage, source.artifact});
        if (output != output_nodes.end()) {
          graph.edge(output->second, head);
        } else {
          // The producer did not list the artifact among its outputs: draw the hand-over directly.
          Graph::set(graph.edge(stage_nodes.at(source.stage), head), "label", label_line(source.artifact));
        }
        continue;
      }
      auto foreign = foreign_nodes.find(source.stage);
      if (foreign == foreign_nodes.end()) {
        Agnode_t* node = Graph::node(graph.root(), "x" + std::to_string(source.stage));
        const std::string text =
            producer != stages_by_id.end()
                ? std::to_string(producer->second->record) + ": " + producer->second->name
                : "stage call " + std::to_string(source.stage);
        Graph::set(node, "label", label_line(text));
        Graph::set(node, "style", "dashed");
        Graph::set(node, "color", "#999999");
        foreign = foreign_nodes.emplace(source.stage, node).first;
      }
      Agedge_t* edge = graph.edge(foreign->second, head);
      Graph::set(edge, "label", label_line(source.artifact));
      Graph::set(edge, "style", "dashed");
    }
  }

  if (stage_nodes.empty()) placeholder(graph.root(), "empty", "(no stage calls)");
  return drawing.svg();
}

}  // namespace cf::reports
