// The C side of a run (engine/host_api_adapter): each callback reaches its HostCalls method, no
// exception crosses the C ABI (each becomes CF_ERROR with its text in the error sink), and what
// the plugin hands over is checked before use, including a stage declaration of an older SDK.
#include "engine/host_api_adapter.hpp"
#include "engine/stage_call_decoding.hpp"
#include "util/error.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace cf::host {
namespace {

struct Sink {
  std::string text;
  cf_sink sink() {
    return {this, [](void* ctx, const char* data, size_t size) {
              static_cast<Sink*>(ctx)->text.append(data, size);
            }};
  }
};

class FakeCalls : public HostCalls {
 public:
  std::vector<std::string> seen;
  bool throw_std = false;
  bool throw_other = false;

  void plugin_log(cf_log_level, std::string_view message) override {
    fail();
    seen.push_back("log " + std::string(message));
  }
  std::size_t create_record(std::string_view params_json, std::optional<std::size_t> copy_of) override {
    fail();
    seen.push_back("record " + std::string(params_json) +
                   (copy_of ? " copy of " + std::to_string(*copy_of) : ""));
    return 7;
  }
  std::string record_params_hash(std::size_t record) const override { return record == 7 ? "abc" : ""; }
  void set_artifact(std::size_t record, std::string_view artifact) override {
    seen.push_back("set " + std::to_string(record) + " " + std::string(artifact));
  }
  void begin_stage(std::size_t record, const cf_stage_decl& decl, cf_stage_plan& plan) override {
    fail();
    seen.push_back("stage " + std::to_string(record) + " " + std::string(decl.name.data, decl.name.size));
    plan.action = CF_STAGE_EXECUTE;
  }
  void take_output(std::size_t stage, std::size_t output, std::string_view artifact) override {
    seen.push_back("output " + std::to_string(stage) + "/" + std::to_string(output) + " " +
                   std::string(artifact));
  }
  void load_output(std::size_t, std::size_t, cf_sink out) override { out.write(out.ctx, "bytes", 5); }
  std::uint64_t output_size_hint(std::size_t, std::size_t) override { return 42; }
  void end_stage(std::size_t stage, std::string_view failure) override {
    seen.push_back("end " + std::to_string(stage) + " " + std::string(failure));
  }
  void add_reportable(std::size_t, std::string kind, std::string name, std::string, std::string) override {
    seen.push_back("report " + kind + " " + name);
  }

 private:
  void fail() const {
    if (throw_std) throw std::runtime_error("the host said no");
    if (throw_other) throw 42;
  }
};

cf_str view(const std::string& text) {
  return {text.data(), text.size()};
}

TEST(HostApiAdapter, EachCallbackReachesItsMethod) {
  FakeCalls calls;
  const cf_host_api api = host_api_for(calls);
  EXPECT_EQ(api.struct_size, sizeof(cf_host_api));
  EXPECT_EQ(api.abi_version, static_cast<uint32_t>(CF_ABI_VERSION));
  EXPECT_EQ(api.flags, 0u);
  Sink hash;
  Sink error;
  uint64_t record = 0;
  const std::string params = R"({"name":"a"})";
  ASSERT_EQ(api.record_create(api.ctx, view(params), &record, hash.sink(), error.sink()), CF_OK)
      << error.text;
  EXPECT_EQ(record, 7u);
  EXPECT_EQ(hash.text, "abc");
  ASSERT_EQ(api.record_copy(api.ctx, 7, view(""), &record, hash.sink(), error.sink()), CF_OK);
  ASSERT_EQ(api.record_set(api.ctx, 7, view("x"), error.sink()), CF_OK);
  api.log(api.ctx, CF_LOG_INFO, view("hello"));
  const std::string name = "fit";
  cf_stage_decl decl{};
  decl.struct_size = sizeof(cf_stage_decl);
  decl.name = view(name);
  std::vector<uint8_t> lazy(1);
  cf_stage_plan plan{sizeof(cf_stage_plan), CF_STAGE_MAP, 0, lazy.data()};
  ASSERT_EQ(api.stage_begin(api.ctx, 7, &decl, &plan, error.sink()), CF_OK) << error.text;
  EXPECT_EQ(plan.action, static_cast<uint32_t>(CF_STAGE_EXECUTE));
  ASSERT_EQ(api.stage_output(api.ctx, 3, 0, view("blob"), error.sink()), CF_OK);
  Sink loaded;
  ASSERT_EQ(api.artifact_load(api.ctx, 3, 0, loaded.sink(), error.sink()), CF_OK);
  EXPECT_EQ(loaded.text, "bytes");
  uint64_t size = 0;
  ASSERT_EQ(api.artifact_size_hint(api.ctx, 3, 0, &size, error.sink()), CF_OK);
  EXPECT_EQ(size, 42u);
  ASSERT_EQ(api.report(api.ctx, 3, view("text"), view("note"), view(""), view("{}"), error.sink()), CF_OK);
  ASSERT_EQ(api.stage_end(api.ctx, 3, view(""), error.sink()), CF_OK);
  EXPECT_EQ(calls.seen,
            (std::vector<std::string>{R"(record {"name":"a"})", "record  copy of 7", "set 7 x", "log hello",
                                      "stage 7 fit", "output 3/0 blob", "report text note", "end 3 "}));
  EXPECT_EQ(error.text, "");
}

TEST(HostApiAdapter, NoExceptionCrossesTheBoundary) {
  FakeCalls calls;
  const cf_host_api api = host_api_for(calls);
  uint64_t record = 0;
  Sink error;
  calls.throw_std = true;
  EXPECT_EQ(api.record_create(api.ctx, view(""), &record, {}, error.sink()), CF_ERROR);
  EXPECT_EQ(error.text, "the host said no");
  EXPECT_NO_THROW(api.log(api.ctx, CF_LOG_INFO, view("dropped")));
  calls.throw_std = false;
  calls.throw_other = true;
  Sink other;
  EXPECT_EQ(api.record_create(api.ctx, view(""), &record, {}, other.sink()), CF_ERROR);
  EXPECT_EQ(other.text, "unknown host failure");
  // A caller without an error sink still gets the status.
  EXPECT_EQ(api.record_create(api.ctx, view(""), &record, {}, cf_sink{nullptr, nullptr}), CF_ERROR);
}

TEST(HostApiAdapter, WhatThePluginHandsOverIsChecked) {
  FakeCalls calls;
  const cf_host_api api = host_api_for(calls);
  Sink error;
  EXPECT_EQ(api.record_create(api.ctx, view(""), nullptr, {}, error.sink()), CF_ERROR);
  EXPECT_EQ(error.text, "the plugin made a record without a place for its id");
  Sink hint;
  EXPECT_EQ(api.artifact_size_hint(api.ctx, 0, 0, nullptr, hint.sink()), CF_ERROR);
  EXPECT_EQ(hint.text, "the plugin asked for an artifact's size without a place to put it");

  std::vector<uint8_t> lazy(1);
  cf_stage_plan plan{sizeof(cf_stage_plan), CF_STAGE_MAP, 0, lazy.data()};
  Sink null_decl;
  EXPECT_EQ(api.stage_begin(api.ctx, 0, nullptr, &plan, null_decl.sink()), CF_ERROR);
  EXPECT_EQ(null_decl.text, "the plugin declared a stage with a malformed structure (SDK and host disagree)");
  cf_stage_decl decl{};
  decl.struct_size = kStageDeclMinimumSize - 1;
  Sink small;
  EXPECT_EQ(api.stage_begin(api.ctx, 0, &decl, &plan, small.sink()), CF_ERROR);
  EXPECT_NE(small.text.find("malformed structure"), std::string::npos);
  // A declaration from an SDK before output_decl_size existed is still good.
  decl.struct_size = kStageDeclMinimumSize;
  Sink old;
  EXPECT_EQ(api.stage_begin(api.ctx, 0, &decl, &plan, old.sink()), CF_OK) << old.text;
}

}  // namespace
}  // namespace cf::host
