// Stage declarations as plugins send them (engine/stage_call_decoding): names, inputs and input
// records copied; each output's cacher resolved under --lazy and --ignore-lazy, its options split
// into the host's subdir and what the cacher sees, bad options and unknown cachers named with
// the stage; outputs read with the element size the plugin was built with.
#include "engine/stage_call_decoding.hpp"

#include "cache/cacher_registry.hpp"
#include "support/error_of.hpp"
#include "util/error.hpp"

#include <gtest/gtest.h>

#include <list>
#include <string>
#include <vector>

namespace cf::host {
namespace {

using test::error_of;

const std::filesystem::path kInstalled = CF_BINARY_DIR "/lib/curifactory/cachers";

cf_str view(const std::string& text) {
  return {text.data(), text.size()};
}

class StageCallDecoding : public ::testing::Test {
 protected:
  StageCallDecoding() : cachers_({kInstalled}) { record_.set_name = "a"; }

  cf_output_decl output(const std::string& name, const std::string& cacher, const std::string& options,
                        bool lazy = false) {
    strings_.push_back(name);
    const cf_str n = view(strings_.back());
    strings_.push_back(cacher);
    const cf_str c = view(strings_.back());
    strings_.push_back(options);
    return cf_output_decl{n, c, view(strings_.back()), lazy ? 1u : 0u};
  }
  OutputSpec decode(const cf_output_decl& declared, bool lazy_all = false, bool ignore_lazy = false) {
    return decode_output(declared, "stage 'fit' on record 0 ('a')", {cachers_, lazy_all, ignore_lazy});
  }

  CacherRegistry cachers_;
  RecordEntry record_;
  std::list<std::string> strings_;  // stable addresses for the views
};

TEST_F(StageCallDecoding, CopiesTheDeclaration) {
  const std::string name = "compare";
  const std::vector<std::string> input_names{"sum", "count"};
  const std::vector<cf_str> inputs{view(input_names[0]), view(input_names[1])};
  const std::vector<cf_output_decl> outputs{output("ranking", "raw", "")};
  const std::vector<uint64_t> records{0, 2};
  const cf_stage_decl decl{sizeof(cf_stage_decl),
                           CF_STAGE_AGGREGATE | CF_STAGE_SUPPRESS_MISSING_INPUTS,
                           view(name),
                           inputs.data(),
                           inputs.size(),
                           outputs.data(),
                           outputs.size(),
                           records.data(),
                           records.size(),
                           sizeof(cf_output_decl)};
  record_.id = 3;
  const StageCall call = decode_stage_call(record_, decl, {cachers_, false, false});
  EXPECT_EQ(call.record, 3u);
  EXPECT_EQ(call.name, "compare");
  EXPECT_TRUE(call.aggregate);
  EXPECT_TRUE(call.suppress_missing_inputs);
  EXPECT_EQ(call.inputs, input_names);
  ASSERT_EQ(call.outputs.size(), 1u);
  EXPECT_EQ(call.outputs[0].name, "ranking");
  EXPECT_EQ(call.input_records, (std::vector<std::size_t>{0, 2}));
}

TEST_F(StageCallDecoding, OptionsSplitIntoTheFolderAndTheCachersOwn) {
  const OutputSpec spec = decode(output("model", "zstd", R"({"subdir":"models","level":9})"));
  EXPECT_EQ(spec.subdir, "models");
  EXPECT_EQ(spec.cacher_options_json, R"({"level":9})");
  EXPECT_EQ(spec.options_json, R"({"subdir":"models","level":9})");
  EXPECT_EQ(decode(output("x", "raw", "")).options_json, "{}");
  const std::string where = "stage 'fit' on record 0 ('a'), output 'x'";
  EXPECT_EQ(error_of([&] { decode(output("x", "raw", "[1]")); }),
            where + ": cacher options are not a JSON object");
  EXPECT_EQ(error_of([&] { decode(output("x", "raw", R"({"subdir":3})")); }),
            where + ": cacher option 'subdir' must be a string");
  EXPECT_EQ(error_of([&] { decode(output("x", "raw", R"({"subdir":"../up"})")); }),
            where + ": cacher option 'subdir' must stay inside the cache folder");
  EXPECT_EQ(error_of([&] { decode(output("x", "raw", R"({"subdir":"/abs"})")); }),
            where + ": cacher option 'subdir' must stay inside the cache folder");
}

TEST_F(StageCallDecoding, LazyRulesAndTheDefaultCacher) {
  EXPECT_FALSE(decode(output("x", "raw", "")).lazy);
  EXPECT_TRUE(decode(output("x", "raw", "", true)).lazy);
  // A lazy output without a cacher is given the default one; --lazy does that for every output.
  EXPECT_EQ(decode(output("x", "", "", true)).cacher, kDefaultCacher);
  const OutputSpec forced = decode(output("x", "", ""), true);
  EXPECT_EQ(forced.cacher, kDefaultCacher);
  EXPECT_TRUE(forced.lazy);
  // --ignore-lazy keeps everything in memory and adds no cacher.
  const OutputSpec kept = decode(output("x", "", "", true), false, true);
  EXPECT_EQ(kept.cacher, "");
  EXPECT_FALSE(kept.lazy);
  EXPECT_EQ(decode(output("x", "", "")).cacher, "");
}

TEST_F(StageCallDecoding, AnUninstalledCacherIsNamedWithTheStage) {
  const std::string error = error_of([&] { decode(output("x", "parquet", "")); });
  EXPECT_EQ(
      error.rfind("stage 'fit' on record 0 ('a'), output 'x' names cacher 'parquet', which is not installed "
                  "(available: ",
                  0),
      0u)
      << error;
  EXPECT_NE(error.find("raw"), std::string::npos) << error;
}

// A future SDK may grow cf_output_decl: the host steps through the array by the size the plugin
// says, and reads the fields it knows.
TEST_F(StageCallDecoding, OutputsAreReadWithThePluginsElementSize) {
  struct Wider {
    cf_output_decl known;
    uint64_t added_later;
  };
  const std::vector<Wider> outputs{{output("a", "raw", ""), 1}, {output("b", "raw", ""), 2}};
  const std::string name = "fit";
  cf_stage_decl decl{sizeof(cf_stage_decl), 0,       view(name), nullptr,      0, &outputs[0].known,
                     outputs.size(),        nullptr, 0,          sizeof(Wider)};
  const StageCall call = decode_stage_call(record_, decl, {cachers_, false, false});
  ASSERT_EQ(call.outputs.size(), 2u);
  EXPECT_EQ(call.outputs[1].name, "b");
  // An SDK before the field: the array is of this host's cf_output_decl.
  const std::vector<cf_output_decl> plain{output("c", "raw", ""), output("d", "raw", "")};
  cf_stage_decl old{static_cast<uint32_t>(kStageDeclMinimumSize),
                    0,
                    view(name),
                    nullptr,
                    0,
                    plain.data(),
                    plain.size(),
                    nullptr,
                    0,
                    12345 /* beyond struct_size: never read */};
  EXPECT_EQ(decode_stage_call(record_, old, {cachers_, false, false}).outputs[1].name, "d");
  decl.output_decl_size = sizeof(cf_output_decl) - 1;
  EXPECT_THROW(decode_stage_call(record_, decl, {cachers_, false, false}), UserError);
}

}  // namespace
}  // namespace cf::host
