#include "fuzz_targets.hpp"

namespace cf::fuzz {

void expect_one_line(std::string_view what, std::string_view message) {
  if (message.empty()) throw Finding(std::string(what) + ": empty error message");
  if (message.find_first_of("\r\n") != std::string_view::npos) {
    throw Finding(std::string(what) + ": error message spans several lines: " + std::string(message));
  }
}

}  // namespace cf::fuzz
