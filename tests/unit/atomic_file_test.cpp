#include "cache/atomic_file.hpp"

#include "support/error_of.hpp"
#include "support/scratch_folder.hpp"
#include "util/error.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace cf::host {
namespace {

using test::ScratchFolder;

using test::contains;
using test::error_of;

std::vector<std::string> entries(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(AtomicFile, ReplacesTheTargetAndLeavesNothingElse) {
  const ScratchFolder scratch;
  const auto target = scratch.write("out/artifact.msgpack", "old contents");
  write_text_atomically(target, "new contents");
  EXPECT_EQ(read_file(target), "new contents");
  EXPECT_EQ(entries(target.parent_path()), std::vector<std::string>{"artifact.msgpack"});
}

TEST(AtomicFile, WriterGetsAHiddenTemporaryNextToTheTarget) {
  const ScratchFolder scratch;
  const auto target = scratch.write("artifact.msgpack", "old contents");
  std::filesystem::path seen;
  write_file_atomically(target, [&](const std::filesystem::path& temporary) {
    seen = temporary;
    // Until the rename, readers of the target still see the old file.
    EXPECT_EQ(read_file(target), "old contents");
    std::ofstream(temporary, std::ios::binary) << "new contents";
  });
  EXPECT_EQ(seen.parent_path(), target.parent_path());
  EXPECT_EQ(seen.filename().string().rfind(".artifact.msgpack.tmp-", 0), 0u) << seen;
  EXPECT_FALSE(std::filesystem::exists(seen));
  EXPECT_EQ(read_file(target), "new contents");
}

TEST(AtomicFile, ThrowingWriterLeavesTheOldFileAndNoTemporary) {
  const ScratchFolder scratch;
  const auto target = scratch.write("artifact.msgpack", "old contents");
  const std::string error = error_of([&] {
    write_file_atomically(target, [](const std::filesystem::path& temporary) {
      std::ofstream(temporary, std::ios::binary) << "half of it";
      throw std::runtime_error("disk on fire");
    });
  });
  EXPECT_TRUE(contains(error, "artifact.msgpack: cannot be written: disk on fire")) << error;
  EXPECT_EQ(read_file(target), "old contents");
  EXPECT_EQ(entries(scratch.path()), std::vector<std::string>{"artifact.msgpack"});
}

TEST(AtomicFile, WriterThatCreatesNoFileIsAnError) {
  const ScratchFolder scratch;
  const auto target = scratch.path() / "never.bin";
  const std::string error =
      error_of([&] { write_file_atomically(target, [](const std::filesystem::path&) {}); });
  EXPECT_TRUE(contains(error, "never.bin: cannot be written:")) << error;
  EXPECT_TRUE(contains(error, "No such file or directory")) << error;
  EXPECT_FALSE(std::filesystem::exists(target));
  EXPECT_TRUE(entries(scratch.path()).empty());
}

TEST(AtomicFile, CreatesMissingParentFolders) {
  const ScratchFolder scratch;
  const auto target = scratch.path() / "a" / "b" / "c" / "file.txt";
  write_text_atomically(target, "deep");
  EXPECT_EQ(read_file(target), "deep");
}

TEST(AtomicFile, WritesEmptyAndBinaryContents) {
  const ScratchFolder scratch;
  const auto empty = scratch.path() / "empty";
  write_text_atomically(empty, "");
  EXPECT_EQ(read_file(empty), "");
  const std::string binary("\0\xff\x01zero\0", 8);
  write_text_atomically(scratch.path() / "binary", binary);
  EXPECT_EQ(read_file(scratch.path() / "binary"), binary);
}

TEST(AtomicFile, UnwritableFolderNamesTheTarget) {
  // Tests may run as root, which ignores permission bits; a regular file where a folder
  // should be blocks every user.
  const ScratchFolder scratch;
  const auto blocker = scratch.write("blocker", "a file, not a folder");
  const auto target = blocker / "sub" / "file.txt";
  const std::string error = error_of([&] { write_text_atomically(target, "x"); });
  EXPECT_TRUE(contains(error, "blocker/sub/file.txt: cannot be written: ")) << error;
  EXPECT_EQ(read_file(blocker), "a file, not a folder");

  const std::string direct = error_of([&] { write_text_atomically(blocker / "file.txt", "x"); });
  EXPECT_TRUE(contains(direct, "blocker/file.txt: cannot be written: ")) << direct;
  EXPECT_TRUE(contains(direct, "Not a directory")) << direct;
}

TEST(AtomicFile, ReadErrorsNameThePath) {
  const ScratchFolder scratch;
  const auto missing = scratch.path() / "missing.msgpack";
  const std::string error = error_of([&] { read_file(missing); });
  EXPECT_TRUE(contains(error, "missing.msgpack: cannot be read: No such file or directory")) << error;
  const std::string folder = error_of([&] { read_file(scratch.path()); });
  EXPECT_TRUE(contains(folder, "cannot be read: Is a directory")) << folder;
}

TEST(AtomicFile, ReadsInChunksOfTheGivenSize) {
  const ScratchFolder scratch;
  const auto file = scratch.write("ten", "0123456789");
  std::vector<std::string> chunks;
  read_file_chunks(file, 4, [&](std::string_view chunk) { chunks.emplace_back(chunk); });
  EXPECT_EQ(chunks, (std::vector<std::string>{"0123", "4567", "89"}));
}

}  // namespace
}  // namespace cf::host
