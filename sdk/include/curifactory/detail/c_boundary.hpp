// The two helpers every entry-point trampoline uses to cross the C ABI: results go out
// through the caller's sink, and no C++ exception ever unwinds into the host (which may have
// been built with another compiler or standard library).
#pragma once

#include <curifactory/abi.h>

#include <exception>
#include <string_view>

namespace cf::detail {

inline void write_to(cf_sink sink, std::string_view text) noexcept {
  if (sink.write != nullptr) sink.write(sink.ctx, text.data(), text.size());
}

// Runs `fn`; an exception becomes CF_ERROR with its text in `error`.
template <class Fn>
cf_status guarded(cf_sink error, Fn&& fn) noexcept {
  try {
    fn();
    return CF_OK;
  } catch (const std::exception& e) {
    write_to(error, e.what());
  } catch (...) {
    write_to(error, "unknown C++ exception");
  }
  return CF_ERROR;
}

}  // namespace cf::detail

// Entry points must stay visible although plugins are built with hidden visibility.
#define CF_DETAIL_EXPORT extern "C" __attribute__((visibility("default")))
