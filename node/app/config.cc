#include "node/app/config.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "node/core/ids.h"
#include "node/core/status_macros.h"

namespace council::app {
namespace {

// Collects the parser's first error with its position.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (message_.empty()) message_ = absl::StrCat("line ", line + 1, ":", column + 1, ": ", message);
  }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

}  // namespace

absl::StatusOr<v1::NodeConfig> LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read config file ", path));
  std::stringstream text;
  text << in.rdbuf();
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  v1::NodeConfig config;
  if (!parser.ParseFromString(text.str(), &config)) {
    return absl::InvalidArgumentError(absl::StrCat("config file ", path, ": ", errors.message()));
  }
  return config;
}

void MergeConfig(const v1::NodeConfig& overrides, v1::NodeConfig* base) {
  const auto* refl = overrides.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  refl->ListFields(overrides, &fields);  // lists only fields that are set
  for (const auto* f : fields) {
    if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
      refl->SetString(base, f, refl->GetString(overrides, f));
    } else if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_ENUM) {
      refl->SetEnumValue(base, f, refl->GetEnumValue(overrides, f));
    } else if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_BOOL) {
      refl->SetBool(base, f, refl->GetBool(overrides, f));
    }
  }
}

absl::Status ValidateAddress(const std::string& flag, const std::string& addr) {
  size_t colon = addr.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(addr.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid ", flag, " '", addr, "': expected HOST:PORT, e.g. 127.0.0.1:7101"));
  }
  return absl::OkStatus();
}

absl::Status ValidateConfig(const v1::NodeConfig& config) {
  if (config.data_dir().empty()) return absl::InvalidArgumentError("--data-dir is required");
  if (!config.unit().empty()) RETURN_IF_ERROR(core::ValidateUnitId(config.unit(), "--unit"));
  if (!config.parent_unit().empty()) {
    RETURN_IF_ERROR(core::ValidateUnitId(config.parent_unit(), "--parent-unit"));
  }
  if (!config.listen().empty()) RETURN_IF_ERROR(ValidateAddress("--listen", config.listen()));
  if (!config.parent().empty()) RETURN_IF_ERROR(ValidateAddress("--parent", config.parent()));
  if (!config.metrics_listen().empty()) {
    RETURN_IF_ERROR(ValidateAddress("--metrics-listen", config.metrics_listen()));
  }
  RETURN_IF_ERROR(ValidateAddress("--admin-listen", config.admin_listen()));
  if (const std::string& c = config.link_compression(); !c.empty() && c != "none" && c != "gzip") {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid --link-compression '", c, "': expected none or gzip"));
  }
  return ValidateLinkSecurity(config);
}

absl::Status ValidateLinkSecurity(const v1::NodeConfig& config) {
  const bool any_tls =
      !config.tls_ca().empty() || !config.tls_cert().empty() || !config.tls_key().empty();
  if (any_tls) {
    for (const auto& [flag, value] : {std::pair<const char*, const std::string*>{"--tls-ca", &config.tls_ca()},
                                      {"--tls-cert", &config.tls_cert()},
                                      {"--tls-key", &config.tls_key()}}) {
      if (value->empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--tls-ca, --tls-cert and --tls-key go together: ", flag, " is missing"));
      }
    }
    if (config.insecure()) {
      return absl::InvalidArgumentError(
          "--insecure contradicts --tls-ca/--tls-cert/--tls-key: give one or the other");
    }
    return absl::OkStatus();
  }
  if (!config.insecure()) {
    return absl::InvalidArgumentError(
        "node links need --tls-ca/--tls-cert/--tls-key, or --insecure for plaintext");
  }
  return absl::OkStatus();
}

}  // namespace council::app
