#include "store/DatabaseAuditSink.h"

namespace medsight {

void DatabaseAuditSink::append(const RecordMaker& makeRecord) {
  db_.transact([&](SqlConnection& c) {
    if (c.dialect() == SqlDialect::Postgres) {
      c.executeScript("LOCK TABLE audit_records IN EXCLUSIVE MODE");
    }
    const auto last = c.query("SELECT seq, record FROM audit_records ORDER BY seq DESC LIMIT 1");
    const std::int64_t seq = last.empty() ? 1 : last.front().integer(0) + 1;
    const auto stored = c.query("SELECT anchor FROM audit_anchor WHERE id = 1");
    const auto [record, anchor] = makeRecord(
        last.empty() ? std::string() : last.front().text(1),
        stored.empty() ? std::nullopt : std::optional<std::string>(stored.front().text(0)));
    c.execute("INSERT INTO audit_records (seq, record) VALUES ($1, $2)", {seq, record});
    c.execute(
        "INSERT INTO audit_anchor (id, anchor) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET "
        "anchor = $1",
        {anchor});
  });
}

std::vector<std::string> DatabaseAuditSink::records() const {
  const auto rows = db_.read(
      [](SqlConnection& c) { return c.query("SELECT record FROM audit_records ORDER BY seq"); });
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.text(0));
  return out;
}

std::optional<std::string> DatabaseAuditSink::anchor() const {
  const auto rows = db_.read(
      [](SqlConnection& c) { return c.query("SELECT anchor FROM audit_anchor WHERE id = 1"); });
  if (rows.empty()) return std::nullopt;
  return rows.front().text(0);
}

}  // namespace medsight
