// What stages show in a report (engine/stage_reportables): checked as they arrive, named
// uniquely within the run, cached with the stage (images copied in, stored relative to the
// cache folder) and read back when the stage loads, with a warning for what cannot be shown.
#include "engine/stage_reportables.hpp"

#include "cache/cacher_registry.hpp"
#include "support/error_of.hpp"
#include "support/scratch_folder.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace cf::host {
namespace {

using test::error_of;

class StageReportablesTest : public ::testing::Test {
 protected:
  StageReportablesTest()
      : cachers_(std::vector<std::filesystem::path>{}), cache_(folder_.path() / "cache", "exp", cachers_) {
    node_.id = 4;
    node_.call.name = "show";
    node_.call.record = 1;
    node_.record_hash = "h1";
  }

  void add(StageReportables& into, const std::string& kind, const std::string& name,
           const std::string& payload, bool writes = true) {
    into.add(node_, "stage 'show' on record 1 ('a')", writes, kind, name, "", payload);
  }

  test::ScratchFolder folder_;
  CacherRegistry cachers_;
  ArtifactCache cache_;
  StageNode node_;
};

TEST_F(StageReportablesTest, BadReportablesAreNamedWithTheStage) {
  StageReportables reportables(cache_);
  EXPECT_EQ(error_of([&] { add(reportables, "movie", "clip", "{}"); }),
            "stage 'show' on record 1 ('a'): reportable 'clip' has unknown kind 'movie'");
  EXPECT_EQ(error_of([&] { add(reportables, "text", "a/b", "{}"); }),
            "stage 'show' on record 1 ('a'): a reportable needs a name without '/' or '\\', got 'a/b'");
  EXPECT_EQ(error_of([&] { add(reportables, "text", "note", "[1]"); }),
            "stage 'show' on record 1 ('a'): reportable 'note' sent a malformed payload");
  EXPECT_EQ(error_of([&] { add(reportables, "image", "pic", R"({"path":"/no/such.svg"})"); }),
            "stage 'show' on record 1 ('a'): image reportable 'pic': no such file /no/such.svg");
  EXPECT_TRUE(reportables.all().empty());
}

TEST_F(StageReportablesTest, NamesAreUniqueWithinTheRun) {
  StageReportables reportables(cache_);
  add(reportables, "text", "note", R"({"text":"one"})");
  add(reportables, "text", "note", R"({"text":"two"})");
  ASSERT_EQ(reportables.all().size(), 2u);
  EXPECT_EQ(reportables.all()[0].qualified_name, "1_show_note");
  EXPECT_EQ(reportables.all()[1].qualified_name, "1_show_note_2");
}

TEST_F(StageReportablesTest, SavedWithTheStageAndReadBackWhenItLoads) {
  const auto picture = folder_.write("picture.svg", "<svg/>");
  {
    StageReportables executed(cache_);
    add(executed, "text", "note", R"({"text":"hello"})");
    add(executed, "image", "pic", R"({"path":")" + picture.string() + "\"}");
    executed.save(node_);
  }
  // The image was copied into the cache: the report survives the original's deletion.
  std::filesystem::remove(picture);
  StageReportables loaded(cache_);
  std::vector<std::string> warnings;
  loaded.load(node_, "stage 'show' on record 1 ('a')", true,
              [&](cf_log_level, const std::string& message) { warnings.push_back(message); });
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(loaded.all().size(), 2u);
  EXPECT_EQ(loaded.all()[0].payload_json, R"({"text":"hello"})");
  const auto copy = cache_.reportables_folder("h1", "show") / "pic.svg";
  EXPECT_EQ(loaded.all()[1].payload_json, R"({"path":")" + copy.lexically_normal().string() + "\"}");
  EXPECT_TRUE(std::filesystem::exists(copy));
  StageGraph graph;
  graph.add_record("a", "h0", "{}");
  graph.add_record("b", "h1", "{}");
  std::vector<std::string> unused;
  for (int i = 0; i < 5; ++i) graph.add_stage(StageCall{1, "show", false, false, {}, {}, {}}, unused);
  EXPECT_EQ(loaded.files(graph).size(), 2u);  // the list and the image copy
}

TEST_F(StageReportablesTest, AnUnreadableCacheFileIsAWarning) {
  const auto file = cache_.reportables_file("h1", "show");
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << "not json";
  StageReportables loaded(cache_);
  std::vector<std::string> warnings;
  loaded.load(node_, "stage 'show' on record 1 ('a')", true,
              [&](cf_log_level, const std::string& message) { warnings.push_back(message); });
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], file.string() + ": unreadable reportables, not shown in the report");
  EXPECT_TRUE(loaded.all().empty());
}

}  // namespace
}  // namespace cf::host
