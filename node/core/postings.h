// The search postings of one indexer batch (node/store/store_index.cc): for
// each folded word of the batch's versions, one v1::PostingBlock of packed
// columns — which record, which version of it, the word's weight there —
// and the reading of a block. Pure: the store writes each block under
// keys::PostingBlock.
#ifndef COUNCIL_NODE_CORE_POSTINGS_H_
#define COUNCIL_NODE_CORE_POSTINGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "council/v1/record.pb.h"
#include "council/v1/search_text.pb.h"
#include "council/v1/store.pb.h"
#include "node/core/ids.h"

namespace council::core {

// One posting of a block: version `seq` of record <origin>:<n> holds the
// block's word with `weight`.
struct Posting {
  const std::string& origin;
  uint64_t n;
  uint64_t seq;
  uint32_t weight;
};

// Visits the postings of `block` in order, in either of its encodings
// (store.proto). False, having visited none, if the block is malformed:
// columns of unequal length, both encodings at once, or an origin index
// out of range.
bool ForEachPosting(const v1::PostingBlock& block, absl::FunctionRef<void(const Posting&)> fn);

class PostingsBuilder {
 public:
  // Adds the words of version `seq` of record `id`, each once, with its
  // weights summed as core::SearchTerms sums them; from the record or from
  // its searchable text (search_text.proto), to the same effect.
  void Add(const v1::Record& rec, const RecordIdParts& id, uint64_t seq);
  void Add(const v1::RecordSearchText& rec, const RecordIdParts& id, uint64_t seq);
  // Visits each word's block once, in no particular order.
  void ForEach(absl::FunctionRef<void(const std::string& word, const v1::PostingBlock& block)> fn) const;
  bool empty() const { return blocks_.empty(); }

 private:
  struct Block {
    v1::PostingBlock postings;
    std::vector<int32_t> place;  // batch origin id -> its place in postings.origins; -1: none
    std::vector<uint64_t> last_n;  // by place: the n of that origin's last posting
    int64_t last_record = -1;    // the Add that made the last posting
  };
  template <typename R>
  void AddWords(const R& rec, const RecordIdParts& id, uint64_t seq);
  int64_t records_ = 0;  // Add calls so far
  absl::flat_hash_map<std::string, uint32_t> origin_ids_;  // the batch's origins, numbered
  absl::flat_hash_map<std::string, Block> blocks_;
};

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_POSTINGS_H_
