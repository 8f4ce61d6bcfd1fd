#include "tests/bench/bench_records.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace council::bench {
namespace {

// Paragraphs in the style of a council's periodic report; %d takes a figure
// derived from the record's index.
constexpr std::array<const char*, 6> kParagraphs = {
    "Công tác tổ chức kỳ họp: HĐND tổ chức %d kỳ họp, trong đó có kỳ họp chuyên đề về điều "
    "chỉnh kế hoạch đầu tư công trung hạn; các nghị quyết được ban hành đúng thẩm quyền.",
    "Hoạt động giám sát: các Ban của HĐND đã giám sát việc thu, chi ngân sách và công tác cấp "
    "giấy chứng nhận quyền sử dụng đất tại %d thôn, tổ dân phố.",
    "Tiếp xúc cử tri, tiếp công dân: tổ chức %d cuộc tiếp xúc cử tri trước và sau kỳ họp; "
    "tổng hợp ý kiến, kiến nghị chuyển đến cơ quan có thẩm quyền xem xét, giải quyết.",
    "Khó khăn, vướng mắc: thành viên các Ban hoạt động kiêm nhiệm, thời gian dành cho công tác "
    "HĐND còn ít; %d kiến nghị thuộc thẩm quyền cấp trên chưa được trả lời đúng hạn.",
    "Phương hướng thời gian tới: tiếp tục đổi mới nội dung, phương thức hoạt động; nâng cao "
    "chất lượng chất vấn và trả lời chất vấn tại %d phiên họp.",
    "Công tác phối hợp: Thường trực HĐND duy trì giao ban định kỳ với UBND và Ủy ban MTTQ; "
    "đã tổ chức %d hội nghị trực báo để đánh giá tiến độ thực hiện nghị quyết.",
};

constexpr std::array<const char*, 4> kSigners = {"Nguyễn Văn An", "Trần Thị Bích Hạnh",
                                                 "Lê Quang Vinh", "Phạm Thị Thu Trang"};

// splitmix64: cheap, deterministic pseudo-random bytes.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::string NoiseBytes(uint64_t seed, size_t n) {
  std::string out;
  out.reserve(n + 8);
  for (uint64_t k = 0; out.size() < n; ++k) {
    uint64_t v = Mix(seed * 131 + k);
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  out.resize(n);
  return out;
}

}  // namespace

v1::Record ReportDraft(uint64_t i) {
  const int month = static_cast<int>(i % 12) + 1;
  const int figure = static_cast<int>(i % 97) + 2;
  v1::Record r;
  v1::DocumentMeta* doc = r.mutable_doc();
  doc->set_number(absl::StrCat(i % 900 + 1, "/BC-HĐND"));
  doc->set_issued_on(absl::StrFormat("2023-%02d-%02d", month, static_cast<int>(i % 28) + 1));
  doc->set_issuing_body("Thường trực Hội đồng nhân dân");
  doc->set_document_type("Báo cáo");
  doc->set_title(absl::StrCat("Báo cáo kết quả hoạt động tháng ", month,
                              " năm 2023 của Thường trực HĐND, số ", i));
  doc->set_signer(kSigners[i % kSigners.size()]);
  doc->set_signer_capacity("TM. THƯỜNG TRỰC HĐND");
  doc->set_signer_position("Phó Chủ tịch");
  doc->add_recipients("Thường trực HĐND cấp trên");
  doc->add_recipients("Lưu: VT");
  v1::Report* report = r.mutable_report();
  report->set_period(absl::StrFormat("2023-M%02d", month));
  report->set_period_label(absl::StrCat("tháng ", month, " năm 2023"));
  for (int s = 0; s < 2; ++s) {
    v1::ReportSection* section = report->add_sections();
    section->set_heading(absl::StrCat(s + 1, "."));
    section->set_text(absl::StrFormat(kParagraphs[(i + s * 2) % kParagraphs.size()], figure + s));
  }
  auto& metrics = *report->mutable_metrics();
  metrics["sessions_held"] = static_cast<int64_t>(i % 3) + 1;
  metrics["resolutions_passed"] = static_cast<int64_t>(i % 11) + 4;
  metrics["voter_meetings"] = figure;
  metrics["petitions_received"] = figure * 3;
  metrics["petitions_resolved"] = figure * 2;
  metrics["supervision_visits"] = static_cast<int64_t>(i % 7);
  return r;
}

const std::vector<std::string>& BenchCommunes() {
  static const auto* communes =
      new std::vector<std::string>{"21550", "21551", "21552", "21553", "21554", "21555"};
  return *communes;
}

v1::Record UnsignedVersion(v1::Record draft, const std::string& origin, uint64_t seq,
                           uint64_t tick) {
  draft.set_id(absl::StrCat(origin, ":", seq));
  draft.set_origin(origin);
  draft.set_seq(seq);
  draft.set_version(1);
  draft.set_hlc((static_cast<uint64_t>(kBenchWallMs) + tick) << 16);
  return draft;
}

v1::Record UnitVersion(const std::string& id, v1::Level level, const std::string& parent) {
  v1::Record r;
  r.mutable_unit()->set_id(id);
  r.mutable_unit()->set_level(level);
  r.mutable_unit()->set_name(absl::StrCat("HĐND ", id));
  r.mutable_unit()->set_parent(parent);
  r.mutable_doc()->set_title(r.unit().name());
  return UnsignedVersion(std::move(r), id, 1, 0);
}

v1::Record StoredReport(const std::string& origin, uint64_t seq) {
  v1::Record r = UnsignedVersion(ReportDraft(seq), origin, seq, seq);
  if (seq > 1) r.set_chain_prev(NoiseBytes(seq * 2, 32));
  r.set_signature(NoiseBytes(seq * 2 + 1, 64));
  return r;
}

std::string LogKey(const std::string& origin, uint64_t seq) {
  std::string key = absl::StrCat("L", origin);
  key.push_back('\0');
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(seq >> shift));
  return key;
}

}  // namespace council::bench
