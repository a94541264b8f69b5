// cf::cacher(...).option(key, value): every value with a JSON form is accepted as written and
// reaches the cacher as that JSON; the types that have none are refused at compile time
// (tests/compile/ holds the declarations that must not compile).
#include <curifactory/curifactory.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cacher_option_test {

struct Window {
  int width = 3;
  std::string kind = "hann";
};
CF_PARAMS(Window, width, kind);

struct Opaque {};

// What one option becomes in the options object the host passes to the cacher.
template <class V>
std::string option_json(const V& value) {
  return cf::cacher("json").option("k", value).options_json();
}

// The compile-time half: what the SDK accepts and refuses, checked as the compiler sees it.
static_assert(cf::detail::is_option_value_v<decltype("lists")>);
static_assert(cf::detail::is_option_value_v<const char*>);
static_assert(cf::detail::is_option_value_v<char*>);
static_assert(cf::detail::is_option_value_v<std::string>);
static_assert(cf::detail::is_option_value_v<std::string_view>);
static_assert(cf::detail::is_option_value_v<const std::string&>);
static_assert(cf::detail::is_option_value_v<bool>);
static_assert(cf::detail::is_option_value_v<int>);
static_assert(cf::detail::is_option_value_v<std::uint8_t>);
static_assert(cf::detail::is_option_value_v<std::uint64_t>);
static_assert(cf::detail::is_option_value_v<long long>);
static_assert(cf::detail::is_option_value_v<float>);
static_assert(cf::detail::is_option_value_v<double>);
static_assert(cf::detail::is_option_value_v<std::nullptr_t>);
static_assert(cf::detail::is_option_value_v<std::vector<int>>);
static_assert(cf::detail::is_option_value_v<std::vector<std::string>>);
static_assert(cf::detail::is_option_value_v<std::map<std::string, double>>);
static_assert(cf::detail::is_option_value_v<std::optional<int>>);
static_assert(cf::detail::is_option_value_v<Window>);
static_assert(!cf::detail::is_option_value_v<Opaque>);
static_assert(!cf::detail::is_option_value_v<int*>);
static_assert(!cf::detail::is_option_value_v<const void*>);
static_assert(!cf::detail::is_option_value_v<char>);
static_assert(!cf::detail::is_option_value_v<wchar_t>);
static_assert(!cf::detail::is_option_value_v<decltype(L"lists")>);
static_assert(!cf::detail::is_option_value_v<std::vector<Opaque>>);
static_assert(!cf::detail::is_option_value_v<std::vector<char>>);
static_assert(!cf::detail::is_option_value_v<std::map<int, int>>);

TEST(CacherOption, StringsOfEveryKindAreJsonStrings) {
  EXPECT_EQ(option_json("lists"), R"({"k":"lists"})");
  const char* pointer = "lists";
  EXPECT_EQ(option_json(pointer), R"({"k":"lists"})");
  EXPECT_EQ(option_json(std::string("lists")), R"({"k":"lists"})");
  EXPECT_EQ(option_json(std::string_view("lists and more").substr(0, 5)), R"({"k":"lists"})");
  EXPECT_EQ(option_json(std::string("a \"quoted\"\npath")), R"({"k":"a \"quoted\"\npath"})");
  EXPECT_EQ(option_json(""), R"({"k":""})");
}

TEST(CacherOption, ACharBufferEndsAtItsFirstNul) {
  char buffer[16] = "lists";
  EXPECT_EQ(option_json(buffer), R"({"k":"lists"})");
  const char full[3] = {'a', 'b', 'c'};  // no NUL at all: the whole array is the text
  EXPECT_EQ(option_json(full), R"({"k":"abc"})");
}

TEST(CacherOption, ANullCStringAndNullptrAreNull) {
  const char* none = nullptr;
  EXPECT_EQ(option_json(none), R"({"k":null})");
  EXPECT_EQ(option_json(nullptr), R"({"k":null})");
}

TEST(CacherOption, NumbersAndBooleansKeepTheirJsonType) {
  EXPECT_EQ(option_json(true), R"({"k":true})");
  EXPECT_EQ(option_json(false), R"({"k":false})");
  EXPECT_EQ(option_json(9), R"({"k":9})");
  EXPECT_EQ(option_json(-3L), R"({"k":-3})");
  EXPECT_EQ(option_json(std::uint8_t{200}), R"({"k":200})");
  EXPECT_EQ(option_json(std::uint64_t{18446744073709551615ULL}), R"({"k":18446744073709551615})");
  EXPECT_EQ(option_json(0.25), R"({"k":0.25})");
  EXPECT_EQ(option_json(1.5f), R"({"k":1.5})");
}

TEST(CacherOption, ListsMapsOptionalsAndStructs) {
  EXPECT_EQ(option_json(std::vector<int>{1, 2}), R"({"k":[1,2]})");
  EXPECT_EQ(option_json(std::map<std::string, std::string>{{"a", "b"}}), R"({"k":{"a":"b"}})");
  EXPECT_EQ(option_json(std::optional<int>{}), R"({"k":null})");
  EXPECT_EQ(option_json(Window{}), R"({"k":{"width":3,"kind":"hann"}})");
}

TEST(CacherOption, OptionsKeepTheirOrderAndSubdirIsOneOfThem) {
  const cf::cacher json = cf::cacher("json").option("arrays", "lists").option("indent", 0).subdir("scores");
  EXPECT_EQ(json.name(), "json");
  EXPECT_EQ(json.options_json(), R"({"arrays":"lists","indent":0,"subdir":"scores"})");
  EXPECT_EQ(cf::cacher("raw").options_json(), "{}");
}

}  // namespace cacher_option_test
