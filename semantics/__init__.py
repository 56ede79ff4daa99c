"""What IR computes, in numpy: the meaning of linalg's structured ops and their scalar bodies.

Below both ``passes`` (constant folding) and ``runtime`` (the reference and the
simulated chip's compute), so that the two read one definition of what an op means.
"""
