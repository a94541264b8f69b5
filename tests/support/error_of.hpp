// The one-line message a host call fails with, for tests that check error texts.
#pragma once

#include "util/error.hpp"

#include <string>

namespace cf::test {

template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const host::UserError& e) {
    return e.what();
  }
  return "no error";
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace cf::test
