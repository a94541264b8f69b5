#include "plugin/loaded_plugin.hpp"

#include "plugin/string_sink.hpp"
#include "support/error_of.hpp"
#include "support/scratch_folder.hpp"
#include "util/error.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace cf::host {
namespace {

using test::ScratchFolder;
using test::test_plugin;

using test::contains;
using test::error_of;

TEST(LoadedPlugin, CallsBothEntryPointsOfAnExperimentWithParams) {
  const LoadedPlugin plugin(test_plugin("listed_experiment"));
  EXPECT_TRUE(plugin.metadata().is_experiment);
  StringSink out;
  StringSink error;
  ASSERT_EQ(plugin.params().get_params(out.sink(), error.sink()), CF_OK) << error.text;
  EXPECT_EQ(out.text,
            R"([{"name":"first","a":5,"b":2.5,"label":"x"},{"name":"second","a":1,"b":2.5,"label":"x"}])");
  EXPECT_NE(plugin.experiment().run, nullptr);
}

TEST(LoadedPlugin, NormalizeCompletesDefaults) {
  const LoadedPlugin plugin(test_plugin("listed_experiment"));
  StringSink out;
  StringSink error;
  const std::string set = R"({"name":"partial","b":7})";
  ASSERT_EQ(plugin.experiment().normalize_params(cf_str{set.data(), set.size()}, out.sink(), error.sink()),
            CF_OK)
      << error.text;
  // b is a double written as the integer 7: the value is 7.0, its hash term the int Python read.
  EXPECT_EQ(out.text, R"({"name":"partial","a":1,"b":7.0,"label":"x",)"
                      R"("hash_representations":{"a":"1","b":"7","label":"'x'"}})");
}

TEST(LoadedPlugin, ExceptionsComeBackAsErrorMessages) {
  const LoadedPlugin plugin(test_plugin("throwing_experiment"));
  StringSink error;
  const std::string sets = R"([{"name":"x"}])";
  cf_host_api host{};
  host.struct_size = sizeof(cf_host_api);
  host.abi_version = CF_ABI_VERSION;
  EXPECT_EQ(plugin.experiment().run(&host, cf_str{sets.data(), sets.size()}, error.sink()), CF_ERROR);
  EXPECT_EQ(error.text, "boom in run");
}

TEST(LoadedPlugin, MissingEntryPointIsAClearError) {
  const LoadedPlugin plugin(test_plugin("missing_entry"));
  const std::string error = error_of([&] { plugin.experiment(); });
  EXPECT_TRUE(contains(error, "missing_entry.so: missing entry point 'curifactory_experiment'")) << error;

  const LoadedPlugin experiment_only(test_plugin("nested_experiment"));
  EXPECT_TRUE(
      contains(error_of([&] { experiment_only.params(); }), "missing entry point 'curifactory_params'"));
}

TEST(LoadedPlugin, WrongAbiInMetadataIsRefusedBeforeLoading) {
  const std::string error = error_of([] { LoadedPlugin plugin(test_plugin("wrong_abi_metadata")); });
  EXPECT_TRUE(contains(error, "wrong_abi_metadata.so: built for plugin ABI version 999")) << error;
}

TEST(LoadedPlugin, WrongAbiAtTheEntryPointIsRefused) {
  const LoadedPlugin plugin(test_plugin("wrong_abi_entry"));
  const std::string error = error_of([&] { plugin.experiment(); });
  EXPECT_TRUE(contains(
      error, "wrong_abi_entry.so: entry point 'curifactory_experiment' reports plugin ABI version 2"))
      << error;
}

TEST(LoadedPlugin, NonElfAndTruncatedFilesAreClearErrors) {
  ScratchFolder folder;
  const auto text = folder.write("notes.so", "# not a library\n");
  EXPECT_TRUE(contains(error_of([&] { LoadedPlugin p(text); }), "notes.so: not an ELF file"));
  const auto source = test_plugin("listed_experiment");
  const auto cut = folder.truncated_copy(source, std::filesystem::file_size(source) / 2, "cut.so");
  const std::string error = error_of([&] { LoadedPlugin p(cut); });
  EXPECT_TRUE(contains(error, "cut.so: truncated ELF file")) << error;
}

TEST(LoadedPlugin, LoadingRunsStaticInitializers) {
  // The counterpart of the `ls` test: the marker plugin does leave its marker when loaded, so
  // its absence after `ls` means something.
  ScratchFolder folder;
  const auto marker = folder.path() / "marker";
  ::setenv("CF_TEST_MARKER", marker.c_str(), 1);
  {
    const LoadedPlugin plugin(test_plugin("marker_experiment"));
    EXPECT_TRUE(std::filesystem::exists(marker));
  }
  ::unsetenv("CF_TEST_MARKER");
}

}  // namespace
}  // namespace cf::host
