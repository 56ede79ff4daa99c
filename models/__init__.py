"""Model builders: Python functions that emit upstream MLIR linalg for whole networks."""
