#include "cache/checksum.hpp"

#include "support/scratch_folder.hpp"
#include "util/error.hpp"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <string>

namespace cf::host {
namespace {

using test::ScratchFolder;

// The reference value, formatted through xxHash's own canonical (big-endian) representation
// rather than the code under test.
std::string reference(std::string_view bytes) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(bytes.data(), bytes.size()));
  std::string text = "xxh3-128:";
  constexpr char kHex[] = "0123456789abcdef";
  for (const unsigned char byte : canonical.digest) {
    text += kHex[byte >> 4];
    text += kHex[byte & 0xf];
  }
  return text;
}

TEST(Checksum, KnownValues) {
  // What `xxhsum -H2` prints for an empty file (XXH3-128, seed 0).
  EXPECT_EQ(bytes_checksum(""), "xxh3-128:99aa06d3014798d86001c324468d497f");
  EXPECT_EQ(bytes_checksum(""), reference(""));
  const std::string text = "Curifactory caches every stage output.";
  EXPECT_EQ(bytes_checksum(text), reference(text));
  EXPECT_EQ(bytes_checksum(text).size(), 9u + 32u);
}

TEST(Checksum, FileAndBytesAgree) {
  const ScratchFolder scratch;
  const std::string contents("binary\0\xff bytes", 14);
  const auto file = scratch.write("artifact.msgpack", contents);
  EXPECT_EQ(file_checksum(file), bytes_checksum(contents));
  EXPECT_EQ(file_checksum(scratch.write("empty", "")), bytes_checksum(""));
}

TEST(Checksum, OneChangedByteChangesIt) {
  std::string contents(1000, 'a');
  const std::string before = bytes_checksum(contents);
  contents[500] = 'b';
  EXPECT_NE(bytes_checksum(contents), before);
}

TEST(Checksum, MultiChunkFile) {
  // 3.5 MiB of varying bytes: spans several 1 MiB reads and ends in a partial one.
  std::string contents((std::size_t{7} << 20) / 2, '\0');
  std::uint32_t state = 12345;
  for (char& c : contents) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>(state >> 24);
  }
  const ScratchFolder scratch;
  const auto file = scratch.write("big.bin", contents);
  EXPECT_EQ(file_checksum(file), reference(contents));
  EXPECT_EQ(file_checksum(file), bytes_checksum(contents));
}

TEST(Checksum, UnreadableFileNamesThePath) {
  const ScratchFolder scratch;
  try {
    file_checksum(scratch.path() / "gone.msgpack");
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("gone.msgpack: cannot be read: No such file or directory"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cf::host
