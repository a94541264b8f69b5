// File operations behind the report writer. Reports are read (by people and by the report
// server) while runs write them, so nothing ever appears half-written: every file goes to a
// temporary name in its own folder and is renamed into place. Errors are std::runtime_error
// naming the file the caller asked for.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace cf::reports {

// Replaces `target` with `contents`, creating its folder when needed.
void write_file_atomically(const std::filesystem::path& target, std::string_view contents);

// Replaces `target` with a copy of `source`.
void copy_file_atomically(const std::filesystem::path& source, const std::filesystem::path& target);

// Makes `link` a symbolic link to `target` (stored as given, so a relative target keeps working
// when the folder is moved), replacing an earlier link in one step.
void point_symlink_atomically(const std::filesystem::path& link, const std::filesystem::path& target);

// The whole file. Throws std::runtime_error "<path>: cannot be read: <reason>".
std::string read_whole_file(const std::filesystem::path& path);

}  // namespace cf::reports
