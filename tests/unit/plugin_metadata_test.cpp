#include "plugin/plugin_metadata.hpp"

#include "support/scratch_folder.hpp"
#include "util/error.hpp"

#include <curifactory/abi.h>
#include <gtest/gtest.h>

using namespace std::string_literals;

namespace cf::host {
namespace {

using test::test_plugin;

TEST(PluginMetadata, ParsesRecordsOfSeveralKinds) {
  const auto section =
      "{\"curifactory_abi\":1,\"sdk\":\"0.1.0\",\"description\":\"Says \\\"hi\\\"\"}\0\0\0"
      "{\"curifactory_abi\":1,\"sdk\":\"0.1.0\",\"kind\":\"experiment\"}\0"
      "{\"curifactory_abi\":1,\"sdk\":\"0.1.0\",\"kind\":\"cacher\",\"name\":\"zstd\"}\0"s;
  const PluginMetadata metadata = parse_plugin_metadata(section);
  EXPECT_EQ(metadata.abi_version, 1);
  EXPECT_EQ(metadata.sdk_version, "0.1.0");
  EXPECT_EQ(metadata.description, "Says \"hi\"");
  EXPECT_TRUE(metadata.is_experiment);
  EXPECT_FALSE(metadata.is_params);
  EXPECT_TRUE(metadata.is_cacher);
  EXPECT_EQ(metadata.cacher_name, "zstd");
}

TEST(PluginMetadata, RejectsMalformedRecords) {
  EXPECT_THROW(parse_plugin_metadata(""), UserError);
  EXPECT_THROW(parse_plugin_metadata("{not json"s), UserError);
  EXPECT_THROW(parse_plugin_metadata("{\"kind\":\"experiment\"}"s), UserError);
  EXPECT_THROW(parse_plugin_metadata("{\"curifactory_abi\":1,\"kind\":\"spaceship\"}"s), UserError);
  EXPECT_THROW(parse_plugin_metadata("{\"curifactory_abi\":1}\0{\"curifactory_abi\":2}"s), UserError);
}

// Found by fuzzing: a kind holding a newline made the error span two lines.
TEST(PluginMetadata, AnUnknownKindIsQuotedOnOneLine) {
  try {
    parse_plugin_metadata("{\"curifactory_abi\":1,\"kind\":\"exp\\nerim\\u0001ent\"}"s);
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "unknown plugin kind 'exp\\nerim\\x01ent'");
  }
}

TEST(PluginMetadata, ReadsTheSdkWrittenRecords) {
  const PluginMetadata metadata = read_plugin_metadata(test_plugin("listed_experiment"));
  EXPECT_EQ(metadata.abi_version, CF_ABI_VERSION);
  EXPECT_EQ(metadata.description, "Lists under both headings");
  EXPECT_TRUE(metadata.is_experiment);
  EXPECT_TRUE(metadata.is_params);
  EXPECT_FALSE(metadata.is_cacher);
  // CF_EXPERIMENT records its own source file, for the stale-plugin warning.
  EXPECT_EQ(metadata.source, std::string(CF_SOURCE_DIR) + "/tests/plugins/listed_experiment.cpp");
  // curifactory_add_plugin records every source of the target, made absolute.
  ASSERT_EQ(metadata.sources.size(), 1u);
  EXPECT_EQ(metadata.sources[0],
            std::filesystem::path(CF_SOURCE_DIR) / "tests/plugins/listed_experiment.cpp");
}

TEST(PluginMetadata, SourcesAreOneALineAndRelativeOnesTakeTheSourceFolder) {
  const auto section =
      "{\"curifactory_abi\":1,\"kind\":\"experiment\"}\0"
      "{\"curifactory_abi\":1,\"sources\":\"heat/main.cpp\\n/abs/solver.cpp\\n\\nsub/../util.cpp\","
      "\"source_dir\":\"/project\"}\0"s;
  const PluginMetadata metadata = parse_plugin_metadata(section);
  ASSERT_EQ(metadata.sources.size(), 3u);
  EXPECT_EQ(metadata.sources[0], "/project/heat/main.cpp");
  EXPECT_EQ(metadata.sources[1], "/abs/solver.cpp");
  EXPECT_EQ(metadata.sources[2], "/project/util.cpp");
  // Without a folder, relative sources stay relative (and the stale check passes them over).
  EXPECT_EQ(parse_plugin_metadata("{\"curifactory_abi\":1,\"sources\":\"a.cpp\"}"s).sources,
            std::vector<std::filesystem::path>{"a.cpp"});
}

// A shared library built without the SDK is no plugin: nothing to read, and no error either.
TEST(PluginMetadata, ALibraryWithoutMetadataIsNoPlugin) {
  EXPECT_FALSE(read_plugin_metadata_if_any(test_plugin("plain_library")));
  EXPECT_THROW(read_plugin_metadata(test_plugin("plain_library")), UserError);
  test::ScratchFolder folder;
  EXPECT_THROW(read_plugin_metadata_if_any(folder.write("text.so", "not ELF")), UserError);
}

TEST(PluginMetadata, WrongAbiVersionIsRefused) {
  try {
    read_plugin_metadata(test_plugin("wrong_abi_metadata"));
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("built for plugin ABI version 999"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cf::host
