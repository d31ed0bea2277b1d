#!/usr/bin/python3
"""scikit-learn peer for bench/classical: the same WDBC folds, the same learners as MedSight.

Reads the CSV and a folds JSON ({"repeats": [[fold of each row], ...]}) written by
medsight_bench_classical, fits each learner on every training part and prints one JSON object
with per-fold AUC, accuracy and the summed fit time (the time of fit() only).
Usage: /usr/bin/python3 sklearn_wdbc.py WDBC.csv FOLDS.json
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC


def main():
    data = np.genfromtxt(sys.argv[1], delimiter=",", names=True, dtype=None, encoding="utf-8")
    names = [n for n in data.dtype.names if n != "diagnosis"]
    x = np.column_stack([data[n].astype(float) for n in names])
    y = (data["diagnosis"] == "M").astype(int)
    folds = json.load(open(sys.argv[2]))["repeats"]
    learners = {
        "svm_rbf": lambda: make_pipeline(StandardScaler(), SVC(C=1.0, gamma="scale")),
        "random_forest": lambda: make_pipeline(
            StandardScaler(), RandomForestClassifier(n_estimators=500, random_state=0)),
        "gradient_boosting": lambda: make_pipeline(
            StandardScaler(), GradientBoostingClassifier(random_state=0)),
        "logistic_l2": lambda: make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000)),
    }
    out = {"peer": "scikit-learn", "version": __import__("sklearn").__version__, "learners": {}}
    for name, make in learners.items():
        aucs, accs, fit = [], [], 0.0
        for assignment in folds:
            assignment = np.array(assignment)
            for f in range(assignment.max() + 1):
                tr, te = assignment != f, assignment == f
                model = make()
                start = time.perf_counter()
                model.fit(x[tr], y[tr])
                fit += time.perf_counter() - start
                score = model.decision_function(x[te]) if hasattr(model, "decision_function") \
                    else model.predict_proba(x[te])[:, 1]
                aucs.append(roc_auc_score(y[te], score))
                accs.append(accuracy_score(y[te], model.predict(x[te])))
        out["learners"][name] = {"fold_auc": aucs, "fold_accuracy": accs, "fit_seconds": fit}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
