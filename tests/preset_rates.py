# pyright: strict
"""The per-core rates of the chip presets, written out from ``hwmodel/presets/*.toml``.

Cost tests compute their expected cycles by hand from these numbers, never by
calling ``t10.hwmodel.cost`` (the code under test): a wrong formula in the cost
model then fails them. ``ipu-mk2``, ``small-16`` and ``mesh-64`` share every
per-core rate (the test chips copy the IPU MK2's); the sources are in
``ipu-mk2.toml``. ``test_runtime_simulator.py`` checks that the presets still
hold these values, so a changed preset shows up there, not as a wrong formula.
"""

MATMUL_BLOCK_M, MATMUL_BLOCK_K, MATMUL_BLOCK_N = 6, 16, 16
"""The matmul unit's block, m x k x n elements."""
F16_MACS_PER_CYCLE = 64
F32_MACS_PER_CYCLE = 16
F16_BLOCK_CYCLES = MATMUL_BLOCK_M * MATMUL_BLOCK_K * MATMUL_BLOCK_N / F16_MACS_PER_CYCLE
"""6 x 16 x 16 MACs at 64 a cycle: 24 cycles a block."""
F32_BLOCK_CYCLES = MATMUL_BLOCK_M * MATMUL_BLOCK_K * MATMUL_BLOCK_N / F32_MACS_PER_CYCLE
"""96 cycles a block."""
CALL_CYCLES_PER_KN_BLOCK = 514
CALL_CYCLES_PER_N_BLOCK = 113
CALL_CYCLES = 173
"""A matmul call's overhead: 514 per (k block, n block) pair + 113 per n block + 173."""

ELEMENTWISE_CYCLES_PER_ELEMENT = 0.5
ELEMENTWISE_LAUNCH_CYCLES = 300
REDUCTION_CYCLES_PER_ELEMENT = 0.5
REDUCTION_LAUNCH_CYCLES = 300
COPY_CYCLES_PER_BYTE = 0.125
COPY_LAUNCH_CYCLES = 300
CYCLES_PER_SPIKE = 4

EXCHANGE_CYCLES_PER_BYTE = 0.28
SYNC_CYCLES = 118
SYNCS_PER_SHIFT = 2
PHASE_OVERHEAD_CYCLES = 100
"""Fixed cycles of an exchange phase that moves data between cores."""
CODE_BYTES_PER_MESSAGE = 4
SUPERTILE_CORES = 2
"""ipu-mk2 and small-16: cores 2i and 2i + 1 share an exchange bus (mesh-64: none)."""
LOOP_ITERATION_CYCLES = 12

MESH_HOP_LATENCY_CYCLES = 2
"""mesh-64 only: cycles per hop on its 8 x 8 grid (core ``c`` at row ``c // 8``, column
``c % 8``)."""
