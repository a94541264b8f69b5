// Which hash a record's set runs under: the carried hash while the values are those it stands
// for, else the values hash; an unknown carried hash is an explicit one and is kept.
#include "params/hash_ledger.hpp"

#include <gtest/gtest.h>

namespace cf::host {
namespace {

TEST(HashLedger, NoCarriedHashMeansTheValuesHash) {
  HashLedger ledger;
  EXPECT_EQ(ledger.resolve("", "c1"), "c1");
  EXPECT_TRUE(ledger.knows("c1"));
}

TEST(HashLedger, ACarriedHashEqualToTheValuesHashIsIt) {
  HashLedger ledger;
  EXPECT_EQ(ledger.resolve("c1", "c1"), "c1");
}

TEST(HashLedger, AHandedOutHashStaysWhileItsValuesMatch) {
  HashLedger ledger;
  ledger.remember("from-yaml", "c1");  // e.g. computed from `alpha: 1`, which run() sees as 1.0
  EXPECT_EQ(ledger.resolve("from-yaml", "c1"), "from-yaml");
  EXPECT_EQ(ledger.resolve("from-yaml", "c1"), "from-yaml");
}

TEST(HashLedger, AHandedOutHashWithChangedValuesGivesTheValuesHash) {
  HashLedger ledger;
  ledger.remember("explicit", "c1");
  EXPECT_EQ(ledger.resolve("explicit", "c2"), "c2");
  // The answer is handed out in turn: a copy of the changed copy keeps it.
  EXPECT_EQ(ledger.resolve("c2", "c2"), "c2");
  EXPECT_EQ(ledger.resolve("explicit", "c1"), "explicit");
}

TEST(HashLedger, AnUnknownCarriedHashIsAnExplicitOneAndIsRemembered) {
  HashLedger ledger;
  ledger.remember("h1", "c1");
  EXPECT_FALSE(ledger.knows("set-in-run"));
  EXPECT_EQ(ledger.resolve("set-in-run", "c9"), "set-in-run");
  EXPECT_TRUE(ledger.knows("set-in-run"));
  // Once handed out, it follows the rule for known hashes.
  EXPECT_EQ(ledger.resolve("set-in-run", "c9"), "set-in-run");
  EXPECT_EQ(ledger.resolve("set-in-run", "c8"), "c8");
}

TEST(HashLedger, OneHashCanStandForSeveralValueSets) {
  HashLedger ledger;  // two YAML sets given the same explicit hash
  ledger.remember("shared", "c1");
  ledger.remember("shared", "c2");
  EXPECT_EQ(ledger.resolve("shared", "c1"), "shared");
  EXPECT_EQ(ledger.resolve("shared", "c2"), "shared");
  EXPECT_EQ(ledger.resolve("shared", "c3"), "c3");
}

TEST(HashLedger, KnowsOnlyWholeHashes) {
  HashLedger ledger;
  ledger.remember("abc", "c1");
  EXPECT_TRUE(ledger.knows("abc"));
  EXPECT_FALSE(ledger.knows("ab"));
  EXPECT_FALSE(ledger.knows("abcd"));
  EXPECT_FALSE(ledger.knows(""));
}

}  // namespace
}  // namespace cf::host
