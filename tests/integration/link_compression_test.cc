// --link-compression gzip (a commune on a slow link): the same records cross
// the link to the district, both ways, in fewer bytes as counted on the
// wire by a forwarder in between, and arrive byte for byte.
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tcp_forwarder.h"
#include "tree_harness.h"

namespace council::itest {
namespace {

constexpr int kRecords = 20;

struct Wire {
  uint64_t up = 0;    // commune -> district
  uint64_t down = 0;  // district -> commune
};

class LinkCompressionTest : public TreeTest {
 protected:
  std::string File(const std::string& name) const { return temp().path() + "/" + name; }

  // Runs commune 21550 through a fresh forwarder to its district with
  // `compression`, writes kRecords reports at the commune and kRecords
  // directives for it at the district (round `round`), waits until both ends
  // have exchanged everything, and returns the bytes that crossed for them.
  Wire Round(const std::string& compression, int round) {
    int district_port = 0;
    const std::string district = tree().listen_addr("522");
    EXPECT_TRUE(absl::SimpleAtoi(district.substr(district.rfind(':') + 1), &district_port));
    absl::StatusOr<std::unique_ptr<TcpForwarder>> fwd = TcpForwarder::Start(district_port);
    EXPECT_TRUE(fwd.ok()) << fwd.status();
    if (!fwd.ok()) return {};
    forwarders_.push_back(*std::move(fwd));
    TcpForwarder& f = *forwarders_.back();
    tree().Relocate("21550", tree().data_dir("21550"),
                    {"--parent", f.address(), "--link-compression", compression});
    absl::Status restarted = tree().Restart("21550");
    EXPECT_TRUE(restarted.ok()) << restarted;
    absl::Status synced = tree().WaitSynced("21550");
    EXPECT_TRUE(synced.ok()) << synced;
    const Wire before{f.bytes_up(), f.bytes_down()};
    // Both ends say whether the link is compressed.
    const std::string shown = compression == "gzip" ? "gzip" : "";
    for (const auto& [unit, peer] : {std::pair<std::string, std::string>{"21550", "522"}, {"522", "21550"}}) {
      absl::StatusOr<v1::StatusReply> status = tree().Status(unit);
      EXPECT_TRUE(status.ok()) << status.status();
      std::optional<v1::LinkStatus> link =
          status.ok() ? CouncilTree::LinkTo(*status, peer) : std::nullopt;
      EXPECT_TRUE(link.has_value() && link->compression() == shown) << unit << " -> " << peer;
    }
    RunResult text = tree().Ctl("21550", {"status"});
    EXPECT_EQ(text.out.find(", gzip") != std::string::npos, compression == "gzip") << text.out;

    const std::string report_text = ReadFile(FixturePath("bao_cao_8_thang_2023.txt")).value_or("");
    const std::string directive_text =
        ReadFile(FixturePath("cong_van_chi_dao_giam_sat_2023.txt")).value_or("");
    std::vector<v1::Record> reports, directives;
    for (int i = 1; i <= kRecords; ++i) {
      v1::Record r;
      r.mutable_doc()->set_title(absl::StrCat("Báo cáo số ", round, "/", i, " của HĐND phường Phổ Vinh"));
      r.mutable_report()->set_period("2023-YTD08");
      (*r.mutable_report()->mutable_metrics())["voter_meetings"] = i;
      r.set_text(report_text);
      reports.push_back(r);
      v1::Record d;
      d.mutable_doc()->set_title(absl::StrCat("Công văn số ", round, "/", i, " về giám sát chuyên đề"));
      d.mutable_directive()->mutable_scope()->set_kind(v1::SCOPE_UNITS);
      d.mutable_directive()->mutable_scope()->add_units("21550");
      d.mutable_directive()->set_due_date("2023-12-31");
      d.set_text(directive_text);
      directives.push_back(d);
    }
    for (const auto& [unit, drafts] : {std::pair{"21550", &reports}, {"522", &directives}}) {
      absl::Status imported = tree().Import(unit, *drafts, File("import.jsonl"));
      EXPECT_TRUE(imported.ok()) << imported;
    }
    synced = tree().WaitSynced("21550");
    EXPECT_TRUE(synced.ok()) << synced;
    return {f.bytes_up() - before.up, f.bytes_down() - before.down};
  }

  std::vector<std::unique_ptr<TcpForwarder>> forwarders_;
};

TEST_F(LinkCompressionTest, GzipCarriesTheSameRecordsInFewerBytesBothWays) {
  StartTree({"51", "522", "21550"});
  ASSERT_FALSE(HasFatalFailure());
  const Wire plain = Round("none", 1);
  ASSERT_FALSE(HasFailure());
  const Wire gzip = Round("gzip", 2);
  ASSERT_FALSE(HasFailure());
  // Records of ~1 KB of Vietnamese text compress to about half;
  // uncompressed, each round moves at least kRecords records each way.
  EXPECT_GT(plain.up, kRecords * 800u);
  EXPECT_GT(plain.down, kRecords * 700u);
  EXPECT_LT(gzip.up, plain.up * 7 / 10) << "up: " << gzip.up << " vs " << plain.up << " bytes";
  EXPECT_LT(gzip.down, plain.down * 7 / 10) << "down: " << gzip.down << " vs " << plain.down << " bytes";

  // What crossed compressed is what was written, byte for byte.
  auto exact_in_round2 = [&](const std::string& unit, const std::string& kind,
                             const std::string& title_prefix, const std::string& fixture) {
    const std::string text = ReadFile(FixturePath(fixture)).value_or("");
    absl::StatusOr<std::vector<v1::Record>> held = tree().List(unit, {"--kind", kind});
    EXPECT_TRUE(held.ok()) << held.status();
    int n = 0;
    for (const v1::Record& r : held.value_or(std::vector<v1::Record>{})) {
      if (r.doc().title().rfind(title_prefix, 0) != 0) continue;
      ++n;
      EXPECT_EQ(r.text(), text) << r.id();
    }
    return n;
  };
  EXPECT_EQ(exact_in_round2("522", "report", "Báo cáo số 2/", "bao_cao_8_thang_2023.txt"), kRecords);
  EXPECT_EQ(exact_in_round2("21550", "directive", "Công văn số 2/",
                            "cong_van_chi_dao_giam_sat_2023.txt"),
            kRecords);
}

TEST_F(LinkCompressionTest, UnknownCompressionIsRefusedAtStart) {
  RunResult r = itest::Run({CouncildPath(), "--data-dir", temp().path() + "/x", "--unit", "21550",
                     "--level", "commune", "--insecure", "--link-compression", "zstd"});
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("invalid --link-compression 'zstd': expected none or gzip"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace council::itest
