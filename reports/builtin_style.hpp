// The stylesheet reports use when the project configures none: reports/style.css, compiled
// into the library at build time (embed_text.cmake) so the host needs no data files installed.
#pragma once

#include <string_view>

namespace cf::reports {

std::string_view builtin_style_css();

}  // namespace cf::reports
