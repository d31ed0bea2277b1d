#pragma once

#include <string>

#include "server/ApiRouter.h"
#include "store/UserStore.h"

namespace medsight {

/// \brief Logins and bearer tokens: passwords checked against Argon2id hashes, sessions that
/// expire after `sessionHours`, tokens stored only as SHA-256 hashes.
class ApiAuthenticator {
 public:
  /// \brief Uses `users` (must outlive it).
  ApiAuthenticator(UserStore& users, double sessionHours)
      : users_(users), sessionHours_(sessionHours) {}
  /// \brief Checks credentials; returns {token, user, expires_at ms}. Throws Unauthenticated
  /// (the same message for unknown users and wrong passwords).
  nlohmann::json login(const std::string& username, const std::string& password);
  /// \brief The user of an "Authorization: Bearer <token>" header; throws Unauthenticated.
  ApiUser authenticate(const std::string& authorizationHeader);
  /// \brief Ends the session of a user.
  void logout(const ApiUser& user);

 private:
  UserStore& users_;
  double sessionHours_;
};

}  // namespace medsight
