from t10.passes.partition import PartitionPass

STEPS = 4
__all__ = ["STEPS", "PartitionPass"]
