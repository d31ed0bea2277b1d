#include "server/ApiAuthenticator.h"

#include "core/Error.h"
#include "server/PasswordHasher.h"
#include "store/Database.h"

namespace medsight {

nlohmann::json ApiAuthenticator::login(const std::string& username, const std::string& password) {
  const auto user = users_.find(username);
  // Hash anyway for unknown users so timing does not reveal which names exist.
  static const std::string decoy = PasswordHasher::hash("decoy-password-never-matches");
  const bool ok = user && !user->disabled ? PasswordHasher::verify(user->passwordHash, password)
                                          : (PasswordHasher::verify(decoy, password + "x"), false);
  if (!ok) throw Error(ErrorCode::Unauthenticated, "login: unknown user or wrong password");
  const std::string token = PasswordHasher::newToken();
  const std::int64_t expires =
      Database::nowMillis() + static_cast<std::int64_t>(sessionHours_ * 3600000.0);
  users_.createSession(PasswordHasher::tokenHash(token), user->id, expires);
  return {
      {"token", token},
      {"expires_at", expires},
      {"user",
       {{"username", user->username}, {"role", user->role}, {"display_name", user->displayName}}}};
}

ApiUser ApiAuthenticator::authenticate(const std::string& header) {
  const std::string prefix = "Bearer ";
  if (header.rfind(prefix, 0) != 0 || header.size() <= prefix.size()) {
    throw Error(ErrorCode::Unauthenticated,
                "request: send 'Authorization: Bearer <token>' (POST /api/auth/login)");
  }
  const std::string hash = PasswordHasher::tokenHash(header.substr(prefix.size()));
  const auto user = users_.sessionUser(hash);
  if (!user)
    throw Error(ErrorCode::Unauthenticated, "request: token unknown or expired; log in again");
  ApiUser out;
  out.username = user->username;
  out.displayName = user->displayName;
  out.role = AccessPolicy::parseRole(user->role);
  out.tokenHash = hash;
  return out;
}

void ApiAuthenticator::logout(const ApiUser& user) {
  users_.deleteSession(user.tokenHash);
}

}  // namespace medsight
