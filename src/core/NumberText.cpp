#include "core/NumberText.h"

#include <iomanip>
#include <sstream>

namespace medsight {

std::string NumberText::significant(double value, int digits) {
  std::ostringstream out;
  out << std::setprecision(digits) << value;
  return out.str();
}

std::string NumberText::fixed(double value, int decimals) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(decimals) << value;
  return out.str();
}

}  // namespace medsight
