// Surviving a lost or restored disk (issue 8): real councild processes on
// 127.0.0.1 — province 51, district 522, commune 21550.
// - Backup, more writes, restore: the commune fetches back from its district
//   what it wrote after the backup, takes no local write until then, and
//   never hands out a sequence twice (no fork anywhere).
// - Disk wiped, keys kept: the commune is rebuilt from its district with
//   exactly the content it had, and resumes after its highest sequence.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tree_harness.h"

namespace council::itest {
namespace {

const std::set<std::string> kUnits = {"51", "522", "21550"};

class ResilienceTest : public TreeTest {
 protected:
  std::string Report(const std::string& title) {
    absl::StatusOr<std::string> id =
        tree().Create("21550", {"report", "create", "--period", "2024-Q3", "--title", title});
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or("");
  }
  uint64_t LastSeq(const std::string& unit) {
    absl::StatusOr<v1::StatusReply> s = tree().Status(unit);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? s->last_seq() : 0;
  }
  // Refusals of any reason counted on every link of `unit`.
  std::map<std::string, uint64_t> Refusals(const std::string& unit) {
    std::map<std::string, uint64_t> out;
    absl::StatusOr<v1::StatusReply> s = tree().Status(unit);
    EXPECT_TRUE(s.ok()) << s.status();
    if (!s.ok()) return out;
    for (const v1::LinkStatus& l : s->links()) {
      for (const auto& [reason, n] : l.refused()) out[reason] += n;
    }
    return out;
  }
  // Current records at `unit`, id -> canonical bytes of the JSON export line.
  std::map<std::string, std::string> Content(const std::string& unit) {
    std::map<std::string, std::string> out;
    absl::StatusOr<std::string> lines = tree().Export(unit, {});
    EXPECT_TRUE(lines.ok()) << lines.status();
    for (absl::string_view line : absl::StrSplit(lines.value_or(""), '\n', absl::SkipEmpty())) {
      size_t at = line.find("\"id\":\"");
      EXPECT_NE(at, absl::string_view::npos) << line;
      if (at == absl::string_view::npos) continue;
      std::string id(line.substr(at + 6, line.find('"', at + 6) - at - 6));
      out[id] = std::string(line);
    }
    return out;
  }
  absl::Status WaitRecovered(const std::string& unit) {
    return WaitFor(
        [&] {
          absl::StatusOr<v1::StatusReply> s = tree().Status(unit);
          return s.ok() && !s->recovering();
        },
        milliseconds(20000), absl::StrCat(unit, " to end its recovery"));
  }
  std::string NewDir(const std::string& name) {
    std::string dir = absl::StrCat(temp().path(), "/", name);
    std::filesystem::create_directories(dir);
    return dir;
  }
};

TEST_F(ResilienceTest, RestoredNodeRecoversWhatItWroteAfterTheBackupAndReusesNoSequence) {
  StartTree(kUnits);
  Report("Báo cáo kết quả giám sát quý III");
  ASSERT_TRUE(tree().WaitSyncedUp("21550").ok());
  const std::string backup = NewDir("backup");
  RunResult made = tree().Ctl("21550", {"backup", "create", "--out", backup});
  ASSERT_EQ(made.exit_code, 0) << Describe(made);
  EXPECT_TRUE(absl::StrContains(made.out, "backup 1 written to")) << made.out;

  std::string after1 = Report("Báo cáo sau sao lưu: tiếp xúc cử tri");
  std::string after2 = Report("Báo cáo sau sao lưu: giải quyết kiến nghị");
  ASSERT_TRUE(tree().WaitSyncedUp("21550").ok());
  const uint64_t handed_out = LastSeq("21550");
  const std::map<std::string, std::string> before = Content("21550");

  // The disk dies; the office restores last night's backup while its
  // district is down, so the commune cannot yet know what it has lost.
  ASSERT_EQ(tree().Kill("21550"), 128 + 9);
  tree().Stop("522");
  const std::string restored = NewDir("restored");
  RunResult restore = itest::Run({CouncildPath(), "restore", "--from", backup, "--data-dir", restored});
  ASSERT_EQ(restore.exit_code, 0) << Describe(restore);
  EXPECT_TRUE(absl::StrContains(restore.out, "restored backup 1")) << restore.out;
  RunResult again = itest::Run({CouncildPath(), "restore", "--from", backup, "--data-dir", restored});
  EXPECT_EQ(again.exit_code, 1) << Describe(again);
  EXPECT_TRUE(absl::StrContains(again.err, "already holds a database")) << again.err;

  tree().Relocate("21550", restored);
  ASSERT_TRUE(tree().Start("21550").ok());
  absl::StatusOr<v1::StatusReply> status = tree().Status("21550");
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->recovering());
  EXPECT_LT(status->last_seq(), handed_out);
  RunResult refused = tree().Ctl("21550", {"report", "create", "--period", "2024", "--title", "Sớm"});
  EXPECT_EQ(refused.exit_code, 1) << Describe(refused);
  EXPECT_TRUE(absl::StrContains(refused.err, "recovering")) << refused.err;

  ASSERT_TRUE(tree().Start("522").ok());
  ASSERT_TRUE(WaitRecovered("21550").ok());
  EXPECT_EQ(LastSeq("21550"), handed_out);
  EXPECT_EQ(Content("21550"), before);

  std::string fresh = Report("Báo cáo viết sau khi khôi phục");
  absl::StatusOr<v1::Record> rec = tree().WaitForRecord("51", fresh);
  ASSERT_TRUE(rec.ok()) << rec.status();
  EXPECT_EQ(rec->seq(), handed_out + 1);
  ASSERT_TRUE(tree().WaitSyncedUp("21550").ok());
  for (const std::string& id : {after1, after2, fresh}) {
    EXPECT_TRUE(tree().Find("51", id).has_value()) << id;
  }
  for (const std::string unit : {"51", "522", "21550"}) {
    EXPECT_EQ(Refusals(unit), (std::map<std::string, uint64_t>{})) << unit;
  }
}

TEST_F(ResilienceTest, WipedNodeIsRebuiltFromItsParentWithIdenticalContent) {
  StartTree(kUnits);
  absl::StatusOr<std::string> directive = tree().Create(
      "522", {"directive", "issue", "--title", "Đôn đốc tổng hợp kiến nghị cử tri", "--due",
              "2026-12-31", "--to", "21550"});
  ASSERT_TRUE(directive.ok()) << directive.status();
  Report("Báo cáo kết quả kỳ họp thứ 7");
  Report("Báo cáo giám sát công tác tiếp công dân");
  ASSERT_TRUE(tree().WaitAllSynced().ok());
  ASSERT_TRUE(tree().WaitForRecord("21550", *directive).ok());
  ASSERT_TRUE(tree().WaitAllSynced().ok());
  const std::map<std::string, std::string> before = Content("21550");
  const uint64_t handed_out = LastSeq("21550");
  ASSERT_GE(before.size(), 5u);  // units, the directive, its receipt, two reports

  // Only the signing key survives (kept off the machine, as the README says).
  const std::string key = absl::StrCat(temp().path(), "/21550-signing.key");
  std::filesystem::copy_file(tree().data_dir("21550") + "/signing.key", key);
  ASSERT_EQ(tree().Kill("21550"), 128 + 9);
  std::filesystem::remove_all(tree().data_dir("21550"));

  tree().Relocate("21550", NewDir("rebuilt"), {"--recover-from-parent", "--signing-key", key});
  ASSERT_TRUE(tree().Start("21550").ok());
  ASSERT_TRUE(WaitRecovered("21550").ok());
  ASSERT_TRUE(tree().WaitAllSynced().ok());
  EXPECT_EQ(Content("21550"), before);
  EXPECT_EQ(LastSeq("21550"), handed_out);

  std::string fresh = Report("Báo cáo đầu tiên sau khi dựng lại");
  absl::StatusOr<v1::Record> rec = tree().WaitForRecord("51", fresh);
  ASSERT_TRUE(rec.ok()) << rec.status();
  EXPECT_EQ(rec->seq(), handed_out + 1);
  for (const std::string unit : {"51", "522", "21550"}) {
    EXPECT_EQ(Refusals(unit), (std::map<std::string, uint64_t>{})) << unit;
  }
}

}  // namespace
}  // namespace council::itest
