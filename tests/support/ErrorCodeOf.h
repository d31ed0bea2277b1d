#pragma once

#include <gtest/gtest.h>

#include <functional>

#include "core/Error.h"

namespace medsight::test {

/// \brief The code of the medsight::Error that `f` throws; a test failure (and Internal, which
/// no comparison below expects) when it throws none.
inline ErrorCode codeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "expected a medsight::Error, but none was thrown";
  return ErrorCode::Internal;
}

}  // namespace medsight::test
