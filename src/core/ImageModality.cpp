#include "core/ImageModality.h"

#include <algorithm>
#include <cctype>

#include "core/Error.h"

namespace medsight {

void ImageModality::applyOption(Image& image, const std::string& given) {
  if (given.empty()) return;
  std::string wanted = given;
  std::transform(wanted.begin(), wanted.end(), wanted.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const std::string stated = image.modality();
  if (!stated.empty() && stated != wanted) {
    throw Error(ErrorCode::WrongModality,
                "--modality " + wanted + " contradicts the file, which says its modality is " +
                    stated + " (--modality is for files that do not say, such as NIfTI)");
  }
  image.setModality(wanted);
}

}  // namespace medsight
