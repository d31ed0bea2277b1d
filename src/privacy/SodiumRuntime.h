#pragma once

namespace medsight {

/// \brief Initialises libsodium once per process (thread-safe, idempotent); throws Internal if
/// the library cannot start (no entropy source), since no key or nonce would then be safe.
class SodiumRuntime {
 public:
  /// \brief Calls sodium_init() on first use.
  static void ensure();
};

}  // namespace medsight
