#include "hand_link.h"

#include "node/core/serialize.h"

#include "grpcpp/create_channel.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/sync_stream.h"

namespace council::itest {

HandLink::HandLink(const std::string& address, std::chrono::seconds deadline)
    : deadline_(std::chrono::system_clock::now() + deadline),
      channel_(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
      method_("/council.v1.Sync/Link", grpc::internal::RpcMethod::BIDI_STREAMING, channel_) {
  ctx_.set_deadline(deadline_);
  stream_.reset(grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
      channel_.get(), method_, &ctx_));
}

HandLink::~HandLink() {
  ctx_.TryCancel();
  (void)stream_->Finish();
}

bool HandLink::WriteRaw(const std::string& bytes) {
  grpc::Slice slice(bytes);
  grpc::ByteBuffer buffer(&slice, 1);
  return stream_->Write(buffer);
}

bool HandLink::Write(const v1::LinkMessage& msg) { return WriteRaw(msg.SerializeAsString()); }

bool HandLink::Read(v1::LinkMessage* msg) {
  grpc::ByteBuffer buffer;
  if (!stream_->Read(&buffer)) return false;
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const grpc::Slice& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return msg->ParseFromString(bytes);
}

bool HandLink::Hello(const std::string& unit, const std::string& parent, uint64_t head,
                     v1::Hello* reply) {
  v1::LinkMessage hello;
  hello.mutable_hello()->set_protocol(1);
  hello.mutable_hello()->set_unit(unit);
  hello.mutable_hello()->set_level(v1::LEVEL_DISTRICT);
  hello.mutable_hello()->set_name("HĐND " + unit);
  hello.mutable_hello()->set_parent_unit(parent);
  hello.mutable_hello()->set_head(head);
  v1::LinkMessage answer;
  if (!Write(hello) || !Read(&answer) || !answer.has_hello()) return false;
  *reply = answer.hello();
  return true;
}

v1::LinkMessage HandLink::BatchOf(uint64_t first, const std::vector<v1::Record>& records) {
  v1::LinkMessage msg;
  v1::Batch* b = msg.mutable_batch();
  b->set_first(first);
  b->set_last(first + records.size() - 1);
  b->set_head(b->last());
  for (const v1::Record& r : records) b->add_records(core::CanonicalBytes(r));
  return msg;
}

bool HandLink::Send(uint64_t first, const std::vector<v1::Record>& records) {
  return Write(BatchOf(first, records));
}

bool HandLink::ReadUntil(uint64_t through, const std::function<bool()>& until) {
  v1::LinkMessage msg;
  while (Read(&msg)) {
    if (msg.has_ack() && msg.ack().through() >= through && through > 0) return true;
    if (!msg.has_batch()) continue;
    for (const std::string& bytes : msg.batch().records()) {
      v1::Record r;
      if (r.ParseFromString(bytes)) received_.push_back(std::move(r));
    }
    v1::LinkMessage ack;
    ack.mutable_ack()->set_through(msg.batch().last());
    if (!Write(ack)) return false;
    if (until && until()) return true;
  }
  return false;
}

v1::Record ReportDraft(const std::string& title, const std::string& text) {
  v1::Record r;
  r.mutable_doc()->set_title(title);
  r.mutable_doc()->set_document_type("Báo cáo");
  r.set_text(text);
  r.mutable_report()->set_period("2023-YTD08");
  (*r.mutable_report()->mutable_metrics())["petitions_received"] = 14;
  return r;
}

}  // namespace council::itest
