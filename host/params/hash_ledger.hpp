// Which hash a record's parameter set runs under. The sets handed to run() carry the host's
// hash, and run() sends each set back when it makes a record from it; an author who copies a
// set and changes a value sends the old hash with new values. The original trusts the carried
// hash, so the changed set would be cached under the old set's name; the ledger remembers what
// values every hash it handed out stands for, and keeps a carried hash only while they match.
#pragma once

#include <set>
#include <string>
#include <utility>

namespace cf::host {

class HashLedger {
 public:
  // `hash` was handed out for a set whose values hash (from its hash terms, as run() sends
  // them) is `values_hash`.
  void remember(const std::string& hash, const std::string& values_hash);

  // The hash a set runs under. `carried` is the hash it came with (empty for none), and
  // `values_hash` the hash of its values now:
  //   * none carried, or the values hash itself: the values hash;
  //   * one this ledger handed out: kept while it stands for these values, else the values hash
  //     (the values changed after hashing);
  //   * one it never handed out: an explicit hash the author set in run(), kept.
  // The answer is remembered, so the same set asked again gets the same hash.
  std::string resolve(const std::string& carried, const std::string& values_hash);

  // True when `hash` was handed out, for whatever values.
  bool knows(const std::string& hash) const;

 private:
  std::set<std::pair<std::string, std::string>> entries_;  // (hash, values hash)
};

}  // namespace cf::host
