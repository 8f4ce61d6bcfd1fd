#include "node/core/postings.h"

#include <vector>

#include "node/core/hub.h"

namespace council::core {

template <typename R>
void PostingsBuilder::AddWords(const R& rec, const RecordIdParts& id, uint64_t seq) {
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
      block.last_n.push_back(0);
    }
    // A batch adds each origin's records in feed order, so the steps are
    // small; a record numbered below the one before still decodes (a
    // negative step), as does a seq below n.
    uint64_t& last_n = block.last_n[static_cast<size_t>(at)];
    b.add_origin_index(static_cast<uint32_t>(at));
    b.add_n_step(static_cast<int64_t>(id.seq - last_n));
    b.add_seq_from_n(static_cast<int64_t>(seq - id.seq));
    b.add_weight(weight);
    last_n = id.seq;
  });
}

void PostingsBuilder::Add(const v1::Record& rec, const RecordIdParts& id, uint64_t seq) {
  AddWords(rec, id, seq);
}

void PostingsBuilder::Add(const v1::RecordSearchText& rec, const RecordIdParts& id, uint64_t seq) {
  AddWords(rec, id, seq);
}

bool ForEachPosting(const v1::PostingBlock& b, absl::FunctionRef<void(const Posting&)> fn) {
  const int size = b.origin_index_size();
  const bool steps = b.n_size() == 0 && b.seq_size() == 0;
  const bool equal = steps ? b.n_step_size() == size && b.seq_from_n_size() == size
                           : b.n_size() == size && b.seq_size() == size && b.n_step_size() == 0 &&
                                 b.seq_from_n_size() == 0;
  if (!equal || b.weight_size() != size) return false;
  for (uint32_t o : b.origin_index()) {
    if (o >= static_cast<uint32_t>(b.origins_size())) return false;
  }
  std::vector<uint64_t> last_n(static_cast<size_t>(b.origins_size()), 0);
  for (int i = 0; i < size; ++i) {
    const uint32_t o = b.origin_index(i);
    uint64_t n = b.n_size() > 0 ? b.n(i) : last_n[o] + static_cast<uint64_t>(b.n_step(i));
    uint64_t seq = b.seq_size() > 0 ? b.seq(i) : n + static_cast<uint64_t>(b.seq_from_n(i));
    last_n[o] = n;
    fn(Posting{b.origins(static_cast<int>(o)), n, seq, b.weight(i)});
  }
  return true;
}

void PostingsBuilder::ForEach(
    absl::FunctionRef<void(const std::string& word, const v1::PostingBlock& block)> fn) const {
  for (const auto& [word, block] : blocks_) fn(word, block.postings);
}

}  // namespace council::core
