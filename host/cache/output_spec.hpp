// One stage output as the cache sees it: its name and how (and whether) it is cached.
#pragma once

#include <string>

namespace cf::host {

struct OutputSpec {
  std::string name;
  std::string cacher;        // empty: not cached
  std::string options_json;         // the options as the stage gave them, "{}" when none
  std::string cacher_options_json;  // what the cacher sees: the options without the host's "subdir"
  std::string subdir;               // options' "subdir": cache files go below it
  bool lazy = false;         // declared lazy or --lazy (before --ignore-lazy and dry runs)
};

}  // namespace cf::host
