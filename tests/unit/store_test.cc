// The RocksDB store (node/store/store.h) on a real database in a fresh
// temporary directory per test.
#include <filesystem>
#include <future>

#include "store_fixture.h"

namespace council::store::test {
namespace {
TEST_F(StoreTest, NewStoreIsEmpty) {
  EXPECT_TRUE(store_->Counts().empty());
  EXPECT_EQ(store_->OriginMax(kOrigin), 0u);
  EXPECT_TRUE(AllIds().empty());
  EXPECT_EQ(store_->Get("522:1").status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<std::optional<v1::NodeIdentity>> id = store_->LoadIdentity();
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_FALSE(id->has_value());
}

TEST_F(StoreTest, CreateAssignsContiguousIdsAndStoresTheRecord) {
  v1::Record a = Create(ReportDraft());
  v1::Record b = Create(ConclusionDraft());
  EXPECT_EQ(a.id(), "522:1");
  EXPECT_EQ(b.id(), "522:2");
  EXPECT_EQ(a.version(), 1u);
  EXPECT_GT(b.hlc(), a.hlc());
  absl::StatusOr<v1::Record> got = store_->Get("522:1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(core::CanonicalBytes(*got), core::CanonicalBytes(a));
  EXPECT_EQ(store_->OriginMax(kOrigin), 2u);
  EXPECT_EQ(store_->Counts(), (std::map<std::string, uint64_t>{{"report", 1}, {"conclusion", 1}}));
}

TEST_F(StoreTest, GetRejectsMalformedIds) {
  EXPECT_EQ(store_->Get("522").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Get("").status().code(), absl::StatusCode::kInvalidArgument);
}

// One request with a valid draft and an amend of an unknown id: nothing of it
// is stored, and the sequence it would have used is not consumed.
TEST_F(StoreTest, WriteIsAtomicAcrossDrafts) {
  Create(PetitionDraft());  // 522:1
  auto counts_before = store_->Counts();

  v1::Record amend_unknown = ReportDraft();
  amend_unknown.set_id("522:99");
  WriteRequest req;
  req.drafts = {ReportDraft(), ConclusionDraft(), amend_unknown};
  req.wall_ms = kWall;
  absl::StatusOr<WriteResult> r = store_->Write(std::move(req));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kNotFound) << r.status();
  EXPECT_NE(r.status().message().find("522:99"), std::string::npos);

  EXPECT_EQ(store_->Counts(), counts_before);
  EXPECT_EQ(store_->OriginMax(kOrigin), 1u);
  EXPECT_EQ(AllIds(), std::vector<std::string>{"522:1"});
  EXPECT_EQ(store_->Get("522:2").status().code(), absl::StatusCode::kNotFound);

  // Still nothing after a reopen (nothing reached the WAL either).
  Reopen();
  EXPECT_EQ(AllIds(), std::vector<std::string>{"522:1"});
  EXPECT_EQ(store_->Counts(), counts_before);
  EXPECT_EQ(Create(ReportDraft()).id(), "522:2");
}

TEST_F(StoreTest, WriteIsAtomicAcrossDraftsAndVersions) {
  v1::Record foreign = Complete(ReportDraft("2023-H1"), "21550", 1, 1, 1);
  v1::Record amend_foreign = ReportDraft();
  amend_foreign.set_id("21550:1");  // not ours to change
  WriteRequest req;
  req.drafts = {ConclusionDraft(), amend_foreign};
  req.versions = {foreign};
  req.wall_ms = kWall;
  absl::StatusOr<WriteResult> r = store_->Write(std::move(req));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
  EXPECT_TRUE(store_->Counts().empty());
  EXPECT_EQ(store_->OriginMax("21550"), 0u);
  EXPECT_EQ(store_->OriginMax(kOrigin), 0u);
  EXPECT_TRUE(AllIds().empty());
}

TEST_F(StoreTest, AmendOfAnImportedForeignRecordIsDenied) {
  v1::Record foreign = Complete(PetitionDraft(), "21550", 1, 1, 1);
  ASSERT_TRUE(Apply({foreign}).ok());
  v1::Record amend = PetitionDraft();
  amend.set_id("21550:1");
  amend.mutable_doc()->set_title("Sửa trái phép");
  WriteRequest req;
  req.drafts = {amend};
  EXPECT_EQ(store_->Write(std::move(req)).status().code(), absl::StatusCode::kPermissionDenied);
  absl::StatusOr<v1::Record> got = store_->Get("21550:1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(core::CanonicalBytes(*got), core::CanonicalBytes(foreign));
}

TEST_F(StoreTest, ReapplyingTheSameVersionChangesNothing) {
  v1::Record v = Complete(ReportDraft(), "21550", 3, 3, 1);
  absl::StatusOr<WriteResult> first = Apply({v});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->version_outcomes, std::vector<Outcome>{Outcome::kApplied});
  auto counts = store_->Counts();
  EXPECT_EQ(counts.at("report"), 1u);

  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<WriteResult> again = Apply({v});
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(again->version_outcomes, std::vector<Outcome>{Outcome::kUnchanged});
  }
  EXPECT_EQ(store_->Counts(), counts);
  EXPECT_EQ(store_->OriginMax("21550"), 3u);
  EXPECT_EQ(AllIds(), std::vector<std::string>{"21550:3"});
  Reopen();
  EXPECT_EQ(store_->Counts(), counts);
  EXPECT_EQ(Apply({v})->version_outcomes, std::vector<Outcome>{Outcome::kUnchanged});
}

// A link takes each batch's records back once they are staged, to parse
// the next batch into (WriteRequest::give_back).
TEST_F(StoreTest, StagedVersionsAreGivenBackToTheCaller) {
  std::vector<std::vector<v1::Record>> given;
  WriteRequest req;
  req.wall_ms = kWall;
  for (uint64_t seq = 1; seq <= 3; ++seq) req.versions.push_back(Complete(ReportDraft(), "21550", seq, seq, 1));
  req.give_back = [&](std::vector<v1::Record> records) { given.push_back(std::move(records)); };
  absl::StatusOr<WriteResult> r = store_->Write(std::move(req));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->version_outcomes, std::vector<Outcome>(3, Outcome::kApplied));
  ASSERT_EQ(given.size(), 1u);
  EXPECT_EQ(given[0].size(), 3u);
  EXPECT_EQ(store_->OriginMax("21550"), 3u);
}

TEST_F(StoreTest, SameVersionTwiceInOneRequestIsAppliedOnce) {
  v1::Record v = Complete(ReportDraft(), "21550", 3, 3, 1);
  absl::StatusOr<WriteResult> r = Apply({v, v});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->version_outcomes, (std::vector<Outcome>{Outcome::kApplied, Outcome::kUnchanged}));
  EXPECT_EQ(store_->Counts().at("report"), 1u);
}

TEST_F(StoreTest, OlderVersionNeverOverwritesNewer) {
  v1::Record first = Complete(ReportDraft("2023-H1", "Phiên bản 1"), "21550", 3, 3, 1);
  v1::Record second = Complete(ReportDraft("2023-YTD08", "Phiên bản 2"), "21550", 3, 7, 2);
  ASSERT_TRUE(Apply({second}).ok());
  absl::StatusOr<WriteResult> r = Apply({first});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->version_outcomes, std::vector<Outcome>{Outcome::kUnchanged});
  absl::StatusOr<v1::Record> got = store_->Get("21550:3");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version(), 2u);
  EXPECT_EQ(got->doc().title(), "Phiên bản 2");
  // The stale version left no trace in the period index.
  EXPECT_TRUE(ListIds({.period = "2023-H1"}).empty());
  EXPECT_EQ(ListIds({.period = "2023-YTD08"}), std::vector<std::string>{"21550:3"});
  EXPECT_EQ(store_->OriginMax("21550"), 7u);
  EXPECT_EQ(store_->Counts().at("report"), 1u);
}

TEST_F(StoreTest, NewerVersionReplacesOlder) {
  v1::Record first = Complete(ReportDraft("2023-H1", "Phiên bản 1"), "21550", 3, 3, 1);
  v1::Record second = Complete(ReportDraft("2023-H1", "Phiên bản 2"), "21550", 3, 7, 2);
  ASSERT_TRUE(Apply({first}).ok());
  absl::StatusOr<WriteResult> r = Apply({second});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->version_outcomes, std::vector<Outcome>{Outcome::kApplied});
  EXPECT_EQ(store_->Get("21550:3")->doc().title(), "Phiên bản 2");
  EXPECT_EQ(store_->Counts().at("report"), 1u);  // still one record
  EXPECT_EQ(ListIds({.period = "2023-H1"}), std::vector<std::string>{"21550:3"});
}

TEST_F(StoreTest, AmendMovesTheRecordBetweenPeriods) {
  v1::Record created = Create(ReportDraft("2023-H1"));
  ASSERT_EQ(created.id(), "522:1");
  v1::Record amend = ReportDraft("2023-YTD08");
  amend.set_id(created.id());
  amend.set_version(1);
  v1::Record amended = Create(amend);
  EXPECT_EQ(amended.id(), "522:1");
  EXPECT_EQ(amended.version(), 2u);
  EXPECT_EQ(amended.seq(), 2u);

  EXPECT_TRUE(ListIds({.period = "2023-H1"}).empty());
  EXPECT_EQ(ListIds({.period = "2023-YTD08"}), std::vector<std::string>{"522:1"});
  EXPECT_EQ(store_->Counts().at("report"), 1u);
  EXPECT_EQ(store_->OriginMax(kOrigin), 2u);
  EXPECT_EQ(AllIds(), std::vector<std::string>{"522:1"});
  EXPECT_EQ(store_->Get("522:1")->report().period(), "2023-YTD08");

  Reopen();
  EXPECT_TRUE(ListIds({.period = "2023-H1"}).empty());
  EXPECT_EQ(ListIds({.period = "2023-YTD08"}), std::vector<std::string>{"522:1"});
}

TEST_F(StoreTest, AppliedVersionMovesTheRecordBetweenPeriods) {
  ASSERT_TRUE(Apply({Complete(ConclusionDraft(), "21550", 2, 2, 1)}).ok());
  v1::Record with_period = ConclusionDraft();
  with_period.mutable_conclusion()->set_period("2023-YTD08");
  ASSERT_TRUE(Apply({Complete(with_period, "21550", 2, 4, 2)}).ok());
  EXPECT_EQ(ListIds({.period = "2023-YTD08"}), std::vector<std::string>{"21550:2"});
  v1::Record moved = ConclusionDraft();
  moved.mutable_conclusion()->set_period("2023-Q3");
  ASSERT_TRUE(Apply({Complete(moved, "21550", 2, 5, 3)}).ok());
  EXPECT_TRUE(ListIds({.period = "2023-YTD08"}).empty());
  EXPECT_EQ(ListIds({.period = "2023-Q3"}), std::vector<std::string>{"21550:2"});
}

TEST_F(StoreTest, AmendWithStaleVersionIsRefused) {
  v1::Record created = Create(ReportDraft());
  v1::Record amend = ReportDraft("2023-Q3");
  amend.set_id(created.id());
  amend.set_version(1);
  Create(amend);  // now version 2
  WriteRequest req;
  req.drafts = {amend};  // still says version 1
  EXPECT_EQ(store_->Write(std::move(req)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Get(created.id())->version(), 2u);
  EXPECT_EQ(store_->OriginMax(kOrigin), 2u);
}

TEST_F(StoreTest, AmendChangingTheKindIsRefused) {
  v1::Record created = Create(DirectiveDraft());
  v1::Record amend = PetitionDraft();
  amend.set_id(created.id());
  WriteRequest req;
  req.drafts = {amend};
  EXPECT_EQ(store_->Write(std::move(req)).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Counts(), (std::map<std::string, uint64_t>{{"directive", 1}}));
  EXPECT_TRUE(ListIds({.kind = "petition"}).empty());
}

TEST_F(StoreTest, CreateAndAmendInOneRequest) {
  v1::Record amend = ReportDraft("2023-Q3", "Đã sửa");
  amend.set_id("522:1");  // created by the first draft of the same request
  std::vector<v1::Record> out = Create(std::vector<v1::Record>{ReportDraft("2023-H1"), amend});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id(), "522:1");
  EXPECT_EQ(out[1].id(), "522:1");
  EXPECT_EQ(out[1].version(), 2u);
  EXPECT_EQ(store_->Get("522:1")->doc().title(), "Đã sửa");
  EXPECT_EQ(store_->Counts().at("report"), 1u);
  EXPECT_TRUE(ListIds({.period = "2023-H1"}).empty());
}

TEST_F(StoreTest, IdentityPersists) {
  v1::NodeIdentity id;
  id.set_unit(kOrigin);
  id.set_level(v1::LEVEL_DISTRICT);
  id.set_name("HĐND thị xã Đức Phổ");
  id.set_parent_unit("51");
  id.set_created_hlc(12345);
  ASSERT_TRUE(store_->SaveIdentity(id).ok());
  Reopen();
  absl::StatusOr<std::optional<v1::NodeIdentity>> got = store_->LoadIdentity();
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->SerializeAsString(), id.SerializeAsString());
  EXPECT_EQ((*got)->name(), "HĐND thị xã Đức Phổ");
}

TEST_F(StoreTest, SecondOpenOfTheSameDirectoryFails) {
  absl::StatusOr<std::unique_ptr<Store>> second = Store::Open(dir_.Sub("db"), kPlace);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition) << second.status();
  EXPECT_NE(second.status().message().find(dir_.Sub("db")), std::string::npos);
}

// The write-ahead log is preallocated with its size (rocks_options.cc), so
// a crash leaves zeros after the last synced commit. A copy of the open
// store's files is such an image: opened, it holds every acknowledged write.
TEST_F(StoreTest, CrashImageWithThePreallocatedLogTailHoldsEveryWrite) {
  namespace fs = std::filesystem;
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(Create(ReportDraft()).id());
  ASSERT_EQ(ids.size(), 50u);
  fs::create_directories(dir_.Sub("image"));
  uint64_t log_bytes = 0;
  for (const fs::directory_entry& f : fs::directory_iterator(dir_.Sub("db"))) {
    if (!f.is_regular_file() || f.path().filename() == "LOCK") continue;
    fs::copy_file(f.path(), fs::path(dir_.Sub("image")) / f.path().filename());
    if (f.path().extension() == ".log") log_bytes += f.file_size();
  }
  // ~50 KB of records in a log reserved in blocks of megabytes: the image
  // ends in the zeros a crash leaves.
  EXPECT_GT(log_bytes, 1u << 20);
  absl::StatusOr<std::unique_ptr<Store>> image = Store::Open(dir_.Sub("image"), kPlace);
  ASSERT_TRUE(image.ok()) << image.status();
  for (const std::string& id : ids) EXPECT_TRUE((*image)->Get(id).ok()) << id;
  EXPECT_EQ(AllIdsOf(**image).size(), ids.size());
  // And it takes new writes after them.
  WriteRequest req;
  req.drafts.push_back(ReportDraft());
  req.wall_ms = kWall;
  absl::StatusOr<WriteResult> more = (*image)->Write(std::move(req));
  ASSERT_TRUE(more.ok()) << more.status();
  EXPECT_EQ(std::find(ids.begin(), ids.end(), more->drafts[0].id()), ids.end());
}

TEST_F(StoreTest, VietnameseTextIsByteExactAfterReopen) {
  const std::string text =
      "Ngày 25/8/2023, tại Hội trường UBND thị xã, Thường trực HĐND thị xã chủ trì "
      "Hội nghị trực báo giữa năm 2023 với Thường trực HĐND các xã, phường.\n"
      "I. Đánh giá kết quả: các kỳ họp được chuẩn bị chu đáo; việc theo dõi, đôn đốc "
      "giải quyết ý kiến, kiến nghị cử tri cần được quan tâm đúng mức.\n"
      "II. Nhiệm vụ trọng tâm: đẩy mạnh chuyển đổi số trong hoạt động của HĐND.\n"
      "\tỞ đây có cả dấu tổ hợp: Vie\xCC\xA3\xCC\x82t, và ký tự “ngoặc kép” — hết./.";
  v1::Record draft = ConclusionDraft();
  draft.set_text(text);
  draft.mutable_doc()->set_number("45/TB-HĐND");
  draft.mutable_doc()->set_issuing_body("HĐND THỊ XÃ ĐỨC PHỔ");
  draft.mutable_doc()->set_signer("Nguyễn Văn Kiên");
  draft.mutable_doc()->add_recipients("Thường trực Thị ủy;");
  draft.mutable_doc()->add_recipients("Lưu: VT.");
  v1::Record created = Create(draft);
  std::string bytes = core::CanonicalBytes(created);
  Reopen();
  absl::StatusOr<v1::Record> got = store_->Get(created.id());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->text(), text);
  EXPECT_EQ(got->text().size(), text.size());
  EXPECT_EQ(got->doc().number(), "45/TB-HĐND");
  EXPECT_EQ(got->doc().issuing_body(), "HĐND THỊ XÃ ĐỨC PHỔ");
  EXPECT_EQ(got->doc().recipients(0), "Thường trực Thị ủy;");
  EXPECT_EQ(core::CanonicalBytes(*got), bytes);
}

// 8 threads write at once; group commit must hand out distinct ids whose
// sequences are exactly 1..N, keep each request's drafts consecutive, and
// keep a failing request from affecting the others in its group.
TEST_F(StoreTest, ConcurrentWritersGetContiguousSequences) {
  constexpr int kThreads = 8;
  constexpr int kRequestsPerThread = 40;
  std::vector<std::vector<v1::Record>> created(kThreads);
  std::atomic<int> failures{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRequestsPerThread; ++i) {
        WriteRequest req;
        req.wall_ms = kWall + i;
        req.drafts.push_back(i % 2 ? ReportDraft() : PetitionDraft());
        if (i % 5 == 0) req.drafts.push_back(DirectiveDraft());  // two drafts
        bool poison = i % 7 == 3;  // an amend of an unknown id: whole request fails
        if (poison) {
          v1::Record bad = ReportDraft();
          bad.set_id("522:100000");
          req.drafts.push_back(bad);
        }
        size_t n = req.drafts.size();
        absl::StatusOr<WriteResult> r = store_->Write(std::move(req));
        if (poison) {
          if (r.status().code() == absl::StatusCode::kNotFound) ++refused;
          else ++failures;
          continue;
        }
        if (!r.ok() || r->drafts.size() != n) {
          ++failures;
          continue;
        }
        for (size_t k = 1; k < n; ++k) {
          if (r->drafts[k].seq() != r->drafts[k - 1].seq() + 1) ++failures;
        }
        for (v1::Record& rec : r->drafts) created[t].push_back(std::move(rec));
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);

  std::set<std::string> ids;
  std::vector<uint64_t> seqs;
  for (const auto& per_thread : created) {
    for (const v1::Record& r : per_thread) {
      ids.insert(r.id());
      seqs.push_back(r.seq());
    }
  }
  std::sort(seqs.begin(), seqs.end());
  const uint64_t n = seqs.size();
  ASSERT_GT(n, 0u);
  EXPECT_EQ(refused.load(), kThreads * 6);  // i in {3, 10, 17, 24, 31, 38}
  EXPECT_EQ(ids.size(), n) << "duplicate ids handed out";
  for (uint64_t i = 0; i < n; ++i) ASSERT_EQ(seqs[i], i + 1) << "gap or repeat";
  EXPECT_EQ(store_->OriginMax(kOrigin), n);
  uint64_t total = 0;
  for (const auto& [kind, count] : store_->Counts()) total += count;
  EXPECT_EQ(total, n);
  EXPECT_EQ(AllIds().size(), n);

  Reopen();
  EXPECT_EQ(store_->OriginMax(kOrigin), n);
  EXPECT_EQ(AllIds().size(), n);
  for (const std::string& id : ids) ASSERT_TRUE(store_->Get(id).ok()) << id;
}

// Submit returns once a write is staged, so one caller can stage its next
// write while the one before reaches the disk: each write is staged on top
// of the one in flight (an amend finds the version just created, counts and
// heads carry over) and every one of them is durable.
TEST_F(StoreTest, SubmittedWritesStageOnTopOfTheOneInFlight) {
  constexpr uint64_t kAmends = 30;
  std::vector<std::future<absl::StatusOr<WriteResult>>> pending;
  auto submit = [&](std::vector<v1::Record> drafts, std::vector<v1::Record> versions,
                    uint64_t cursor) {
    WriteRequest req;
    req.drafts = std::move(drafts);
    req.versions = std::move(versions);
    req.wall_ms = kWall;
    if (cursor != 0) {
      req.from = "21550";
      req.inbound_cursor = cursor;
    }
    pending.push_back(store_->Submit(std::move(req)));
  };
  submit({ReportDraft("2023-H1", "Bản 1")}, {}, 0);
  for (uint64_t v = 1; v <= kAmends; ++v) {
    v1::Record amend = ReportDraft(v % 2 ? "2023-Q3" : "2023-H1", "Bản " + std::to_string(v + 1));
    amend.set_id("522:1");
    amend.set_version(v);  // the version the write before this one makes
    submit({amend}, {}, 0);
    submit({}, {Complete(PetitionDraft(), "21550", v, v, 1)}, v);  // a link batch each
  }
  for (size_t i = 0; i < pending.size(); ++i) {
    absl::StatusOr<WriteResult> r = pending[i].get();
    ASSERT_TRUE(r.ok()) << "write " << i << ": " << r.status();
  }
  auto check = [&] {
    absl::StatusOr<v1::Record> report = store_->Get("522:1");
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->version(), kAmends + 1);
    EXPECT_EQ(report->doc().title(), "Bản " + std::to_string(kAmends + 1));
    EXPECT_EQ(store_->OriginMax(kOrigin), kAmends + 1);
    EXPECT_EQ(store_->OriginMax("21550"), kAmends);
    EXPECT_EQ(store_->InboundCursor("21550"), kAmends);
    EXPECT_EQ(store_->Counts(), (std::map<std::string, uint64_t>{{"petition", kAmends}, {"report", 1}}));
    EXPECT_EQ(ListIds({.period = "2023-H1"}), std::vector<std::string>{"522:1"});  // kAmends even
    EXPECT_TRUE(ListIds({.period = "2023-Q3"}).empty());
    EXPECT_EQ(store_->OutboxHead("51"), 2 * kAmends + 1);  // every version goes up
  };
  check();
  Reopen();
  check();
}

// Concurrent optimistic amends of one record: exactly one wins.
TEST_F(StoreTest, ConcurrentAmendsOfOneVersionAdmitOne) {
  v1::Record created = Create(ReportDraft());
  constexpr int kThreads = 8;
  std::atomic<int> ok{0}, precondition{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      v1::Record amend = ReportDraft("2023-Q3", "Sửa lần " + std::to_string(t));
      amend.set_id(created.id());
      amend.set_version(1);
      WriteRequest req;
      req.drafts = {amend};
      absl::StatusOr<WriteResult> r = store_->Write(std::move(req));
      if (r.ok()) ++ok;
      else if (r.status().code() == absl::StatusCode::kFailedPrecondition) ++precondition;
      else ++other;
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(precondition.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(store_->Get(created.id())->version(), 2u);
  EXPECT_EQ(store_->OriginMax(kOrigin), 2u);
}


// A store opened with a signer and a verifier (the simulation's fakes): it
// signs what it stamps and checks every version from elsewhere; a refused
// version of a link batch is skipped, a refused version of an import refuses
// the whole import.
class SignedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Store>> s =
        Store::Open(dir_.Sub("db"), kPlace, &signer_, &verifier_);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }
  static v1::Record Signed(v1::Record r, const std::string& key) {
    core::SignRecord(r, sim::FakeSigner(key));
    return r;
  }
  // 21550's own unit record, carrying its key "K".
  static v1::Record ChildUnit() {
    v1::Record unit = Complete(UnitDraft("21550"), "21550", 1, 1, 1);
    unit.mutable_unit()->set_public_key("K");
    return Signed(unit, "K");
  }
  static v1::Record ChildReport(uint64_t n, const std::string& key = "K") {
    return Signed(Complete(ReportDraft(), "21550", n, n, 1), key);
  }
  absl::StatusOr<WriteResult> Write(std::vector<v1::Record> versions, const std::string& from) {
    WriteRequest req;
    req.versions = std::move(versions);
    req.from = from;
    req.inbound_cursor = from.empty() ? 0 : 1;
    req.wall_ms = kWall;
    return store_->Write(std::move(req));
  }

  ScopedTempDir dir_{"council_store_"};
  sim::FakeSigner signer_{"K522"};
  sim::FakeVerifier verifier_;
  std::unique_ptr<Store> store_;
};

TEST_F(SignedStoreTest, LocalWritesAreSigned) {
  WriteRequest req;
  req.drafts = {ReportDraft()};
  req.wall_ms = kWall;
  absl::StatusOr<WriteResult> r = store_->Write(std::move(req));
  ASSERT_TRUE(r.ok()) << r.status();
  absl::StatusOr<v1::Record> stored = store_->Get(r->drafts[0].id());
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(verifier_.Verify("K522", core::SigningBytes(*stored), stored->signature()));
}

TEST_F(SignedStoreTest, LinkBatchSkipsWhatDoesNotVerify) {
  v1::Record unit = ChildUnit();
  v1::Record good = ChildReport(2);
  v1::Record altered = ChildReport(3);
  altered.mutable_doc()->set_title("Báo cáo đã bị sửa trên đường đi");
  absl::StatusOr<WriteResult> r = Write({unit, good, altered}, "21550");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->version_outcomes,
            (std::vector<Outcome>{Outcome::kApplied, Outcome::kApplied, Outcome::kRejected}));
  ASSERT_EQ(r->rejections.size(), 1u);
  EXPECT_EQ(core::RefusalReason(r->rejections[0]), "bad_signature") << r->rejections[0];
  EXPECT_TRUE(store_->Get("21550:2").ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Get("21550:3").status()));
  EXPECT_EQ(store_->InboundCursor("21550"), 1u) << "the batch is consumed all the same";
}

TEST_F(SignedStoreTest, ImportWithABadSignatureIsRefusedWhole) {
  v1::Record unit = ChildUnit();
  absl::StatusOr<WriteResult> r = Write({unit, ChildReport(2), ChildReport(3, "not K")}, "");
  ASSERT_TRUE(absl::IsPermissionDenied(r.status())) << r.status();
  EXPECT_NE(r.status().message().find("record 21550:3"), std::string::npos) << r.status();
  EXPECT_NE(r.status().message().find("bad signature"), std::string::npos) << r.status();
  EXPECT_TRUE(AllIdsOf(*store_).empty());
  r = Write({unit, ChildReport(2)}, "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(AllIdsOf(*store_), (std::vector<std::string>{"21550:1", "21550:2"}));
}

}  // namespace
}  // namespace council::store::test
