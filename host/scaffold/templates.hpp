// The files `experiment init` writes, edited as templates/*.in beside this header and compiled
// in at build time (curifactory_embed_text in host/CMakeLists.txt). @NAME@ marks a value that
// init fills in (replace_markers).
#pragma once

#include <string_view>

namespace cf::host {

std::string_view project_cmake_template();       // CMakeLists.txt
std::string_view example_experiment_template();  // <experiments>/example.cpp
std::string_view example_params_template();      // <experiments>/example_params.hpp
std::string_view example_sweep_template();       // <params>/example_sweep.cpp

}  // namespace cf::host
