#include "cache/cacher_registry.hpp"

#include "cache/atomic_file.hpp"
#include "support/error_of.hpp"
#include "support/scratch_folder.hpp"
#include "util/error.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace cf::host {
namespace {

using test::ScratchFolder;
using test::test_plugin;

const std::filesystem::path kInstalled = CF_BINARY_DIR "/lib/curifactory/cachers";

using test::contains;
using test::error_of;

void copy_plugin(const std::string& name, const std::filesystem::path& target) {
  std::filesystem::create_directories(target.parent_path());
  std::filesystem::copy_file(test_plugin(name), target, std::filesystem::copy_options::overwrite_existing);
}

TEST(CacherRegistry, FindsTheBuiltRawCacher) {
  const CacherRegistry registry({kInstalled});
  EXPECT_TRUE(registry.has("raw"));
  EXPECT_FALSE(registry.has("ra"));
  EXPECT_EQ(registry.file("raw").filename(), "raw.so");
}

TEST(CacherRegistry, RawRoundTripsBytesThroughTheCAbi) {
  CacherRegistry registry({kInstalled});
  const cf_cacher_api& raw = registry.get("raw");
  EXPECT_STREQ(raw.name, "raw");
  EXPECT_STREQ(raw.extension, ".msgpack");
  EXPECT_EQ(&registry.get("raw"), &raw);  // loaded once

  const ScratchFolder scratch;
  const std::string artifact("\x93\x01\xa1x\xc4\x02\0\xff", 8);
  const auto path = scratch.path() / "stage" / "out.msgpack";
  write_file_atomically(path,
                        [&](const std::filesystem::path& temporary) { save(raw, temporary, artifact, ""); });
  EXPECT_EQ(read_file(path), artifact);
  EXPECT_EQ(load(raw, path, ""), artifact);
  // An option raw does not have is refused rather than ignored.
  EXPECT_EQ(error_of([&] { load(raw, path, R"({"level":1})"); }),
            "cacher 'raw' could not load " + path.string() +
                ": cacher 'raw' has no option 'level' (options: none)");
}

// A file larger than raw's read piece arrives whole and in order, in pieces the receiver can
// append to the buffer it reserved from the file's size (no single write of the whole file).
TEST(CacherRegistry, RawLoadsALargeFileInOrderedPieces) {
  CacherRegistry registry({kInstalled});
  const cf_cacher_api& raw = registry.get("raw");
  const ScratchFolder scratch;
  std::string artifact(3 * (std::size_t{1} << 20) + 12345, '\0');
  for (std::size_t i = 0; i < artifact.size(); ++i) artifact[i] = static_cast<char>((i * 7919) >> 3);
  const auto path = scratch.path() / "big.msgpack";
  write_file_atomically(path,
                        [&](const std::filesystem::path& temporary) { save(raw, temporary, artifact, ""); });

  struct Pieces {
    std::string text;
    std::size_t count = 0;
    std::size_t largest = 0;
  } pieces;
  const cf_sink sink{&pieces, [](void* ctx, const char* data, size_t size) {
                       auto& into = *static_cast<Pieces*>(ctx);
                       into.text.append(data, size);
                       ++into.count;
                       into.largest = std::max(into.largest, size);
                     }};
  EXPECT_EQ(load_size_hint(raw, path, ""), artifact.size());  // raw's own answer: exact
  load_into(raw, path, "", sink);
  EXPECT_EQ(pieces.text, artifact);
  EXPECT_GT(pieces.count, 1u);
  EXPECT_LT(pieces.largest, artifact.size());
  EXPECT_EQ(load(raw, path, ""), artifact);
}

TEST(CacherRegistry, CacherErrorsNameTheCacherAndPath) {
  CacherRegistry registry({kInstalled});
  const cf_cacher_api& raw = registry.get("raw");
  const ScratchFolder scratch;
  const auto missing = scratch.path() / "missing.msgpack";
  const std::string error = error_of([&] { load(raw, missing, ""); });
  EXPECT_TRUE(contains(error, "cacher 'raw' could not load ")) << error;
  EXPECT_TRUE(contains(error, "missing.msgpack: cannot be read: No such file or directory")) << error;

  const auto path = scratch.path() / "x.msgpack";
  const std::string malformed = error_of([&] { save(raw, path, "a", "{"); });
  EXPECT_TRUE(contains(malformed, "cacher 'raw' could not save ")) << malformed;
  EXPECT_TRUE(contains(malformed, "malformed cacher options JSON")) << malformed;
  EXPECT_TRUE(
      contains(error_of([&] { save(raw, path, "a", "[1]"); }), "cacher options must be a JSON object"));
}

TEST(CacherRegistry, UnknownNameListsTheAvailableOnes) {
  const ScratchFolder project;
  copy_plugin("shadow_cacher", project.path() / "cachers" / "shadow.so");
  copy_plugin("mismatched_cacher", project.path() / "cachers" / "mismatched.so");
  // Only the project's folder, so the answer does not depend on which cachers this build made.
  CacherRegistry registry({project.path() / "cachers"});
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"alpha", "raw"}));
  EXPECT_EQ(error_of([&] { registry.get("nope"); }), "unknown cacher 'nope' (available: alpha, raw)");
  EXPECT_EQ(error_of([&] { registry.file("nope"); }), "unknown cacher 'nope' (available: alpha, raw)");

  CacherRegistry empty({project.path() / "nowhere"});
  EXPECT_TRUE(empty.names().empty());
  const std::string none = error_of([&] { empty.get("raw"); });
  EXPECT_TRUE(contains(none, "unknown cacher 'raw' (no cachers found in ")) << none;
  EXPECT_TRUE(contains(none, "nowhere)")) << none;
}

TEST(CacherRegistry, ProjectCacherShadowsTheInstalledOne) {
  const ScratchFolder project;
  const auto shadow = project.path() / "cachers" / "my_raw.so";
  copy_plugin("shadow_cacher", shadow);

  CacherRegistry registry({project.path() / "cachers", kInstalled});
  EXPECT_EQ(registry.file("raw"), shadow);
  const cf_cacher_api& cacher = registry.get("raw");
  EXPECT_STREQ(cacher.extension, ".shadow");
  const auto path = project.path() / "artifact";
  save(cacher, path, "bytes", "");
  EXPECT_EQ(read_file(path), "shadow:bytes");
  EXPECT_EQ(load(cacher, path, "{}"), "bytes");

  // An exception inside the plugin comes back as a one-line error.
  const std::string error = error_of([&] { save(cacher, path, "bytes", R"({"fail":true})"); });
  EXPECT_TRUE(contains(error, "cacher 'raw' could not save ")) << error;
  EXPECT_TRUE(contains(error, "artifact: asked to fail second line")) << error;

  // Order decides, not the folder's name.
  CacherRegistry reversed({kInstalled, project.path() / "cachers"});
  EXPECT_STREQ(reversed.get("raw").extension, ".msgpack");
}

TEST(CacherRegistry, SkipsFilesThatAreNotCachersAndSubfolders) {
  const ScratchFolder project;
  const auto folder = project.path() / "cachers";
  project.write("cachers/bogus.so", "not an ELF file");
  project.write("cachers/truncated.so",
                "\x7f"
                "ELF");
  copy_plugin("listed_experiment", folder / "experiment.so");  // a plugin, but no cacher
  copy_plugin("wrong_abi_metadata", folder / "old.so");
  copy_plugin("shadow_cacher", folder / "nested" / "raw.so");  // not scanned: not recursive
  copy_plugin("shadow_cacher", folder / "raw.so.disabled");
  const CacherRegistry registry({folder});
  EXPECT_TRUE(registry.names().empty());
}

TEST(CacherRegistry, EntryPointMustAgreeWithMetadata) {
  const ScratchFolder project;
  copy_plugin("mismatched_cacher", project.path() / "cachers" / "mismatched.so");
  CacherRegistry registry({project.path() / "cachers"});
  ASSERT_TRUE(registry.has("alpha"));
  const std::string error = error_of([&] { registry.get("alpha"); });
  EXPECT_TRUE(
      contains(error, "mismatched.so: its metadata names cacher 'alpha' but its entry point names 'beta'"))
      << error;
  // Still refused the second time, not half-registered.
  EXPECT_TRUE(contains(error_of([&] { registry.get("alpha"); }), "entry point names 'beta'"));
}

TEST(CacherRegistry, DefaultFoldersPutTheProjectFirst) {
  const auto folders = default_cacher_folders("/work/project", "/opt/cf/bin/experiment");
  ASSERT_EQ(folders.size(), 2u);
  EXPECT_EQ(folders[0], std::filesystem::path("/work/project/cachers"));
  EXPECT_EQ(folders[1].generic_string().rfind("/opt/cf/", 0), 0u) << folders[1];
  EXPECT_TRUE(contains(folders[1].generic_string(), "/curifactory/cachers")) << folders[1];
  EXPECT_FALSE(contains(folders[1].generic_string(), "..")) << folders[1];

  // The build tree has the install layout, so a freshly built `experiment` finds raw.so.
  const auto built = default_cacher_folders("/work/project", CF_BINARY_DIR "/bin/experiment");
  EXPECT_TRUE(std::filesystem::equivalent(built[1], kInstalled)) << built[1];
}

TEST(CacherRegistry, CurrentExecutableIsThisTestBinary) {
  EXPECT_EQ(current_executable().filename(), "cf_unit_tests");
}

}  // namespace
}  // namespace cf::host
