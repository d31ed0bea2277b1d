#include "privacy/SodiumRuntime.h"

#include <sodium.h>

#include "core/Error.h"

namespace medsight {

void SodiumRuntime::ensure() {
  static const int status = sodium_init();
  if (status < 0) throw Error(ErrorCode::Internal, "libsodium: initialisation failed");
}

}  // namespace medsight
