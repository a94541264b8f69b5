// The completion scripts, edited as experiment.bash and experiment.zsh beside this header and
// compiled in at build time (curifactory_embed_text in host/CMakeLists.txt).
#pragma once

#include <string_view>

namespace cf::host {

std::string_view bash_completion_script();
std::string_view zsh_completion_script();

}  // namespace cf::host
