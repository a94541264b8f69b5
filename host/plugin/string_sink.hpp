// Collects what a plugin writes through a cf_sink: the host allocates, the host frees.
#pragma once

#include <curifactory/abi.h>

#include <string>

namespace cf::host {

struct StringSink {
  std::string text;

  cf_sink sink() { return cf_sink{this, &StringSink::append}; }

 private:
  static void append(void* ctx, const char* data, size_t size) {
    static_cast<StringSink*>(ctx)->text.append(data, size);
  }
};

}  // namespace cf::host
