#include "completion/completion_script.hpp"

#include "completion/embedded_scripts.hpp"
#include "util/error.hpp"

namespace cf::host {

std::string_view completion_script(const std::string& shell) {
  if (shell == "bash") return bash_completion_script();
  if (shell == "zsh") return zsh_completion_script();
  throw UserError("completion: no script for shell '" + shell + "' (use " + kCompletionShells + ")");
}

}  // namespace cf::host
