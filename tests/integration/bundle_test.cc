// Sneakernet bundles between real councild processes: a commune whose link
// is down carries its records to the district on a file, the province gets
// them by normal sync, and the commune's next online sync sends none of them
// again; a district carries a directive down the same way. Altered,
// truncated, misaddressed and out-of-order bundles are refused and apply
// nothing; a bundle imported twice applies nothing the second time.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "metrics_scrape.h"
#include "node/core/bundle.h"
#include "node/crypto/ed25519.h"
#include "tree_harness.h"

namespace council::itest {
namespace {

// More than one import slice (4096 records) and many 1 MiB pieces.
constexpr int kReports = 4200;

class BundleTest : public TreeTest {
 protected:
  std::string File(const std::string& name) const { return temp().path() + "/" + name; }

  RunResult Bundle(const std::string& unit, std::vector<std::string> args) {
    args.insert(args.begin(), "bundle");
    return tree().Ctl(unit, args);
  }

  // `bundle import FILE` at `unit`, with --json: the reply.
  v1::BundleImportReply ImportJson(const std::string& unit, const std::string& file) {
    RunResult r = tree().Ctl(unit, {"--json", "bundle", "import", file});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    v1::BundleImportReply reply;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &reply).ok()) << r.out;
    return reply;
  }

  // Bytes `at` has received on its link from `peer` since it started
  // (REQUIRES: `at` runs with --metrics-listen).
  // Absent until the first message from `peer` since `at` started.
  std::optional<double> BytesFrom(const std::string& at, const std::string& peer) {
    std::optional<std::string> addr = ReadFile(tree().data_dir(at) + "/metrics.addr");
    EXPECT_TRUE(addr.has_value()) << at << " serves no metrics";
    const std::string key =
        absl::StrCat("council_link_bytes_received_total{peer=\"", peer, "\"}");
    auto samples = Samples(Scrape(TrimNewlines(addr.value_or(""))));
    auto it = samples.find(key);
    if (it == samples.end()) return std::nullopt;
    return it->second;
  }

  // Current reports held at `at`.
  uint64_t Reports(const std::string& at) {
    absl::StatusOr<v1::StatusReply> status = tree().Status(at);
    EXPECT_TRUE(status.ok()) << status.status();
    if (!status.ok()) return 0;
    for (const v1::KindCount& c : status->counts()) {
      if (c.kind() == "report") return c.count();
    }
    return 0;
  }

  // Writes `n` reports at `unit` (one import), each with a report's text.
  void WriteReports(const std::string& unit, int n) {
    v1::Record draft;
    draft.mutable_report()->set_period("2023-YTD08");
    draft.set_text(ReadFile(FixturePath("bao_cao_8_thang_2023.txt")).value_or(""));
    std::vector<v1::Record> drafts;
    for (int i = 1; i <= n; ++i) {
      draft.mutable_doc()->set_title(absl::StrCat("Báo cáo số ", i, " của HĐND phường Phổ Vinh"));
      (*draft.mutable_report()->mutable_metrics())["voter_meetings"] = i;
      drafts.push_back(draft);
    }
    absl::Status imported = tree().Import(unit, drafts, File("reports.jsonl"));
    ASSERT_TRUE(imported.ok()) << imported;
  }
};

// `file` with the byte at `at` changed.
std::string Flipped(std::string file, size_t at) {
  file[at] = static_cast<char>(file[at] ^ 0x20);
  return file;
}

// The bundle `file` without its first record, sealed again with the key at
// `key_path`: a genuine bundle that starts one position later.
std::string WithoutFirstRecord(const std::string& file, const std::string& key_path) {
  absl::StatusOr<core::Bundle> b = core::DecodeBundle(file);
  EXPECT_TRUE(b.ok()) << b.status();
  auto key = crypto::Ed25519Signer::Load(key_path);
  EXPECT_TRUE(key.ok()) << key.status();
  if (!b.ok() || !key.ok()) return "";
  v1::BundleHeader h = b->header;
  h.set_first(h.first() + 1);
  h.set_records(h.records() - 1);
  core::BundleWriter writer(h);
  for (size_t i = 1; i < b->records.size(); ++i) EXPECT_TRUE(writer.AddRecord(b->records[i]).ok());
  EXPECT_TRUE(writer.Seal(**key).ok());
  return writer.Take(SIZE_MAX);
}

TEST_F(BundleTest, ACommuneBundleCarriedToTheDistrictReachesTheProvinceAndIsNotResent) {
  StartTree({"51", "522", "21550"});
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(tree().Stop("522"), 0);

  // The commune works offline: its unit record is 21550:1, its reports
  // 21550:2 onwards.
  WriteReports("21550", kReports);
  ASSERT_FALSE(HasFatalFailure());
  const std::string first_id = "21550:2";
  const std::string last_id = absl::StrCat("21550:", kReports + 1);
  ASSERT_TRUE(tree().Find("21550", last_id).has_value());
  const std::string path = File("21550-for-522.bundle");
  RunResult exported = Bundle("21550", {"export", "--for-parent", "--out", path});
  ASSERT_EQ(exported.exit_code, 0) << Describe(exported);
  EXPECT_TRUE(absl::StartsWith(exported.out, "wrote 4,200 records for 522 (positions "))
      << exported.out;
  EXPECT_TRUE(absl::EndsWith(exported.out, ") to " + path + "\n")) << exported.out;
  EXPECT_EQ(exported.err, "") << "no progress line when stderr is not a terminal";
  RunResult again = Bundle("21550", {"export", "--for-parent", "--out", path});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err, "councilctl: " + path + " exists; use --force to replace it\n");
  const std::optional<std::string> file = ReadFile(path);
  ASSERT_TRUE(file.has_value());

  // Carried to the district, which comes back while the commune stays away.
  ASSERT_EQ(tree().Stop("21550"), 0);
  tree().Relocate("522", tree().data_dir("522"), {"--metrics-listen", "127.0.0.1:0"});
  ASSERT_TRUE(tree().Start("522").ok());

  // Damaged copies are refused whole.
  ASSERT_TRUE(WriteFile(File("flipped"), Flipped(*file, file->size() / 2)));
  RunResult flipped = Bundle("522", {"import", File("flipped")});
  EXPECT_EQ(flipped.exit_code, 1) << Describe(flipped);
  EXPECT_TRUE(absl::StrContains(flipped.err, "corrupt bundle")) << flipped.err;
  ASSERT_TRUE(WriteFile(File("truncated"), file->substr(0, file->size() * 2 / 3)));
  RunResult truncated = Bundle("522", {"import", File("truncated")});
  EXPECT_EQ(truncated.exit_code, 1) << Describe(truncated);
  EXPECT_TRUE(absl::StrContains(truncated.err, "truncated bundle: the file ends inside record "))
      << truncated.err;
  ASSERT_TRUE(WriteFile(File("records.jsonl"), "{\"id\":\"21550:2\"}\n"));
  RunResult other = Bundle("522", {"import", File("records.jsonl")});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(other.err, "not a council bundle")) << other.err;
  // Missing its first position: an earlier bundle was not imported.
  ASSERT_TRUE(WriteFile(File("gap"), WithoutFirstRecord(
                                         *file, tree().data_dir("21550") + "/signing.key")));
  RunResult gap = Bundle("522", {"import", File("gap")});
  EXPECT_EQ(gap.exit_code, 1) << Describe(gap);
  EXPECT_TRUE(absl::StrContains(gap.err, "are missing; import the bundle that holds them first"))
      << gap.err;
  // Meant for the district, not the province.
  RunResult misaddressed = Bundle("51", {"import", path});
  EXPECT_EQ(misaddressed.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(misaddressed.err,
                                "is for unit 522, not for this node (unit 51)"))
      << misaddressed.err;
  EXPECT_EQ(Reports("522"), 0u) << "a refused bundle applied something";

  RunResult imported = Bundle("522", {"import", path});
  ASSERT_EQ(imported.exit_code, 0) << Describe(imported);
  EXPECT_TRUE(absl::StartsWith(imported.out,
                               "applied 4,200 of 4,200 records from 21550; the next sync resumes "
                               "after position "))
      << imported.out;
  EXPECT_EQ(Reports("522"), static_cast<uint64_t>(kReports));
  v1::BundleImportReply twice = ImportJson("522", path);
  EXPECT_EQ(twice.applied(), 0u);
  EXPECT_EQ(twice.held(), twice.records());
  EXPECT_EQ(twice.cursor(), twice.last());
  EXPECT_EQ(twice.records(), static_cast<uint64_t>(kReports));

  // The province receives them by the district's normal sync.
  ASSERT_TRUE(tree().WaitSynced("522").ok());
  ASSERT_TRUE(tree().WaitForRecord("51", last_id).ok());
  EXPECT_EQ(Reports("51"), static_cast<uint64_t>(kReports));
  absl::StatusOr<v1::Record> at_province = tree().WaitForRecord("51", first_id);
  ASSERT_TRUE(at_province.ok());
  EXPECT_EQ(at_province->doc().title(), "Báo cáo số 1 của HĐND phường Phổ Vinh");

  // The commune's link comes back: it resumes after the bundle and sends
  // none of its records again (a resend would cost at least the bundle's
  // size in bytes received from it).
  const double before = BytesFrom("522", "21550").value_or(0);
  ASSERT_TRUE(tree().Start("21550").ok());
  ASSERT_TRUE(tree().WaitSynced("21550").ok());
  const std::string later = *tree().Create(
      "21550", {"report", "create", "--period", "2023-M09", "--title", "Báo cáo tháng 9"});
  ASSERT_TRUE(tree().WaitSyncedUp("21550").ok());
  ASSERT_TRUE(tree().WaitForRecord("51", later).ok());
  const std::optional<double> counted = BytesFrom("522", "21550");
  ASSERT_TRUE(counted.has_value()) << "522 counts no bytes from 21550";
  const double after = *counted;
  EXPECT_GT(after, before) << "the later report came over the link";
  EXPECT_LT(after - before, file->size() / 4.0)
      << "the commune resent records the district already holds from the bundle";
  absl::StatusOr<v1::StatusReply> district = tree().Status("522");
  ASSERT_TRUE(district.ok());
  std::optional<v1::LinkStatus> link = CouncilTree::LinkTo(*district, "21550");
  ASSERT_TRUE(link.has_value());
  EXPECT_TRUE(link->refused().empty()) << link->DebugString();
}

TEST_F(BundleTest, ADistrictBundleCarriesADirectiveToACommune) {
  StartTree({"51", "522", "21550"});
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(tree().Stop("21550"), 0);
  absl::StatusOr<std::string> directive = tree().Create(
      "522", {"directive", "issue", "--title", "Đôn đốc giải quyết kiến nghị cử tri",
              "--due", "2023-12-15", "--to", "21550"});
  ASSERT_TRUE(directive.ok()) << directive.status();
  const std::string path = File("522-for-21550.bundle");
  RunResult exported = Bundle("522", {"export", "--for-child", "21550", "--out", path});
  ASSERT_EQ(exported.exit_code, 0) << Describe(exported);
  EXPECT_TRUE(absl::StartsWith(exported.out, "wrote 1 record for 21550 (positions "))
      << exported.out;
  RunResult stranger = Bundle("522", {"export", "--for-child", "21580", "--out", File("x")});
  EXPECT_EQ(stranger.exit_code, 1);
  EXPECT_EQ(stranger.err,
            "councilctl: unit 21580 is neither the parent nor a child of this node (unit 522)\n");

  // The commune starts while the district is unreachable, and takes the
  // bundle by hand.
  ASSERT_EQ(tree().Stop("522"), 0);
  tree().Relocate("21550", tree().data_dir("21550"), {"--metrics-listen", "127.0.0.1:0"});
  ASSERT_TRUE(tree().Start("21550").ok());
  v1::BundleImportReply reply = ImportJson("21550", path);
  EXPECT_EQ(reply.from(), "522");
  EXPECT_EQ(reply.applied(), 1u);
  EXPECT_EQ(reply.cursor(), reply.last());
  absl::StatusOr<v1::Record> held = tree().WaitForRecord("21550", *directive, milliseconds(2000));
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->doc().title(), "Đôn đốc giải quyết kiến nghị cử tri");
  RunResult twice = Bundle("21550", {"import", path});
  EXPECT_EQ(twice.exit_code, 0);
  EXPECT_TRUE(absl::StartsWith(twice.out, "nothing applied: this node already holds 522's "))
      << twice.out;

  // The link comes back: the commune's receipt goes up, the directive does
  // not come down again.
  const double before = BytesFrom("21550", "522").value_or(0);
  ASSERT_TRUE(tree().Start("522").ok());
  ASSERT_TRUE(tree().WaitSynced("21550").ok());
  // The district acknowledges the receipt: the count exists from then on.
  const std::optional<double> after = BytesFrom("21550", "522");
  ASSERT_TRUE(after.has_value()) << "21550 counts no bytes from 522";
  EXPECT_LT(*after - before, held->ByteSizeLong()) << "the district sent the directive again";
  RunResult track = tree().Ctl("522", {"directive", "track", *directive});
  EXPECT_EQ(track.exit_code, 0) << Describe(track);
  EXPECT_TRUE(absl::StrContains(track.out, "received")) << track.out;
  absl::StatusOr<v1::StatusReply> commune = tree().Status("21550");
  ASSERT_TRUE(commune.ok());
  std::optional<v1::LinkStatus> link = CouncilTree::LinkTo(*commune, "522");
  ASSERT_TRUE(link.has_value());
  EXPECT_TRUE(link->refused().empty()) << link->DebugString();
}

}  // namespace
}  // namespace council::itest
