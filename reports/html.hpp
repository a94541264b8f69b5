// HTML escaping: every text from user data goes through here before it reaches a page.
#pragma once

#include <string>
#include <string_view>

namespace cf::reports {

// & < > " ' as entities; safe in element text and in quoted attribute values.
std::string escape_html(std::string_view text);

}  // namespace cf::reports
