// Search folding and postings, and the hub's pure aggregation rules.
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "node/core/fold.h"
#include "node/core/hub.h"
#include "node/core/postings.h"
#include "node/core/serialize.h"

namespace council::core {
namespace {

TEST(Fold, VietnameseMatchesWithAndWithoutDiacritics) {
  EXPECT_EQ(FoldText("Kết luận giao ban"), "ket luan giao ban");
  EXPECT_EQ(FoldText("ĐOÀN ĐẠI BIỂU QUỐC HỘI"), "doan dai bieu quoc hoi");
  EXPECT_EQ(FoldText("Hội đồng nhân dân"), "hoi dong nhan dan");
  // Decomposed input (base letter + combining marks) folds the same way.
  EXPECT_EQ(FoldText("Ke\xCC\x82\xCC\x81t"), "ket");
  EXPECT_EQ(FoldText("ư ơ ă â ê ô"), "u o a a e o");
}

TEST(Fold, TokenizeSplitsOnPunctuationAndKeepsNumbers) {
  EXPECT_EQ(Tokenize("Số 379/QCPH-ĐĐBQH, ngày 06/5/2022"),
            (std::vector<std::string>{"so", "379", "qcph", "ddbqh", "ngay", "06", "5", "2022"}));
  EXPECT_TRUE(Tokenize(" ,.;- ").empty());
  EXPECT_EQ(Tokenize("“giao ban” – tháng 9…"),
            (std::vector<std::string>{"giao", "ban", "thang", "9"}));
}

TEST(Fold, EveryVietnameseLetterFoldsToItsBaseLetter) {
  EXPECT_EQ(
      FoldText("àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
               "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"),
      "aaaaeeeiioooouuyadiuouaaaaaaaaaaaaeeeeeeeeiioooooooooooouuuuuuuyyyy"
      "aaaaeeeiioooouuyadiuouaaaaaaaaaaaaeeeeeeeeiioooooooooooouuuuuuuyyyy");
  // Letters beside them that are not Vietnamese pass through.
  EXPECT_EQ(FoldText("ÅñßЖ"), "ÅñßЖ");
}

TEST(Fold, WordsAreTheWordsOfTheFoldedText) {
  const std::string long_word(50, 'x');
  for (const std::string& text :
       {std::string("Kết luận số 15-KL/HĐND: “giao ban” – tháng 9…"),
        std::string("Ke\xCC\x82\xCC\x81t lua\xCC\x82n"),          // combining marks
        std::string("bad\xFF byte\xC3 cut \xE1\xBA"),                 // invalid UTF-8
        "Đoàn " + long_word + "ĐẠI " + long_word, std::string("Số 06/5/2022；Ｎ"),
        std::string("")}) {
    EXPECT_EQ(Tokenize(text), Tokenize(FoldText(text))) << text;
    std::vector<std::string> seen;
    ForEachWord(text, [&](absl::string_view w) { seen.emplace_back(w); });
    EXPECT_EQ(seen, Tokenize(text)) << text;
  }
  EXPECT_EQ(Tokenize("bad\xFF byte"), (std::vector<std::string>{"bad", "byte"}));
  EXPECT_EQ(Tokenize("Đoàn " + long_word), (std::vector<std::string>{"doan", long_word.substr(0, 40)}));
}

TEST(Hub, SearchTermsWeighTheWordsOfEachField) {
  v1::Record r;
  r.mutable_doc()->set_title("Kết luận giám sát");                 // 3
  r.mutable_doc()->set_number("15/KL-HĐND");                       // 2
  r.set_text("Kết quả giám sát việc giải quyết kiến nghị.");       // 1
  auto* section = r.mutable_report()->add_sections();
  section->set_heading("Kết quả");                                 // 1
  section->set_text("Đã giải quyết");                              // 1
  const absl::flat_hash_map<std::string, uint32_t> terms = SearchTerms(r);
  const absl::flat_hash_map<std::string, uint32_t> expected = {
      {"ket", 3 + 1 + 1}, {"luan", 3},  {"giam", 3 + 1}, {"sat", 3 + 1}, {"15", 2},
      {"kl", 2},          {"hdnd", 2},  {"qua", 1 + 1},  {"viec", 1},    {"giai", 1 + 1},
      {"quyet", 1 + 1},   {"kien", 1},  {"nghi", 1},     {"da", 1}};
  EXPECT_EQ(terms, expected);
}

// The indexer reads stored records as v1::RecordSearchText: every field
// ForEachSearchWord reads (the template does not compile without it) must
// carry the Record field's number, so that each yields the same words.
TEST(Hub, SearchTextOfStoredBytesYieldsTheRecordsWords) {
  auto words = [](const auto& r) {
    std::vector<std::string> out;
    ForEachSearchWord(r, [&](absl::string_view w, uint32_t weight) { out.push_back(absl::StrCat(w, "/", weight)); });
    return out;
  };
  std::vector<v1::Record> records(5);
  for (size_t i = 0; i < records.size(); ++i) {
    v1::Record& r = records[i];
    r.set_id(absl::StrCat("21550:", i + 1));
    r.set_origin("21550");
    r.set_seq(i + 1);
    r.set_hlc(1700000000000ull << 16);
    r.set_author("Văn phòng");
    auto* doc = r.mutable_doc();
    doc->set_number("số01");
    doc->set_issued_on("2023-09-05");
    doc->set_issuing_body("cơquan");
    doc->set_document_type("Báo cáo");
    doc->set_title("tiêuđề");
    doc->set_abstract("tríchyếu");
    doc->set_signer("ngườiký");
    doc->set_signer_position("Chủ tịch");
    doc->add_recipients("Thường trực");
    r.set_text("vănbản");
    r.set_signature(std::string(64, '\xAB'));
    r.set_chain_prev(std::string(32, '\x01'));
  }
  auto* report = records[0].mutable_report();
  report->set_period("2023-YTD08");
  (*report->mutable_metrics())["sessions_held"] = 4;
  report->add_sections()->set_heading("đềmục1");
  report->mutable_sections(0)->set_text("nộidung1");
  report->add_sections()->set_heading("đềmục2");
  auto* c = records[1].mutable_conclusion();
  c->set_meeting_kind("giaoban");
  c->set_meeting_date("2023-09-05");
  c->set_place("hộitrường");
  c->set_chair("chủtọa");
  c->add_attendees("Đại biểu");
  c->set_assessment("đánhgiá");
  c->set_limitations("hạnchế");
  c->add_tasks("nhiệmvụ1");
  c->add_tasks("nhiệmvụ2");
  auto* p = records[2].mutable_petition();
  p->set_field("lĩnhvực");
  p->set_petitioner("cửtri");
  p->set_location("thôn");
  p->set_status(v1::PETITION_STATUS_OPEN);
  records[3].mutable_directive_update()->set_note("ghichú");
  records[3].mutable_directive_update()->set_directive_id("51:9");
  records[4].mutable_unit()->set_name("xãtân");
  records[4].mutable_unit()->set_public_key(std::string(32, '\x07'));
  for (const v1::Record& r : records) {
    v1::RecordSearchText text;
    ASSERT_TRUE(text.ParseFromString(CanonicalBytes(r)));
    EXPECT_EQ(text.id(), r.id());
    EXPECT_EQ(words(text), words(r)) << r.ShortDebugString();
    EXPECT_GE(words(r).size(), 7u);  // the document's fields and the body's
  }
}

TEST(Postings, OneBlockPerWordWithEachVersionHoldingIt) {
  v1::Record a, b;
  a.mutable_doc()->set_title("Kiến nghị cử tri");  // 3 each
  b.set_text("Trả lời kiến nghị");                 // 1 each
  PostingsBuilder postings;
  postings.Add(a, {"21550", 4}, 9);
  postings.Add(b, {"21551", 2}, 5);
  postings.Add(b, {"21550", 7}, 12);
  postings.Add(b, {"21550", 3}, 3);  // numbered below the one before: a negative step
  std::map<std::string, std::vector<std::string>> seen;  // word -> "origin:n@seq w"
  postings.ForEach([&](const std::string& word, const v1::PostingBlock& block) {
    EXPECT_EQ(block.n_size(), 0) << "written as steps";
    EXPECT_TRUE(ForEachPosting(block, [&](const Posting& p) {
      seen[word].push_back(absl::StrCat(p.origin, ":", p.n, "@", p.seq, " ", p.weight));
    })) << word;
    // Each origin listed once per block.
    std::set<std::string> origins(block.origins().begin(), block.origins().end());
    EXPECT_EQ(origins.size(), static_cast<size_t>(block.origins_size())) << word;
  });
  const std::map<std::string, std::vector<std::string>> expected = {
      {"kien", {"21550:4@9 3", "21551:2@5 1", "21550:7@12 1", "21550:3@3 1"}},
      {"nghi", {"21550:4@9 3", "21551:2@5 1", "21550:7@12 1", "21550:3@3 1"}},
      {"cu", {"21550:4@9 3"}},
      {"tri", {"21550:4@9 3"}},
      {"tra", {"21551:2@5 1", "21550:7@12 1", "21550:3@3 1"}},
      {"loi", {"21551:2@5 1", "21550:7@12 1", "21550:3@3 1"}}};
  EXPECT_EQ(seen, expected);
  EXPECT_FALSE(postings.empty());
  EXPECT_TRUE(PostingsBuilder().empty());
}

TEST(Postings, WeighEachWordAsSearchTermsDoes) {
  v1::Record r;  // words repeated within and across fields of different weights
  r.mutable_doc()->set_title("Kết luận giám sát kết quả");
  r.mutable_doc()->set_number("15/KL-HĐND");
  r.set_text("Kết quả giám sát việc giải quyết kiến nghị, kiến nghị còn lại.");
  r.mutable_report()->add_sections()->set_text("Đã giải quyết 15 kiến nghị");
  PostingsBuilder postings;
  postings.Add(r, {"21550", 3}, 8);
  absl::flat_hash_map<std::string, uint32_t> weights;
  postings.ForEach([&](const std::string& word, const v1::PostingBlock& block) {
    ASSERT_EQ(block.weight_size(), 1) << word;  // one posting per record, however often the word
    weights[word] = block.weight(0);
  });
  EXPECT_EQ(weights, SearchTerms(r));
  EXPECT_EQ(weights["kien"], 3u);
  EXPECT_EQ(weights["ket"], 3u + 3u + 1u);
}

// Postings as "origin:n@seq w", or "malformed".
std::vector<std::string> Decoded(const v1::PostingBlock& block) {
  std::vector<std::string> out;
  if (!ForEachPosting(block, [&](const Posting& p) {
        out.push_back(absl::StrCat(p.origin, ":", p.n, "@", p.seq, " ", p.weight));
      })) {
    return {"malformed"};
  }
  return out;
}

TEST(Postings, ReadsBlocksWrittenWithNumbersAsTheyAre) {
  v1::PostingBlock old;  // as blocks were written before the steps
  old.add_origins("21550");
  old.add_origins("21551");
  for (auto [o, n, seq, w] : {std::array<uint64_t, 4>{0, 4, 9, 3}, {1, 2, 5, 1}, {0, 7, 12, 1}}) {
    old.add_origin_index(static_cast<uint32_t>(o));
    old.add_n(n);
    old.add_seq(seq);
    old.add_weight(static_cast<uint32_t>(w));
  }
  EXPECT_EQ(Decoded(old), (std::vector<std::string>{"21550:4@9 3", "21551:2@5 1", "21550:7@12 1"}));
}

TEST(Postings, RefusesMalformedBlocksWithoutVisitingAny) {
  v1::Record r;
  r.set_text("kiến nghị");
  PostingsBuilder postings;
  postings.Add(r, {"21550", 4}, 9);
  postings.Add(r, {"21551", 2}, 2);
  v1::PostingBlock good;
  postings.ForEach([&](const std::string& word, const v1::PostingBlock& b) {
    if (word == "kien") good = b;
  });
  ASSERT_EQ(Decoded(good), (std::vector<std::string>{"21550:4@9 1", "21551:2@2 1"}));
  v1::PostingBlock shorter = good;
  shorter.mutable_seq_from_n()->RemoveLast();
  v1::PostingBlock both = good;  // steps and plain numbers at once
  both.add_n(4);
  both.add_n(2);
  both.add_seq(9);
  both.add_seq(2);
  v1::PostingBlock stray = good;
  stray.set_origin_index(1, 2);  // only two origins
  v1::PostingBlock no_weight = good;
  no_weight.clear_weight();
  for (const v1::PostingBlock* b : {&shorter, &both, &stray, &no_weight}) {
    EXPECT_EQ(Decoded(*b), std::vector<std::string>{"malformed"}) << b->ShortDebugString();
  }
}

TEST(Postings, StepsTakeFewerBytesThanTheNumbers) {
  v1::Record r;
  r.set_text("báo cáo");
  PostingsBuilder postings;
  // Six communes' records well into their logs, interleaved as a batch
  // takes them from the feed; every third an amendment.
  for (uint64_t i = 0; i < 600; ++i) {
    const uint64_t n = 250000 + i / 6;
    postings.Add(r, {absl::StrCat(21550 + i % 6), n}, i % 3 == 0 ? n + 40 : n);
  }
  postings.ForEach([&](const std::string& word, const v1::PostingBlock& steps) {
    v1::PostingBlock plain;
    *plain.mutable_origins() = steps.origins();
    *plain.mutable_origin_index() = steps.origin_index();
    *plain.mutable_weight() = steps.weight();
    ASSERT_TRUE(ForEachPosting(steps, [&](const Posting& p) {
      plain.add_n(p.n);
      plain.add_seq(p.seq);
    }));
    ASSERT_EQ(Decoded(plain), Decoded(steps)) << word;
    // Of a posting's ~8 bytes, n and seq take 3 each as numbers, 1 each as
    // steps.
    EXPECT_LT(steps.ByteSizeLong() * 10, plain.ByteSizeLong() * 6) << word;
  });
}

TEST(Hub, TallyChangeReplacesAnAmendedReport) {
  std::map<std::string, v1::ReportTally> tallies;
  auto row = [&](const std::string& period) -> v1::ReportTally& { return tallies[period]; };
  v1::Record v1r;
  v1r.mutable_report()->set_period("2023");
  (*v1r.mutable_report()->mutable_metrics())["sessions_held"] = 2;
  (*v1r.mutable_report()->mutable_metrics())["voter_meetings"] = 14;
  ApplyTallyChange(nullptr, v1r, row);
  EXPECT_EQ(tallies["2023"].reports(), 1u);
  EXPECT_EQ(tallies["2023"].metrics().at("voter_meetings"), 14);
  v1::Record v2r = v1r;
  (*v2r.mutable_report()->mutable_metrics())["sessions_held"] = 3;
  v2r.mutable_report()->mutable_metrics()->erase("voter_meetings");
  ApplyTallyChange(&v1r, v2r, row);
  ASSERT_EQ(tallies.size(), 1u);
  EXPECT_EQ(tallies["2023"].reports(), 1u);
  EXPECT_EQ(tallies["2023"].metrics().at("sessions_held"), 3);
  EXPECT_EQ(tallies["2023"].metrics().count("voter_meetings"), 0u);  // summed to zero: dropped
  v1::Record v3r = v2r;
  v3r.mutable_report()->set_period("2023-H2");  // the amendment moves it to another period
  ApplyTallyChange(&v2r, v3r, row);
  EXPECT_EQ(tallies["2023"].reports(), 0u);
  EXPECT_TRUE(tallies["2023"].metrics().empty());
  EXPECT_EQ(tallies["2023-H2"].reports(), 1u);
  EXPECT_EQ(tallies["2023-H2"].metrics().at("sessions_held"), 3);
}

TEST(Hub, FiguresCountOverdueAgainstToday) {
  UnitFigures f;
  f.tally.set_reports(1);
  (*f.tally.mutable_metrics())["voter_meetings"] = 14;
  v1::DirectiveTargetState late;
  late.set_due_date("2023-12-15");
  late.set_status(v1::DIRECTIVE_STATUS_RECEIVED);
  v1::DirectiveTargetState done = late;
  done.set_status(v1::DIRECTIVE_STATUS_DONE);
  f.directives = {late, done};
  v1::PetitionState open;
  open.set_known(true);
  open.set_due_date("2023-11-30");
  v1::PetitionState answered = open;
  answered.set_answered_hlc(99);
  f.petitions = {open, answered};

  v1::ConsolidatedRow row;
  AddFigures(f, "2023-12-01", &row);
  EXPECT_EQ(row.directives(), 2u);
  EXPECT_EQ(row.directives_received(), 2u);
  EXPECT_EQ(row.directives_done(), 1u);
  EXPECT_EQ(row.directives_overdue(), 0u);  // due 15 Dec, today 1 Dec
  EXPECT_EQ(row.petitions_open(), 1u);
  EXPECT_EQ(row.petitions_overdue(), 1u);
  v1::ConsolidatedRow later;
  AddFigures(f, "2023-12-16", &later);
  EXPECT_EQ(later.directives_overdue(), 1u);
  v1::ConsolidatedRow total;
  AddRow(row, &total);
  AddRow(later, &total);
  EXPECT_EQ(total.units(), 2u);
  EXPECT_EQ(total.metrics().at("voter_meetings"), 28);
  EXPECT_EQ(total.missing(), 0u);
}

}  // namespace
}  // namespace council::core
