// `experiment init`: scaffolds a project in a folder (see scaffold_plan for what it writes).
//
// It never overwrites: a file that already exists with the contents init would write is kept
// as it is; one that differs stops init before anything is written, with an error naming it.
// .gitignore is the exception researchers expect: the missing lines are appended to it.
#pragma once

#include "scaffold/project_layout.hpp"

#include <filesystem>
#include <iosfwd>

namespace cf::host {

// Asks for the folders (unless `yes`), then writes the project into `folder` and tells `out`
// what it did and how to build and run the example. Throws UserError naming the file or flag.
void init_project(const std::filesystem::path& folder, const LayoutFlags& flags, bool yes, std::istream& in,
                  std::ostream& out);

}  // namespace cf::host
