// Cacher options that have no JSON form. This file must not compile: each declaration below is
// to fail with the SDK's one static_assert message and nothing else (expect_compile_errors.cmake
// counts them), so an author sees what to write instead of an error from the JSON writer.
#include <curifactory/curifactory.hpp>

namespace {

struct Opaque {};  // no CF_PARAMS: not JSON
int number = 3;

const auto a_struct = cf::cacher("json").option("window", Opaque{});
const auto a_pointer = cf::cacher("json").option("count", &number);  // not a string, not bool
const auto a_character = cf::cacher("json").option("arrays", 'l');   // 108 would be written

}  // namespace
