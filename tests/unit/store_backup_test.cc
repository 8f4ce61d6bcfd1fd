// Record versions of a realistic size (~1 KB and more), once flushed from
// the memtable, read back byte for byte after a reopen, through an outbox,
// and through a backup and its restore.
#include <filesystem>

#include "store_fixture.h"

namespace council::store::test {
namespace {

// A report whose sections carry `paragraphs` paragraphs of Vietnamese text.
v1::Record LongReport(int n, int paragraphs) {
  v1::Record r = ReportDraft("2024-Q3", "Báo cáo kết quả giám sát số " + std::to_string(n));
  for (int p = 0; p < paragraphs; ++p) {
    v1::ReportSection* s = r.mutable_report()->add_sections();
    s->set_heading("Phần " + std::to_string(p + 1));
    s->set_text(
        "Thường trực HĐND xã đã phối hợp với Ủy ban MTTQ Việt Nam tổ chức tiếp xúc cử tri "
        "tại các thôn; cử tri kiến nghị sửa chữa tuyến đường liên thôn, nạo vét kênh mương "
        "nội đồng trước mùa mưa lũ và hỗ trợ hộ nghèo sửa chữa nhà ở. Đoàn giám sát ghi nhận "
        "số liệu của " + std::to_string(n) + " hộ.");
  }
  return r;
}

size_t TableFilesIn(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.path().extension() == ".sst";
  return n;
}

TEST_F(StoreTest, LargeVersionsReadBackExactlyAfterFlushReopenAndRestore) {
  constexpr int kRecords = 40;
  std::map<std::string, std::string> written;  // id -> canonical bytes
  for (int i = 0; i < kRecords; ++i) {
    v1::Record rec = Create(LongReport(i, 1 + i % 4));
    ASSERT_FALSE(rec.id().empty());
    written[rec.id()] = core::CanonicalBytes(rec);
  }
  auto check = [&](Store& store) {
    for (const auto& [id, bytes] : written) {
      absl::StatusOr<v1::Record> got = store.Get(id);
      ASSERT_TRUE(got.ok()) << id << ": " << got.status();
      EXPECT_EQ(core::CanonicalBytes(*got), bytes) << id;
    }
    absl::StatusOr<OutboxSlice> up = store.ReadOutbox("51", 1, kRecords, 1 << 20);
    ASSERT_TRUE(up.ok()) << up.status();
    ASSERT_EQ(up->records.size(), static_cast<size_t>(kRecords));
    for (const std::string& r : up->records) {
      v1::Record parsed;
      ASSERT_TRUE(parsed.ParseFromString(r));
      EXPECT_EQ(r, written.at(parsed.id()));
    }
  };
  Reopen();  // recovering the WAL flushes the memtable into a table file
  ASSERT_GT(TableFilesIn(dir_.Sub("db")), 0u) << "the versions were expected flushed";
  check(*store_);

  absl::StatusOr<BackupSummary> backup = store_->Backup(dir_.Sub("backup"), nullptr);
  ASSERT_TRUE(backup.ok()) << backup.status();
  store_.reset();
  absl::StatusOr<BackupSummary> restored = Store::Restore(dir_.Sub("backup"), dir_.Sub("restored"));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_GT(TableFilesIn(dir_.Sub("restored")), 0u);
  absl::StatusOr<std::unique_ptr<Store>> reopened = Store::Open(dir_.Sub("restored"), kPlace);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  check(**reopened);
}

}  // namespace
}  // namespace council::store::test
