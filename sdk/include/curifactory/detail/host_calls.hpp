// Calling back into the host from SDK code: a sink the plugin owns for the host's answers, and
// one place that turns CF_ERROR into an exception inside the plugin (never across the ABI).
#pragma once

#include <curifactory/abi.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace cf::detail {

struct owned_sink {
  std::string text;

  cf_sink sink() {
    return cf_sink{this, [](void* ctx, const char* data, size_t size) {
                     static_cast<owned_sink*>(ctx)->text.append(data, size);
                   }};
  }
};

// Reserves `expected` bytes (an artifact_size_hint or load_size answer) in `text` before a load
// writes into it, so a large artifact is allocated once. Only a hint, which a damaged file can
// make absurd: a reservation that fails is skipped and the load reports what is wrong.
inline void reserve_hint(std::string& text, std::uint64_t expected) noexcept {
  if (expected == 0) return;
  try {
    text.reserve(static_cast<std::size_t>(expected));
  } catch (...) {
  }
}

struct host_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The host's stage services, or an error when this plugin runs under a host that predates them.
inline const cf_host_api& engine_host(const cf_host_api* host) {
  if (host == nullptr || host->struct_size < offsetof(cf_host_api, stage_end) + sizeof(host->stage_end)) {
    throw host_error(
        "this experiment uses stages, which the running `experiment` host does not support; "
        "update the host");
  }
  return *host;
}

// Calls `fn(args..., error_sink)` and throws the host's message when it answers CF_ERROR.
template <class Fn, class... Args>
void call_host(Fn fn, Args... args) {
  owned_sink error;
  if (fn(args..., error.sink()) != CF_OK) throw host_error(error.text);
}

inline cf_str view(const std::string& text) {
  return cf_str{text.data(), text.size()};
}

}  // namespace cf::detail
