"""Statistics as JSON: numpy scalars and arrays to Python numbers and lists, NaN to null."""
from __future__ import annotations

import numpy as np


def jsonable(x):
    """x with every numpy value replaced by its Python equivalent and NaN by None (dicts, lists, tuples)."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return jsonable(x.tolist())
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, (np.floating, float)):
        return None if x != x else float(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x
