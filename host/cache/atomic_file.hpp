// Writing cache files so that a crash, a full disk or a failing cacher never leaves a
// half-written file under the final name: the data goes to a hidden temporary file in the same
// folder (so the rename cannot cross file systems), is flushed to disk, and only then renamed
// over the target. Readers therefore see either the old file or the complete new one.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace cf::host {

// Creates the parent folders of `target`, calls `write` with a fresh temporary path next to it
// (`.<filename>.tmp-<pid>-<counter>`), then fsyncs that file, renames it over `target` and
// fsyncs the folder. If `write` throws or a step fails, the temporary file is removed, the
// previous `target` is left untouched, and UserError "<target>: cannot be written: <reason>"
// is thrown.
void write_file_atomically(const std::filesystem::path& target,
                           const std::function<void(const std::filesystem::path& temporary)>& write);

// The two halves of write_file_atomically, for callers that defer the slow part (fsync) to
// another thread: write_temporary creates the folders and calls `write` with a fresh temporary
// path (removed again if `write` fails), returning it; commit_temporary fsyncs it and renames
// it over `target` (removing it on failure); sync_folder_of makes renames in the folder of
// `file` durable. Each throws UserError naming `target`.
std::filesystem::path write_temporary(
    const std::filesystem::path& target,
    const std::function<void(const std::filesystem::path& temporary)>& write);
void commit_temporary(const std::filesystem::path& temporary, const std::filesystem::path& target);
// The other order, for callers that must not lose a finished file to a crash that comes before
// its fsync: rename_into_place renames the complete temporary over `target` at once (removing
// the temporary on failure), and sync_placed_file makes it durable later. Until then a power
// loss may leave the file short under its final name, which is why cache files carry checksums.
void rename_into_place(const std::filesystem::path& temporary, const std::filesystem::path& target);
void sync_placed_file(const std::filesystem::path& file);
void sync_folder_of(const std::filesystem::path& file);
std::filesystem::path write_text_temporary(const std::filesystem::path& target, std::string_view contents);

// write_file_atomically with `contents` as the file's bytes.
void write_text_atomically(const std::filesystem::path& target, std::string_view contents);

// The whole file. Throws UserError "<path>: cannot be read: <reason>".
std::string read_file(const std::filesystem::path& path);

// Hands the file to `consume` in pieces of at most `chunk_size` bytes, so a file larger than
// memory can be hashed or copied. Throws UserError "<path>: cannot be read: <reason>"; an
// exception from `consume` propagates unchanged.
void read_file_chunks(const std::filesystem::path& path, std::size_t chunk_size,
                      const std::function<void(std::string_view chunk)>& consume);

}  // namespace cf::host
