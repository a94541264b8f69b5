// One stage output as the cache sees it: its name and how (and whether) it is cached.
#pragma once

#include <string>

namespace cf::host {

struct OutputSpec {
  std::string name;
  std::string cacher;        // empty: not cached
  std::string options_json;  // the cacher's options as given, "{}" when none
  std::string subdir;        // options' "subdir": cache files go below it
  bool lazy = false;         // declared lazy or --lazy (before --ignore-lazy and dry runs)
};

}  // namespace cf::host
