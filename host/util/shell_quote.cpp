#include "util/shell_quote.hpp"

namespace cf::host {

std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += '\'';
  return quoted;
}

std::string shell_word(std::string_view text) {
  const bool plain =
      !text.empty() && text.find_first_of(" \t\n\"'$\\;&|<>*?()[]{}`!#~") == std::string_view::npos;
  return plain ? std::string(text) : shell_quote(text);
}

}  // namespace cf::host
