#include "plugin/elf_section.hpp"

#include "support/scratch_folder.hpp"
#include "util/error.hpp"

#include <curifactory/abi.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace cf::host {
namespace {

using test::ScratchFolder;
using test::test_plugin;

std::string error_of(const std::filesystem::path& file) {
  try {
    read_elf_section(file, CF_METADATA_SECTION);
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ElfSection, ReadsTheMetadataSection) {
  const auto section = read_elf_section(test_plugin("listed_experiment"), CF_METADATA_SECTION);
  ASSERT_TRUE(section.has_value());
  EXPECT_NE(section->find("\"description\":\"Lists under both headings\""), std::string::npos);
  EXPECT_NE(section->find("\"kind\":\"experiment\""), std::string::npos);
  EXPECT_NE(section->find("\"kind\":\"params\""), std::string::npos);
}

TEST(ElfSection, AbsentSectionIsNullopt) {
  EXPECT_FALSE(read_elf_section(test_plugin("listed_experiment"), ".no_such_section").has_value());
}

TEST(ElfSection, WorksOnAStrippedPlugin) {
  ScratchFolder folder;
  const auto copy = folder.path() / "stripped.so";
  std::filesystem::copy_file(test_plugin("listed_experiment"), copy);
  ASSERT_EQ(std::system(("strip --strip-all " + copy.string()).c_str()), 0);
  const auto section = read_elf_section(copy, CF_METADATA_SECTION);
  ASSERT_TRUE(section.has_value());
  EXPECT_NE(section->find("Lists under both headings"), std::string::npos);
}

TEST(ElfSection, NonElfFile) {
  ScratchFolder folder;
  EXPECT_EQ(error_of(folder.write("text.so", "this is not a shared object\n")), "not an ELF file");
  EXPECT_EQ(error_of(folder.write("tiny.so",
                                  "\x7f"
                                  "EL")),
            "not an ELF file");
  EXPECT_EQ(error_of(folder.write("empty.so", "")), "not an ELF file");
}

TEST(ElfSection, TruncatedFilesAreErrorsAtEveryCut) {
  ScratchFolder folder;
  const auto source = test_plugin("listed_experiment");
  const auto size = std::filesystem::file_size(source);
  // Section headers sit at the end of the file, so every proper prefix lacks them.
  for (std::size_t cut : {std::size_t{20}, std::size_t{64}, std::size_t{100}, std::size_t{4096},
                          static_cast<std::size_t>(size / 2), static_cast<std::size_t>(size - 1)}) {
    const auto file = folder.truncated_copy(source, cut, "cut_" + std::to_string(cut) + ".so");
    const std::string error = error_of(file);
    EXPECT_NE(error.find("truncated"), std::string::npos) << "cut at " << cut << ": " << error;
  }
}

TEST(ElfSection, MissingFile) {
  EXPECT_NE(error_of("/nonexistent/plugin.so").find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace cf::host
