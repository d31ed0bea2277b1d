#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/Database.h"
#include "store/StoreRecords.h"

namespace medsight {

/// \brief User accounts and login sessions. Only hashes are stored: Argon2id password hashes
/// (made by the server's PasswordHasher) and SHA-256 hashes of session tokens, so a copy of the
/// database gives no usable credentials.
class UserStore {
 public:
  /// \brief Uses `database` (must outlive the store).
  explicit UserStore(Database& database) : db_(database) {}

  /// \brief Creates a user; throws Conflict if the name is taken.
  UserRecord create(const std::string& username, const std::string& passwordHash,
                    const std::string& role, const std::string& displayName);
  /// \brief Replaces a user's password hash; throws NotFound.
  void setPasswordHash(const std::string& username, const std::string& passwordHash);
  /// \brief The user, if any.
  std::optional<UserRecord> find(const std::string& username);
  /// \brief Every user (without hashes).
  std::vector<UserRecord> list();
  /// \brief Stores a session (token hash) that expires at `expiresAt` (ms).
  void createSession(const std::string& tokenHash, std::int64_t userId, std::int64_t expiresAt);
  /// \brief The user of a live session, if the token hash is known and not expired.
  std::optional<UserRecord> sessionUser(const std::string& tokenHash);
  /// \brief Ends a session.
  void deleteSession(const std::string& tokenHash);
  /// \brief Removes expired sessions; returns how many.
  std::int64_t purgeExpiredSessions();

 private:
  Database& db_;
};

}  // namespace medsight
