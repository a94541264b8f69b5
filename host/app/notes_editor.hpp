// A bare --notes: the user writes the run's notes in their editor, as with `git commit`.
#pragma once

#include <string>

namespace cf::host {

// Opens $EDITOR (else the first of vim, nvim, emacs, nano, vi on PATH) on a template, then
// returns the text without its '#' lines and surrounding blank lines. Throws UserError naming
// --notes when no editor is found or the editor fails.
std::string edit_notes();

}  // namespace cf::host
