// Writing text as shell words: for command lines the store and reports show (and a user may
// paste back), the editor invocation, and Slurm job scripts.
#pragma once

#include <string>
#include <string_view>

namespace cf::host {

// `text` as one single-quoted word; nothing in it expands.
std::string shell_quote(std::string_view text);

// `text` as it is when the shell would read it as one plain word, else single-quoted, so a
// shown command stays readable.
std::string shell_word(std::string_view text);

}  // namespace cf::host
