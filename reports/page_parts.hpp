// Small pieces the run page, the index and the plots share.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cf::reports {

// One entry of RunSummary::param_files_json: a params file and the (name, hash) of each set the
// run took from it.
struct ParamFileSets {
  std::string file;
  std::vector<std::pair<std::string, std::string>> sets;
};

// nullopt when the text is not the expected shape; pages then show it verbatim (escaped) rather
// than dropping what the store recorded.
std::optional<std::vector<ParamFileSets>> parse_param_files(const std::string& json);

// Text up to the first line break: the short form of notes.
std::string first_line(std::string_view text);

// "cf-status-complete", "cf-status-error", "cf-status-incomplete"; anything else (a report
// folder from a newer version, a hand-edited run.json) gets "cf-status-unknown" so a stylesheet
// never meets an unexpected class name made from user data.
std::string status_class(std::string_view status);

// `value` with `digits` digits after the point ("3.14"); nan and inf spelled out.
std::string format_fixed(double value, int digits);

// `json` indented two spaces per level; nullopt when it does not parse.
std::optional<std::string> pretty_json(std::string_view json);
std::string pretty_json(const rapidjson::Value& value);

// Whether the store's git commit is an object id (hex digits). Anything else there is what the
// host recorded instead of one ("not a git repository") and is shown as text, not as a commit.
bool is_commit_id(std::string_view text);

// An id/fragment made from arbitrary text: letters, digits, '-', '_' and '.' kept, everything
// else '-', so it needs no escaping in either an attribute or a URL fragment.
std::string anchor_id(std::string_view text);

}  // namespace cf::reports
