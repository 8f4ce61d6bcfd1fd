#include "node/core/postings.h"

#include "node/core/hub.h"

namespace council::core {

void PostingsBuilder::Add(const v1::Record& rec, const RecordIdParts& id, uint64_t seq) {
  // The origin looked up once per record, not once per word.
  const uint32_t origin = origin_ids_.try_emplace(id.origin, origin_ids_.size()).first->second;
  const int64_t record = records_++;
  // Words straight into their blocks, no per-record map of terms: a word
  // seen again in the same record adds its weight to the posting it has.
  ForEachSearchWord(rec, [&](absl::string_view word, uint32_t weight) {
    auto it = blocks_.find(word);
    if (it == blocks_.end()) it = blocks_.emplace(std::string(word), Block()).first;
    Block& block = it->second;
    v1::PostingBlock& b = block.postings;
    if (block.last_record == record) {
      const int last = b.weight_size() - 1;
      b.set_weight(last, b.weight(last) + weight);
      return;
    }
    block.last_record = record;
    if (block.place.size() <= origin) block.place.resize(origin + 1, -1);
    int32_t& at = block.place[origin];
    if (at < 0) {
      at = b.origins_size();
      b.add_origins(id.origin);
    }
    b.add_origin_index(static_cast<uint32_t>(at));
    b.add_n(id.seq);
    b.add_seq(seq);
    b.add_weight(weight);
  });
}

void PostingsBuilder::ForEach(
    absl::FunctionRef<void(const std::string& word, const v1::PostingBlock& block)> fn) const {
  for (const auto& [word, block] : blocks_) fn(word, block.postings);
}

}  // namespace council::core
