// Search normalisation for Vietnamese: lower-case, diacritics removed, đ -> d,
// so "Kết luận giao ban", "KET LUAN GIAO BAN" and "ket luan giao ban" match.
#ifndef COUNCIL_NODE_CORE_FOLD_H_
#define COUNCIL_NODE_CORE_FOLD_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace council::core {

// Folds UTF-8 text: Vietnamese letters (precomposed or with combining marks)
// to their ASCII base letter, ASCII to lower case. Other characters pass
// through lower-cased where ASCII, unchanged otherwise. Invalid UTF-8 bytes
// are dropped.
std::string FoldText(absl::string_view text);

// Splits FoldText(text) into words of letters and digits, in order, with
// repeats. Words longer than 40 bytes are cut.
std::vector<std::string> Tokenize(absl::string_view text);
// Tokenize's words, each passed to `fn` as it is found (the view is valid
// during the call only), in one pass and without a string per word.
void ForEachWord(absl::string_view text, absl::FunctionRef<void(absl::string_view)> fn);

}  // namespace council::core

#endif  // COUNCIL_NODE_CORE_FOLD_H_
