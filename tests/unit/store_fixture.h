// The store test fixture: a fresh RocksDB store per test, for node 522.
#ifndef COUNCIL_TESTS_UNIT_STORE_FIXTURE_H_
#define COUNCIL_TESTS_UNIT_STORE_FIXTURE_H_

// The RocksDB store (node/store/store.h) on a real database in a fresh
// temporary directory per test.
#include "node/store/store.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/scoped_temp_dir.h"
#include "gtest/gtest.h"
#include "node/core/ids.h"
#include "node/core/serialize.h"
#include "test_records.h"
#include "tests/simulation/fake_signing.h"


namespace council::store::test {


using ::council::testing::Complete;
using ::council::testing::ConclusionDraft;
using ::council::testing::DirectiveDraft;
using ::council::testing::DirectiveUpdateDraft;
using ::council::testing::PetitionDraft;
using ::council::testing::ReportDraft;
using ::council::testing::ScopedTempDir;
using ::council::testing::UnitDraft;

inline constexpr char kOrigin[] = "522";  // this node: HĐND thị xã Đức Phổ
inline const core::NodePlace kPlace{kOrigin, "51"};
inline constexpr int64_t kWall = 1692921600000;

inline std::vector<std::string> AllIdsOf(Store& store) {
  std::vector<std::string> ids;
  EXPECT_TRUE(store.List(ListFilter{}, [&](const v1::Record& r) {
    ids.push_back(r.id());
    return true;
  }).ok());
  return ids;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();  // releases the RocksDB lock first
    absl::StatusOr<std::unique_ptr<Store>> s = Store::Open(dir_.Sub("db"), kPlace);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }

  // Writes one request of drafts; fails the test on error.
  std::vector<v1::Record> Create(std::vector<v1::Record> drafts) {
    WriteRequest req;
    req.drafts = std::move(drafts);
    req.wall_ms = kWall;
    absl::StatusOr<WriteResult> r = store_->Write(std::move(req));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->drafts : std::vector<v1::Record>{};
  }
  v1::Record Create(v1::Record draft) {
    std::vector<v1::Record> out = Create(std::vector<v1::Record>{std::move(draft)});
    return out.empty() ? v1::Record() : out[0];
  }

  absl::StatusOr<WriteResult> Apply(std::vector<v1::Record> versions) {
    WriteRequest req;
    req.versions = std::move(versions);
    req.wall_ms = kWall;
    return store_->Write(std::move(req));
  }

  std::vector<std::string> ListIds(const ListFilter& f) {
    std::vector<std::string> ids;
    absl::Status s = store_->List(f, [&](const v1::Record& r) {
      ids.push_back(r.id());
      return true;
    });
    EXPECT_TRUE(s.ok()) << s;
    return ids;
  }

  std::vector<std::string> AllIds() { return ListIds(ListFilter{}); }

  ScopedTempDir dir_{"council_store_"};
  std::unique_ptr<Store> store_;
};

}  // namespace council::store::test

#endif  // COUNCIL_TESTS_UNIT_STORE_FIXTURE_H_
