#include "reportable_html.hpp"

#include "html.hpp"
#include "page_parts.hpp"
#include "plot_svg.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

namespace cf::reports {
namespace {

[[noreturn]] void invalid(const Reportable& reportable, const std::string& what) {
  throw std::runtime_error(reportable.kind + " reportable: " + what);
}

rapidjson::Document parse_payload(const Reportable& reportable) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseNanAndInfFlag>(reportable.payload_json.c_str(),
                                                 reportable.payload_json.size());
  if (document.HasParseError()) {
    invalid(reportable, std::string("payload is not valid JSON: ") +
                            rapidjson::GetParseError_En(document.GetParseError()) + " at offset " +
                            std::to_string(document.GetErrorOffset()));
  }
  if (!document.IsObject()) invalid(reportable, "payload is not a JSON object");
  return document;
}

const rapidjson::Value& member(const Reportable& reportable, const rapidjson::Value& object,
                               const char* key) {
  const auto found = object.FindMember(key);
  if (found == object.MemberEnd()) invalid(reportable, std::string("payload has no '") + key + "'");
  return found->value;
}

std::string string_member(const Reportable& reportable, const rapidjson::Value& object, const char* key) {
  const auto& value = member(reportable, object, key);
  if (!value.IsString()) invalid(reportable, std::string("'") + key + "' is not a string");
  return {value.GetString(), value.GetStringLength()};
}

// NaN and infinities come through as the literals they were parsed from, instead of failing.
constexpr unsigned kWriteFlags = rapidjson::kWriteNanAndInfFlag;

std::string compact_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::CrtAllocator,
                    kWriteFlags>
      writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

std::string json_body(const Reportable& reportable) {
  const auto document = parse_payload(reportable);
  return "<pre class=\"cf-json\">" + escape_html(pretty_json(member(reportable, document, "value"))) +
         "</pre>";
}

std::string table_cell(const rapidjson::Value& cell, int precision) {
  if (cell.IsString())
    return "<td>" + escape_html(std::string_view(cell.GetString(), cell.GetStringLength())) + "</td>";
  // Integers stay integers (counts, epochs); only fractional numbers take the precision.
  if (cell.IsInt64()) return "<td class=\"cf-num\">" + std::to_string(cell.GetInt64()) + "</td>";
  if (cell.IsUint64()) return "<td class=\"cf-num\">" + std::to_string(cell.GetUint64()) + "</td>";
  if (cell.IsNumber()) return "<td class=\"cf-num\">" + format_fixed(cell.GetDouble(), precision) + "</td>";
  if (cell.IsBool()) return std::string("<td>") + (cell.GetBool() ? "true" : "false") + "</td>";
  if (cell.IsNull()) return "<td class=\"cf-null\"></td>";
  return "<td><code>" + escape_html(compact_json(cell)) + "</code></td>";
}

std::string table_body(const Reportable& reportable) {
  const auto document = parse_payload(reportable);
  int precision = 3;
  const auto found = document.FindMember("precision");
  if (found != document.MemberEnd()) {
    if (!found->value.IsInt() || found->value.GetInt() < 0)
      invalid(reportable, "'precision' is not a count of digits");
    precision = found->value.GetInt();
  }
  std::string html = "<div class=\"cf-table-wrap\"><table class=\"cf-table\">\n";
  const auto columns = document.FindMember("columns");
  if (columns != document.MemberEnd() && !columns->value.IsNull()) {
    if (!columns->value.IsArray()) invalid(reportable, "'columns' is not a list");
    html += "<thead><tr>";
    for (const auto& column : columns->value.GetArray()) {
      html += "<th>" +
              escape_html(column.IsString() ? std::string(column.GetString(), column.GetStringLength())
                                            : compact_json(column)) +
              "</th>";
    }
    html += "</tr></thead>\n";
  }
  const auto& rows = member(reportable, document, "rows");
  if (!rows.IsArray()) invalid(reportable, "'rows' is not a list");
  html += "<tbody>\n";
  for (const auto& row : rows.GetArray()) {
    if (!row.IsArray()) invalid(reportable, "a row is not a list");
    html += "<tr>";
    for (const auto& cell : row.GetArray()) html += table_cell(cell, precision);
    html += "</tr>\n";
  }
  html += "</tbody></table></div>";
  return html;
}

}  // namespace

std::filesystem::path image_file_of(const Reportable& reportable) {
  const auto document = parse_payload(reportable);
  const auto path = string_member(reportable, document, "path");
  if (path.empty()) invalid(reportable, "'path' is empty");
  return path;
}

std::string reportable_body_html(const Reportable& reportable, const std::string& image_source) {
  const auto& kind = reportable.kind;
  if (kind == "json") return json_body(reportable);
  if (kind == "table") return table_body(reportable);
  if (kind == "line_plot")
    return "<div class=\"cf-plot-wrap\">" + line_plot_svg(reportable.payload_json) + "</div>";
  if (kind == "image") {
    return "<img class=\"cf-image\" src=\"" + escape_html(image_source) + "\" alt=\"" +
           escape_html(reportable.name) + "\">";
  }
  if (kind == "html") {
    const auto document = parse_payload(reportable);
    // The author's own markup: inserting it unescaped is the point of this kind.
    return "<div class=\"cf-html\">" + string_member(reportable, document, "html") + "</div>";
  }
  if (kind == "text") {
    const auto document = parse_payload(reportable);
    return "<pre class=\"cf-text\">" + escape_html(string_member(reportable, document, "text")) + "</pre>";
  }
  throw std::runtime_error("unknown reportable kind '" + kind + "'");
}

}  // namespace cf::reports
