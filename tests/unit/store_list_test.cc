// Listing and counting records: by kind, unit and period, paging, reopen.
#include <thread>

#include "store_fixture.h"

namespace council::store::test {
namespace {

class StoreListTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    // Local: 522:1..12 alternating report (2023-YTD08) / directive, then a
    // conclusion of 2023-YTD08 at 522:13.
    for (int i = 1; i <= 12; ++i) Create(i % 2 == 1 ? ReportDraft() : DirectiveDraft());
    v1::Record c = ConclusionDraft();
    c.mutable_conclusion()->set_period("2023-YTD08");
    Create(c);
    // Imported from communes, including a unit "52" whose id prefixes "522".
    ASSERT_TRUE(Apply({Complete(ReportDraft("2023-YTD08"), "21550", 1, 1, 1),
                       Complete(ReportDraft("2023-H1"), "21550", 2, 2, 1),
                       Complete(PetitionDraft(), "21550", 3, 3, 1),
                       Complete(DirectiveUpdateDraft("522:2"), "21553", 1, 1, 1),
                       Complete(ReportDraft("2023-YTD08"), "52", 4, 4, 1),
                       Complete(UnitDraft("21550"), "52", 5, 5, 1)})
                    .ok());
  }
};

TEST_F(StoreListTest, AllInIdOrder) {
  std::vector<std::string> ids = AllIds();
  ASSERT_EQ(ids.size(), 19u);
  // Origins in byte order, sequences numerically within an origin.
  EXPECT_EQ(ids.front(), "21550:1");
  EXPECT_EQ(std::vector<std::string>(ids.begin(), ids.begin() + 6),
            (std::vector<std::string>{"21550:1", "21550:2", "21550:3", "21553:1", "52:4", "52:5"}));
  std::vector<std::string> local(ids.begin() + 6, ids.end());
  for (int i = 1; i <= 13; ++i) EXPECT_EQ(local[i - 1], core::MakeRecordId("522", i));
}

TEST_F(StoreListTest, ByKind) {
  EXPECT_EQ(ListIds({.kind = "report"}),
            (std::vector<std::string>{"21550:1", "21550:2", "52:4", "522:1", "522:3", "522:5",
                                      "522:7", "522:9", "522:11"}));
  EXPECT_EQ(ListIds({.kind = "petition"}), std::vector<std::string>{"21550:3"});
  EXPECT_EQ(ListIds({.kind = "directive_update"}), std::vector<std::string>{"21553:1"});
  EXPECT_EQ(ListIds({.kind = "unit"}), std::vector<std::string>{"52:5"});
  EXPECT_EQ(ListIds({.kind = "directive"}).size(), 6u);
  EXPECT_TRUE(ListIds({.kind = "petition_answer"}).empty());
}

TEST_F(StoreListTest, ByUnitDoesNotMatchUnitsItPrefixes) {
  EXPECT_EQ(ListIds({.unit = "52"}), (std::vector<std::string>{"52:4", "52:5"}));
  EXPECT_EQ(ListIds({.unit = "522"}).size(), 13u);
  EXPECT_EQ(ListIds({.unit = "21550"}),
            (std::vector<std::string>{"21550:1", "21550:2", "21550:3"}));
  EXPECT_TRUE(ListIds({.unit = "2155"}).empty());
  EXPECT_TRUE(ListIds({.unit = "99999"}).empty());
}

TEST_F(StoreListTest, ByUnitAndKind) {
  EXPECT_EQ(ListIds({.kind = "report", .unit = "21550"}),
            (std::vector<std::string>{"21550:1", "21550:2"}));
  EXPECT_EQ(ListIds({.kind = "report", .unit = "52"}), std::vector<std::string>{"52:4"});
  EXPECT_EQ(ListIds({.kind = "conclusion", .unit = "522"}), std::vector<std::string>{"522:13"});
  EXPECT_TRUE(ListIds({.kind = "petition", .unit = "522"}).empty());
}

TEST_F(StoreListTest, ByPeriod) {
  std::vector<std::string> ytd = ListIds({.period = "2023-YTD08"});
  EXPECT_EQ(ytd, (std::vector<std::string>{"21550:1", "52:4", "522:1", "522:3", "522:5",
                                           "522:7", "522:9", "522:11", "522:13"}));
  EXPECT_EQ(ListIds({.kind = "conclusion", .period = "2023-YTD08"}),
            std::vector<std::string>{"522:13"});
  EXPECT_EQ(ListIds({.kind = "report", .unit = "21550", .period = "2023-YTD08"}),
            std::vector<std::string>{"21550:1"});
  EXPECT_EQ(ListIds({.unit = "52", .period = "2023-YTD08"}), std::vector<std::string>{"52:4"});
  EXPECT_EQ(ListIds({.period = "2023-H1"}), std::vector<std::string>{"21550:2"});
  EXPECT_TRUE(ListIds({.period = "2023"}).empty());  // no prefix matching of periods
}

TEST_F(StoreListTest, LimitAndAfterId) {
  EXPECT_EQ(ListIds({.limit = 2}), (std::vector<std::string>{"21550:1", "21550:2"}));
  EXPECT_EQ(ListIds({.after_id = "21550:2", .limit = 2}),
            (std::vector<std::string>{"21550:3", "21553:1"}));
  EXPECT_EQ(ListIds({.kind = "report", .after_id = "522:5", .limit = 3}),
            (std::vector<std::string>{"522:7", "522:9", "522:11"}));
  EXPECT_EQ(ListIds({.unit = "522", .after_id = "522:9"}),
            (std::vector<std::string>{"522:10", "522:11", "522:12", "522:13"}));
  EXPECT_EQ(ListIds({.period = "2023-YTD08", .after_id = "522:11"}),
            std::vector<std::string>{"522:13"});
  // after_id need not exist, and may sort before or after the filter's range.
  EXPECT_EQ(ListIds({.kind = "report", .after_id = "522:6", .limit = 1}),
            std::vector<std::string>{"522:7"});
  EXPECT_EQ(ListIds({.unit = "522", .after_id = "1:1", .limit = 1}),
            std::vector<std::string>{"522:1"});
  EXPECT_TRUE(ListIds({.unit = "21550", .after_id = "522:1"}).empty());
  EXPECT_TRUE(ListIds({.after_id = "522:13"}).empty());
}

TEST_F(StoreListTest, PagingVisitsEveryRecordOnce) {
  for (size_t page : {1u, 2u, 5u}) {
    std::vector<std::string> all;
    std::string after;
    for (int guard = 0; guard < 100; ++guard) {
      std::vector<std::string> ids = ListIds({.after_id = after, .limit = page});
      if (ids.empty()) break;
      EXPECT_LE(ids.size(), page);
      all.insert(all.end(), ids.begin(), ids.end());
      after = ids.back();
    }
    EXPECT_EQ(all, AllIds()) << "page size " << page;
  }
}

TEST_F(StoreListTest, BadAfterIdAndEarlyStop) {
  absl::Status s = store_->List({.after_id = "garbage"}, [](const v1::Record&) { return true; });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  int seen = 0;
  ASSERT_TRUE(store_->List({}, [&](const v1::Record&) { return ++seen < 3; }).ok());
  EXPECT_EQ(seen, 3);
}

TEST_F(StoreListTest, CountsAndOriginMax) {
  EXPECT_EQ(store_->Counts(), (std::map<std::string, uint64_t>{{"report", 9},
                                                                {"directive", 6},
                                                                {"conclusion", 1},
                                                                {"petition", 1},
                                                                {"directive_update", 1},
                                                                {"unit", 1}}));
  EXPECT_EQ(store_->OriginMax("522"), 13u);
  EXPECT_EQ(store_->OriginMax("21550"), 3u);
  EXPECT_EQ(store_->OriginMax("21553"), 1u);
  EXPECT_EQ(store_->OriginMax("52"), 5u);
  EXPECT_EQ(store_->OriginMax("2155"), 0u);
}

TEST_F(StoreListTest, ReopenKeepsEverything) {
  std::vector<std::string> ids = AllIds();
  std::map<std::string, std::string> bytes;
  for (const std::string& id : ids) bytes[id] = core::CanonicalBytes(*store_->Get(id));
  auto counts = store_->Counts();
  uint64_t last_hlc = store_->Get("522:13")->hlc();

  Reopen();
  EXPECT_EQ(AllIds(), ids);
  for (const std::string& id : ids) {
    absl::StatusOr<v1::Record> r = store_->Get(id);
    ASSERT_TRUE(r.ok()) << id;
    EXPECT_EQ(core::CanonicalBytes(*r), bytes[id]) << id;
  }
  EXPECT_EQ(store_->Counts(), counts);
  EXPECT_EQ(store_->OriginMax("522"), 13u);
  EXPECT_EQ(store_->OriginMax("52"), 5u);
  EXPECT_EQ(ListIds({.period = "2023-YTD08"}).size(), 9u);

  // The sequence continues, and the clock does not run backwards even if the
  // wall clock is behind what was stamped before the restart.
  WriteRequest req;
  req.drafts = {PetitionDraft()};
  req.wall_ms = kWall - 3'600'000;
  absl::StatusOr<WriteResult> r = store_->Write(std::move(req));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->drafts[0].id(), "522:14");
  EXPECT_GT(r->drafts[0].hlc(), last_hlc);
}

}  // namespace
}  // namespace council::store::test

namespace council::store::test {
namespace {

bool Indexed(Store& store) {
  return store.WaitIndexed(std::chrono::steady_clock::now() + std::chrono::seconds(10));
}

TEST_F(StoreTest, IndexLagCountsVersionsTheSearchIndexHasNotCovered) {
  for (int i = 0; i < 3; ++i) Create(ReportDraft());
  EXPECT_LE(store_->IndexLag(), 3u);
  ASSERT_TRUE(Indexed(*store_));
  EXPECT_EQ(store_->IndexLag(), 0u);
}

TEST_F(StoreTest, TheIndexerWaitsOutAStreamOfLargeGroupsButNotASearch) {
  store_->SetIndexStreamQuiet(std::chrono::hours(1));
  Create(std::vector<v1::Record>(300, ReportDraft()));  // one group, >= kStreamGroup
  // Past the indexer's linger (200 ms) it would have indexed them; it waits
  // for the stream to be quiet instead.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(store_->IndexLag(), 300u);
  ASSERT_TRUE(Indexed(*store_));  // a search does not wait for the quiet
  EXPECT_EQ(store_->IndexLag(), 0u);
}

TEST_F(StoreTest, SearchIndexFollowsWritesAmendmentsAndRestarts) {
  v1::Record draft = ReportDraft();
  draft.set_text("Giám sát việc giải quyết kiến nghị cử tri về đường ven biển");
  v1::Record rec = Create(draft);
  ASSERT_TRUE(Indexed(*store_));
  EXPECT_EQ(store_->Postings("bien")->count(rec.id()), 1u);  // "biển", folded

  v1::Record amend = draft;
  amend.set_id(rec.id());
  amend.set_text("Giám sát việc giải quyết kiến nghị cử tri về cầu tràn");
  Create(amend);
  ASSERT_TRUE(Indexed(*store_));
  EXPECT_EQ(store_->Postings("bien")->count(rec.id()), 0u);  // the replaced version's word
  EXPECT_EQ(store_->Postings("tran")->count(rec.id()), 1u);

  // Writes the indexer has not reached before a restart are indexed after it
  // (more than one chunk of the indexer's reads: store_index.cc).
  for (int i = 0; i < 300; ++i) {
    v1::Record more = ReportDraft();
    more.set_text("Phiên chất vấn số " + std::to_string(i));
    Create(more);
  }
  Reopen();
  ASSERT_TRUE(Indexed(*store_));
  EXPECT_EQ(store_->Postings("chat")->size(), 300u);
  EXPECT_EQ(store_->Postings("tran")->count(rec.id()), 1u);
}

// The indexer reads each chunk of the feed in log order, not feed order:
// origins interleaved, and an amendment in the same batch as the version it
// replaces, must index every record once, at its latest version.
TEST_F(StoreTest, SearchIndexOfInterleavedOriginsKeepsEachRecordsLatestVersion) {
  auto text = [](const std::string& words, const std::string& origin, uint64_t n, uint64_t seq,
                 uint32_t version) {
    v1::Record d = ReportDraft();
    d.set_text(words);
    return Complete(d, origin, n, seq, version, (1ull << 40) + seq);
  };
  ASSERT_TRUE(Apply({text("Họp chợ phiên", "21553", 1, 1, 1),
                     text("Đường ven biển", "21550", 1, 1, 1),
                     text("Cầu tràn qua suối", "21550", 1, 2, 2),  // amends 21550:1
                     text("Sửa cầu cống", "21553", 2, 2, 1)})
                  .ok());
  ASSERT_TRUE(Indexed(*store_));
  EXPECT_EQ(store_->Postings("bien")->count("21550:1"), 0u);  // the replaced version's word
  EXPECT_EQ(*store_->Postings("tran"), (std::map<std::string, uint32_t>{{"21550:1", 1}}));
  EXPECT_EQ(*store_->Postings("cau"), (std::map<std::string, uint32_t>{{"21550:1", 1}, {"21553:2", 1}}));
  EXPECT_EQ(*store_->Postings("cho"), (std::map<std::string, uint32_t>{{"21553:1", 1}}));
}

}  // namespace
}  // namespace council::store::test

namespace council::store::test {
namespace {

v1::Record UnitAt(const std::string& id, const std::string& parent, v1::Level level,
                  const std::string& origin, uint64_t n, uint64_t hlc) {
  v1::Record d = UnitDraft(id);
  d.mutable_unit()->set_parent(parent);
  d.mutable_unit()->set_level(level);
  return Complete(d, origin, n, n, 1, hlc);
}

TEST_F(StoreTest, ReorganisationSurvivesARestartWhateverTheIdOrder) {
  // "51:2" (the province moving commune 61001) sorts before "61001:1" (the
  // commune's own record): reloading in id order must still place it.
  v1::Record move = UnitAt("61001", "527", v1::LEVEL_COMMUNE, "51", 2, 9ull << 40);
  move.mutable_unit()->set_reorganisation(true);
  ASSERT_TRUE(Apply({UnitAt("51", "", v1::LEVEL_PROVINCE, "51", 1, 1ull << 40),
                     UnitAt("522", "51", v1::LEVEL_DISTRICT, "522", 1, 2ull << 40),
                     UnitAt("527", "51", v1::LEVEL_DISTRICT, "527", 1, 2ull << 40),
                     UnitAt("61001", "522", v1::LEVEL_COMMUNE, "61001", 1, 3ull << 40), move})
                  .ok());
  ASSERT_EQ(store_->Tree().ParentOf("61001"), "527");
  Reopen();
  EXPECT_EQ(store_->Tree().ParentOf("61001"), "527");
}

// A parent returning a child's own log (recovery) reads it by one scan:
// the versions held in the range, in order, in slices within the limits,
// skipping sequences never routed here.
TEST_F(StoreTest, ReadLogReturnsHeldVersionsOfARangeInSlices) {
  std::vector<v1::Record> held;
  for (uint64_t seq : {1, 2, 4, 5, 6, 9}) held.push_back(Complete(ReportDraft(), "21550", seq, seq, 1));
  held.push_back(Complete(ReportDraft(), "21553", 3, 3, 1));  // another origin, same sequences
  ASSERT_TRUE(Apply(held).ok());
  auto seqs_of = [](const LogSlice& slice) {
    std::vector<uint64_t> out;
    for (const std::string& bytes : slice.records) {
      v1::Record r;
      EXPECT_TRUE(r.ParseFromString(bytes));
      EXPECT_EQ(r.origin(), "21550");
      out.push_back(r.seq());
    }
    return out;
  };
  absl::StatusOr<LogSlice> all = store_->ReadLog("21550", 2, 8, 100, 1 << 20);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(seqs_of(*all), (std::vector<uint64_t>{2, 4, 5, 6}));
  EXPECT_EQ(all->next, 9u);
  absl::StatusOr<LogSlice> first = store_->ReadLog("21550", 1, 9, 2, 1 << 20);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(seqs_of(*first), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(first->next, 4u);
  absl::StatusOr<LogSlice> by_bytes = store_->ReadLog("21550", 4, 9, 100, 1);
  ASSERT_TRUE(by_bytes.ok()) << by_bytes.status();
  EXPECT_EQ(seqs_of(*by_bytes), (std::vector<uint64_t>{4}));
  EXPECT_EQ(by_bytes->next, 5u);
  absl::StatusOr<LogSlice> none = store_->ReadLog("21550", 7, 8, 100, 1 << 20);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->records.empty());
  EXPECT_EQ(none->next, 9u);
}

}  // namespace
}  // namespace council::store::test
