// `experiment completion bash|zsh`: the shell completion script for the command.
#pragma once

#include <string>
#include <string_view>

namespace cf::host {

inline constexpr const char* kCompletionShells = "bash or zsh";

// The script for `shell`; throws UserError naming the shell when it is neither bash nor zsh.
std::string_view completion_script(const std::string& shell);

}  // namespace cf::host
