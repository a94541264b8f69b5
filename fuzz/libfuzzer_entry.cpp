// libFuzzer's entry point for one target, chosen at compile time (CF_FUZZ_BODY names the
// function of fuzz_targets.hpp). A finding or a stray exception aborts, which libFuzzer reports
// as a crash and saves the input for.
#include "fuzz_targets.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    CF_FUZZ_BODY(cf::fuzz::Input(data, size));
  } catch (const cf::fuzz::Finding& finding) {
    std::fprintf(stderr, "finding: %s\n", finding.what());
    std::abort();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    std::abort();
  }
  return 0;
}
