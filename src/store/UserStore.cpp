#include "store/UserStore.h"

#include <cctype>

#include <algorithm>

#include "core/Error.h"

namespace medsight {
namespace {

UserRecord userFromRow(const SqlRow& r) {
  UserRecord u;
  u.id = r.integer("id");
  u.username = r.text("username");
  u.passwordHash = r.text("password_hash");
  u.role = r.text("role");
  u.displayName = r.text("display_name");
  u.disabled = r.integer("disabled") != 0;
  u.createdAt = r.integer("created_at");
  return u;
}

}  // namespace

UserRecord UserStore::create(const std::string& username, const std::string& passwordHash,
                             const std::string& role, const std::string& displayName) {
  // A login name is what the audit trail records as who decided: an empty one, spaces, control
  // bytes (a NUL hides what follows) or path parts make that record ambiguous.
  const bool valid = !username.empty() && username.size() <= 64 && username != "." &&
                     username != ".." &&
                     std::all_of(username.begin(), username.end(), [](unsigned char c) {
                       return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@';
                     });
  if (!valid) {
    throw Error(ErrorCode::InvalidArgument,
                "a user name is 1 to 64 letters, digits and . _ - @ (no spaces or other "
                "characters); got one of " +
                    std::to_string(username.size()) + " bytes");
  }
  return db_.transact([&](SqlConnection& c) {
    const auto rows = c.query(
        "INSERT INTO users (username, password_hash, role, display_name, created_at) VALUES "
        "($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING *",
        {username, passwordHash, role, displayName, Database::nowMillis()});
    if (rows.empty()) throw Error(ErrorCode::Conflict, "user " + username + ": already exists");
    return userFromRow(rows.front());
  });
}

void UserStore::setPasswordHash(const std::string& username, const std::string& passwordHash) {
  const auto changed = db_.transact([&](SqlConnection& c) {
    return c.execute("UPDATE users SET password_hash = $2 WHERE username = $1",
                     {username, passwordHash});
  });
  if (changed == 0) throw Error(ErrorCode::NotFound, "user " + username + ": not found");
}

std::optional<UserRecord> UserStore::find(const std::string& username) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query("SELECT * FROM users WHERE username = $1", {username});
  });
  if (rows.empty()) return std::nullopt;
  return userFromRow(rows.front());
}

std::vector<UserRecord> UserStore::list() {
  const auto rows =
      db_.read([](SqlConnection& c) { return c.query("SELECT * FROM users ORDER BY username"); });
  std::vector<UserRecord> out;
  for (const auto& r : rows) {
    auto u = userFromRow(r);
    u.passwordHash.clear();
    out.push_back(std::move(u));
  }
  return out;
}

void UserStore::createSession(const std::string& tokenHash, std::int64_t userId,
                              std::int64_t expiresAt) {
  db_.transact([&](SqlConnection& c) {
    c.execute(
        "INSERT INTO sessions (token_hash, user_id, expires_at, created_at) VALUES ($1, $2, $3, "
        "$4)",
        {tokenHash, userId, expiresAt, Database::nowMillis()});
  });
}

std::optional<UserRecord> UserStore::sessionUser(const std::string& tokenHash) {
  const auto rows = db_.read([&](SqlConnection& c) {
    return c.query(
        "SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 "
        "AND s.expires_at > $2 AND u.disabled = 0",
        {tokenHash, Database::nowMillis()});
  });
  if (rows.empty()) return std::nullopt;
  return userFromRow(rows.front());
}

void UserStore::deleteSession(const std::string& tokenHash) {
  db_.transact([&](SqlConnection& c) {
    c.execute("DELETE FROM sessions WHERE token_hash = $1", {tokenHash});
  });
}

std::int64_t UserStore::purgeExpiredSessions() {
  return db_.transact([&](SqlConnection& c) {
    return c.execute("DELETE FROM sessions WHERE expires_at <= $1", {Database::nowMillis()});
  });
}

}  // namespace medsight
