// One reportable rendered for the run page.
#pragma once

#include "report_model.hpp"

#include <filesystem>
#include <string>

namespace cf::reports {

// The body of the reportable's box, by kind (report_model.hpp): JSON pretty-printed and text
// preformatted, both escaped; tables with their number precision; line plots as inline SVG;
// raw HTML as is; an image as <img src="`image_source`">, a path relative to the page that the
// writer has already filled. Throws std::runtime_error saying what is wrong with a payload that
// does not fit its kind, or naming an unknown kind.
std::string reportable_body_html(const Reportable& reportable, const std::string& image_source);

// The file an "image" reportable shows. Throws std::runtime_error when the payload names none.
std::filesystem::path image_file_of(const Reportable& reportable);

}  // namespace cf::reports
