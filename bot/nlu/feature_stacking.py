"""Join a message's sparse features in one step, as scipy would join them pair by pair.

Before DIET predicts, Rasa gathers each message's sparse features (regex, lexical and two
count-vector featurizers; token and sentence level) with `Message._combine_features`:
a deep copy of the first matrix, then `scipy.sparse.hstack` with each next one. scipy's
general block-matrix code (`bmat`) costs about 0.1 ms a join whatever the size, and a
message needs six: py-spy put 9 % of the Rasa server's time under 20 users there.

When every matrix is a `coo_matrix` with the same number of rows (what the project's
featurizers make) and the first join already has the data type of the whole
(float64 here: the regex and lexical features are float64, the counts int64, so each
matrix's values are cast once, straight to the final type, as the pairwise joins cast
them), `combine_features` builds the result directly: the same COO matrix `bmat` builds
(data and indices in block order, the index type scipy picks for the final shape), in a
new `Features` with the same type, attribute and origin. Anything else goes to Rasa's
own function, which also raises its own error for matrices that do not fit together. The
features are only read here, never changed; the model and its predictions are the same
(tests/bot/nlu/test_feature_stacking.py).
"""
from __future__ import annotations

from typing import Any, List, Optional, Text

import numpy as np
# Imported once here, not in the functions: they run twice for every message parsed.
from scipy.sparse import coo_matrix
from scipy.sparse._sputils import get_index_dtype, upcast


def stack_columns(matrices: List[Any]) -> Any:
    """`scipy.sparse.hstack(matrices)` for COO matrices with one row count."""
    rows = matrices[0].shape[0]
    columns = sum(matrix.shape[1] for matrix in matrices)
    index_dtype = get_index_dtype(maxval=max(rows, columns))
    size = sum(matrix.nnz for matrix in matrices)
    data = np.empty(size, dtype=upcast(*(matrix.dtype for matrix in matrices)))
    row = np.empty(size, dtype=index_dtype)
    col = np.empty(size, dtype=index_dtype)
    start, offset = 0, 0
    for matrix in matrices:
        end = start + matrix.nnz
        data[start:end] = matrix.data
        np.add(matrix.row, 0, out=row[start:end], dtype=index_dtype)
        np.add(matrix.col, offset, out=col[start:end], dtype=index_dtype)
        start, offset = end, offset + matrix.shape[1]
    return coo_matrix((data, (row, col)), shape=(rows, columns))


def stackable(features: List[Any]) -> bool:
    """Whether Rasa's pairwise joins would make exactly what `stack_columns` makes."""
    if len(features) < 2:
        return False      # Rasa's result is a deep copy of the one matrix
    first, second = features[0].features, features[1].features
    # Each later join keeps the first join's type only if that is already the final one;
    # otherwise values would pass through a narrower type first.
    return (all(type(f.features) is coo_matrix and f.features.shape[0] == first.shape[0] for f in features)
            and upcast(first.dtype, second.dtype) == upcast(*(f.features.dtype for f in features)))


def install() -> None:
    """Use `combine_features` for `Message._combine_features` (idempotent; Rasa's own code
    on a Rasa version this was not written for)."""
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    from bot.server import rasa_version

    upstream = Message.__dict__["_combine_features"].__func__
    if getattr(upstream, "_stacked", False) or not rasa_version.patches_apply(patch="bot.nlu.feature_stacking"):
        return

    def combine_features(features: List[Features], featurizers: List[Text]) -> Optional[Features]:
        if not stackable(features):
            return upstream(features, featurizers)
        first = features[0]
        return Features(stack_columns([f.features for f in features]), first.type, first.attribute, featurizers)

    combine_features._stacked = True
    combine_features.upstream = upstream
    Message._combine_features = staticmethod(combine_features)
