// Reportables: what a stage shows in the run's HTML report, next to the stage graph.
//
//   r.report(cf::reportable::table("scores", {"model", "R^2"}, {{"ridge", 0.93}, {"knn", 0.88}}));
//   r.report(cf::reportable::line_plot("loss", {{"train", epochs, train_loss}}).axes("epoch", "loss"));
//   r.report(cf::reportable::image("residuals", "plots/residuals.png").in_group("diagnostics"));
//
// A report is only possible while a stage runs (the host files it under that stage and caches
// it beside the stage's outputs, so a cache hit shows it again).
#pragma once

#include <curifactory/json.hpp>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace cf {

class Reportable {
 public:
  Reportable(std::string kind, std::string name, std::string payload_json)
      : kind_(std::move(kind)), name_(std::move(name)), payload_(std::move(payload_json)) {}

  // Reportables of one group are shown together in the report.
  Reportable& in_group(std::string group) & {
    group_ = std::move(group);
    return *this;
  }
  Reportable&& in_group(std::string group) && { return std::move(in_group(std::move(group))); }

  const std::string& kind() const { return kind_; }
  const std::string& name() const { return name_; }
  const std::string& group() const { return group_; }
  const std::string& payload_json() const { return payload_; }

 protected:
  std::string kind_;
  std::string name_;
  std::string group_;
  std::string payload_;
};

namespace reportable {

namespace detail {
inline void string(json_writer& w, const std::string& text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}
inline std::string finish(rapidjson::StringBuffer& buffer) {
  return {buffer.GetString(), buffer.GetSize()};
}
}  // namespace detail

// Any value the SDK maps to JSON (numbers, strings, vectors, maps, CF_PARAMS/CF_FIELDS structs).
template <class T>
Reportable json(std::string name, const T& value) {
  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  w.StartObject();
  w.Key("value");
  to_json(w, value);
  w.EndObject();
  return Reportable("json", std::move(name), detail::finish(buffer));
}

// One cell of a table.
using cell = std::variant<std::nullptr_t, bool, std::int64_t, double, std::string>;

struct table_cell {
  cell value;
  table_cell(std::nullptr_t) : value(nullptr) {}                    // NOLINT: cells convert implicitly
  table_cell(bool b) : value(b) {}                                  // NOLINT
  table_cell(int i) : value(static_cast<std::int64_t>(i)) {}        // NOLINT
  table_cell(long i) : value(static_cast<std::int64_t>(i)) {}       // NOLINT
  table_cell(long long i) : value(static_cast<std::int64_t>(i)) {}  // NOLINT
  table_cell(double d) : value(d) {}                                // NOLINT
  table_cell(float f) : value(static_cast<double>(f)) {}            // NOLINT
  table_cell(const char* s) : value(std::string(s)) {}              // NOLINT
  table_cell(std::string s) : value(std::move(s)) {}                // NOLINT
};

// Rows of cells under named columns; numbers are shown with `precision` digits after the point.
inline Reportable table(std::string name, const std::vector<std::string>& columns,
                        const std::vector<std::vector<table_cell>>& rows, int precision = 3) {
  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  w.StartObject();
  w.Key("columns");
  w.StartArray();
  for (const auto& column : columns) detail::string(w, column);
  w.EndArray();
  w.Key("rows");
  w.StartArray();
  for (const auto& row : rows) {
    w.StartArray();
    for (const auto& c : row) {
      std::visit(
          [&](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, std::nullptr_t>) {
              w.Null();
            } else if constexpr (std::is_same_v<V, bool>) {
              w.Bool(v);
            } else if constexpr (std::is_same_v<V, std::int64_t>) {
              w.Int64(v);
            } else if constexpr (std::is_same_v<V, double>) {
              w.Double(v);
            } else {
              detail::string(w, v);
            }
          },
          c.value);
    }
    w.EndArray();
  }
  w.EndArray();
  w.Key("precision");
  w.Int(precision);
  w.EndObject();
  return Reportable("table", std::move(name), detail::finish(buffer));
}

struct series {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
};

class line_plot_builder : public Reportable {
 public:
  line_plot_builder(std::string name, std::vector<series> lines)
      : Reportable("line_plot", std::move(name), ""), series_(std::move(lines)) {
    rebuild();
  }
  line_plot_builder& axes(std::string x_label, std::string y_label) & {
    x_label_ = std::move(x_label);
    y_label_ = std::move(y_label);
    rebuild();
    return *this;
  }
  line_plot_builder&& axes(std::string x_label, std::string y_label) && {
    return std::move(axes(std::move(x_label), std::move(y_label)));
  }
  line_plot_builder& title(std::string text) & {
    title_ = std::move(text);
    rebuild();
    return *this;
  }
  line_plot_builder&& title(std::string text) && { return std::move(title(std::move(text))); }

 private:
  void rebuild() {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    w.Key("title");
    detail::string(w, title_);
    w.Key("x_label");
    detail::string(w, x_label_);
    w.Key("y_label");
    detail::string(w, y_label_);
    w.Key("series");
    w.StartArray();
    for (const auto& line : series_) {
      w.StartObject();
      w.Key("name");
      detail::string(w, line.name);
      w.Key("x");
      to_json(w, line.x);
      w.Key("y");
      to_json(w, line.y);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    payload_ = detail::finish(buffer);
  }
  std::vector<series> series_;
  std::string title_;
  std::string x_label_;
  std::string y_label_;
};

// One or several named series of (x, y) points.
inline line_plot_builder line_plot(std::string name, std::vector<series> lines) {
  return line_plot_builder(std::move(name), std::move(lines));
}

// An image file (png, jpg, gif, svg); the host copies it into the cache at once, so the report
// still shows it after the original is deleted.
inline Reportable image(std::string name, const std::filesystem::path& file) {
  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  w.StartObject();
  w.Key("path");
  detail::string(w, std::filesystem::absolute(file).string());
  w.EndObject();
  return Reportable("image", std::move(name), detail::finish(buffer));
}

// HTML inserted into the report as is (the author's own markup: not escaped).
inline Reportable html(std::string name, const std::string& markup) {
  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  w.StartObject();
  w.Key("html");
  detail::string(w, markup);
  w.EndObject();
  return Reportable("html", std::move(name), detail::finish(buffer));
}

// Plain text, shown preformatted.
inline Reportable text(std::string name, const std::string& content) {
  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  w.StartObject();
  w.Key("text");
  detail::string(w, content);
  w.EndObject();
  return Reportable("text", std::move(name), detail::finish(buffer));
}

}  // namespace reportable
}  // namespace cf
