#include "models/TrainingDataSets.h"

#include "models/TrainingConfig.h"

namespace medsight {

TrainingDataSets TrainingDataSets::load(const TrainingConfig& config, int threads) {
  TrainingDataSets d;
  if (config.dataFormat == "npz") {
    d.fitted =
        LabeledImageSet::fromNpz(config.dataPath, config.trainSplit).firstN(config.trainLimit);
    d.selection =
        LabeledImageSet::fromNpz(config.dataPath, config.valSplit).firstN(config.valLimit);
    d.fitted.validateLabels(2, d.fitted.source);
    d.selection->validateLabels(2, d.selection->source);
    d.hash = LabeledImageSet::splitPairHash(d.fitted, *d.selection);
  } else {
    d.fitted =
        LabeledImageSet::fromCsv(config.dataPath, config.imageColumn, config.labelColumn, threads);
    d.fitted.validateLabels(2, d.fitted.source);
    d.hash = d.fitted.contentHash();
  }
  return d;
}

}  // namespace medsight
