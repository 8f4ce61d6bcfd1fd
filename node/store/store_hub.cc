// The hub's derived tables: staged with every applied version, read by the
// consolidation and follow-up views. Layout: LAYOUT.md, "Hub views".
#include <set>

#include "node/core/hub.h"
#include "node/core/ids.h"
#include "node/core/status_macros.h"
#include "node/store/keys.h"
#include "node/store/rocks_db.h"
#include "node/store/rocks_status.h"
#include "node/store/write_group.h"
#include "rocksdb/db.h"

namespace council::store {

void Store::Target::StageHubRows(const v1::Record& rec, const v1::Record* prev) {
  core::ApplyTallyChange(prev, rec, [&](const std::string& period) -> v1::ReportTally& {
    return MutableDerived<v1::ReportTally>(keys::Tally(period, rec.origin()));
  });
  if (rec.has_petition()) {
    absl::StatusOr<core::RecordIdParts> id = core::ParseRecordId(rec.id());
    std::string key = keys::PetitionState(id->origin, id->seq);
    v1::PetitionState& p = MutableDerived<v1::PetitionState>(key);
    p.set_petition_id(rec.id());
    p.set_title(rec.doc().title());
    p.set_field(rec.petition().field());
    p.set_competent_level(rec.petition().competent_level());
    p.set_due_date(rec.petition().due_date());
    if (!p.known()) p.set_recorded_hlc(rec.hlc());
    p.set_known(true);
  }
  if (rec.has_petition_answer()) {
    absl::StatusOr<core::RecordIdParts> id = core::ParseRecordId(rec.petition_answer().petition_id());
    if (id.ok()) {
      std::string key = keys::PetitionState(id->origin, id->seq);
      v1::PetitionState& p = MutableDerived<v1::PetitionState>(key);
      p.set_petition_id(rec.petition_answer().petition_id());
      if (p.answered_hlc() == 0 || rec.hlc() < p.answered_hlc()) {  // the first answer counts
        p.set_answered_hlc(rec.hlc());
        p.set_answer_id(rec.id());
      }
    }
  }
}

void Store::Target::TrackDirectiveTarget(const v1::Record& directive, const std::string& unit) {
  std::string key = keys::DirectiveState(unit, directive.id());
  const v1::DirectiveTargetState held = ReadDerived<v1::DirectiveTargetState>(key);
  if (held.directive_id() == directive.id() && held.due_date() == directive.directive().due_date()) return;
  v1::DirectiveTargetState& s = MutableDerived<v1::DirectiveTargetState>(key);
  s.set_directive_id(directive.id());
  s.set_due_date(directive.directive().due_date());
}

void Store::Target::TrackDirectiveUpdate(const v1::Record& update) {
  const v1::DirectiveUpdate& u = update.directive_update();
  std::string key = keys::DirectiveState(update.origin(), u.directive_id());
  v1::DirectiveTargetState& s = MutableDerived<v1::DirectiveTargetState>(key);
  s.set_directive_id(u.directive_id());
  if (s.received_hlc() == 0 || update.hlc() < s.received_hlc()) s.set_received_hlc(update.hlc());
  if (u.status() == v1::DIRECTIVE_STATUS_DONE && (s.done_hlc() == 0 || update.hlc() < s.done_hlc())) {
    s.set_done_hlc(update.hlc());
  }
  if (update.hlc() >= s.updated_hlc()) {  // the latest update gives the status
    s.set_updated_hlc(update.hlc());
    s.set_status(u.status());
    s.set_note(u.note());
  }
  if (s.due_date().empty()) {
    absl::StatusOr<std::optional<v1::Record>> d = Current(u.directive_id());
    if (d.ok() && d->has_value()) s.set_due_date((*d)->directive().due_date());
  }
}

bool Store::ReadRow(const std::string& key, google::protobuf::MessageLite* m) {
  std::string value;
  if (!db_->Get(key, &value).ok()) return false;
  return m->ParseFromString(value);
}

absl::Status Store::ScanRows(const std::string& prefix,
                             const std::function<void(absl::string_view, absl::string_view)>& fn) {
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(prefix[0]);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    fn(absl::string_view(it->key().data(), it->key().size()),
       absl::string_view(it->value().data(), it->value().size()));
  }
  return FromRocks(it->status(), "reading hub rows");
}

absl::StatusOr<v1::ReportTally> Store::Tally(const std::string& period, const std::string& origin) {
  v1::ReportTally t;
  ReadRow(keys::Tally(period, origin), &t);
  return t;
}

absl::StatusOr<std::vector<v1::DirectiveTargetState>> Store::DirectiveStates(const std::string& unit) {
  std::vector<v1::DirectiveTargetState> out;
  RETURN_IF_ERROR(ScanRows(keys::Prefix(keys::kDirectiveState, {unit}), [&](auto, auto value) {
    out.emplace_back().ParseFromArray(value.data(), static_cast<int>(value.size()));
  }));
  return out;
}

absl::StatusOr<std::vector<v1::PetitionState>> Store::PetitionStates(const std::string& origin) {
  std::vector<v1::PetitionState> out;
  RETURN_IF_ERROR(ScanRows(keys::Prefix(keys::kPetitionState, {origin}), [&](auto, auto value) {
    out.emplace_back().ParseFromArray(value.data(), static_cast<int>(value.size()));
  }));
  return out;
}

}  // namespace council::store
