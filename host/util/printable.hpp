// Text from a user's file, made safe to quote in a one-line error message.
#pragma once

#include <string>
#include <string_view>

namespace cf::host {

// `text` with its control characters escaped (\n, \r, \t, else \xNN), so a quoted key, value or
// field from a file cannot break a message over several lines or hide part of it.
std::string printable(std::string_view text);

}  // namespace cf::host
