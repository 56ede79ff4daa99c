"""``t10-chip``: list, show and validate chip descriptions.

- ``t10-chip list``: one line per preset chip.
- ``t10-chip show NAME_OR_PATH [--json]``: every field of a preset or chip file,
  with the figures derived from them (peak FLOP/s, bandwidth, ...).
- ``t10-chip check FILE``: validate a chip file.

A chip that cannot be loaded is reported as one line on stderr with exit
status 1, never as a traceback.
"""

import json
from pathlib import Path
from typing import Any, NoReturn

import click

from t10.hwmodel.chip import (
    Chip,
    ChipFileError,
    Mesh2D,
    load_chip,
    load_chip_file,
    preset_names,
)


def _fail(error: ChipFileError) -> NoReturn:
    click.echo(f"t10-chip: error: {error}", err=True)
    click.get_current_context().exit(1)


def _clock(chip: Chip) -> str:
    return f"{chip.clock_hz / 1e9:g} GHz"


def derived_figures(chip: Chip) -> dict[str, Any]:
    """Figures that follow from a chip's fields, keyed as ``show --json`` prints them."""
    figures: dict[str, Any] = {
        "sram_bytes_per_core": chip.sram_bytes,
        "total_sram_bytes": chip.total_sram_bytes,
        "exchange_bytes_per_second_per_core": chip.exchange_bytes_per_second,
        "sync_us": chip.cycles_to_us(chip.sync.cycles),
        "matmul": {
            rate.dtype: {
                "block_cycles": rate.block_cycles,
                "peak_flops": chip.peak_flops(rate.dtype),
            }
            for rate in chip.compute.matmul
        },
    }
    if isinstance(chip.topology, Mesh2D):
        figures["mesh_diameter_hops"] = chip.topology.diameter
    return figures


def describe_chip(chip: Chip) -> list[str]:
    """Every field of ``chip`` as aligned, human-readable lines."""
    topology = chip.topology
    if isinstance(topology, Mesh2D):
        network = (
            f"{topology.describe()} (cores numbered row-major), "
            f"{topology.hop_latency_cycles:g} cycles per hop, diameter {topology.diameter} hops"
        )
    else:
        network = f"{topology.describe()} (every core writes every core's SRAM)"
    exchange = chip.exchange
    serialised = "one sender at a time" if exchange.receiver_serialised else "all senders at once"
    rows: list[tuple[str, str]] = [
        ("description", chip.description),
        ("cores", str(chip.cores)),
        (
            "sram per core",
            f"{chip.sram_kib_per_core} KiB ({chip.sram_bytes} bytes; "
            f"{chip.total_sram_bytes / 2**20:.1f} MiB in all)",
        ),
        ("clock", _clock(chip)),
        ("worker threads", f"{chip.worker_threads} per core"),
        ("element bytes", " ".join(f"{dtype}={size}" for dtype, size in chip.element_bytes)),
        ("topology", network),
        (
            "exchange",
            f"{exchange.cycles_per_byte:g} cycles/byte per core "
            f"({chip.exchange_bytes_per_second / 1e9:.2f} GB/s), receivers take {serialised}",
        ),
        (
            "",
            f"{exchange.phase_overhead_cycles:g} cycles per exchange phase; senders send "
            + ("one message after another" if exchange.sender_serialised else "all at once")
            + f"; {exchange.supertile_cores} cores per supertile take one message together",
        ),
        ("exchange code", f"{exchange.code_bytes_per_message} bytes per message received"),
        (
            "sync",
            f"{chip.sync.cycles:g} cycles ({chip.cycles_to_us(chip.sync.cycles):.3f} us), "
            f"{chip.sync.syncs_per_shift} per shift step of each rotating tensor",
        ),
        ("loop control", f"{chip.program.loop_iteration_cycles:g} cycles per iteration"),
    ]
    for rate in chip.compute.matmul:
        block = rate.block
        overhead = rate.call_overhead
        rows.append(
            (
                f"matmul {rate.dtype}",
                f"{rate.macs_per_cycle} MACs/cycle ({chip.peak_flops(rate.dtype) / 1e12:.1f} "
                f"TFLOPS peak); {block.m}x{block.k}x{block.n} (m x k x n) blocks of "
                f"{rate.block_cycles:g} cycles",
            )
        )
        rows.append(
            (
                "",
                f"+ {overhead.cycles_per_kn_block:g}*ceil(k/{block.k})*ceil(n/{block.n}) "
                f"+ {overhead.cycles_per_n_block:g}*ceil(n/{block.n}) "
                f"+ {overhead.cycles:g} cycles per call",
            )
        )
    compute = chip.compute
    for label, stream in (("elementwise", compute.elementwise), ("reduction", compute.reduction)):
        rows.append(
            (
                label,
                f"{stream.cycles_per_element:g} cycles/element "
                f"+ {stream.launch_cycles:g} per launch",
            )
        )
    copy = compute.data_movement
    rows.append(
        (
            "data movement",
            f"{copy.cycles_per_byte:g} cycles/byte + {copy.launch_cycles:g} per launch",
        )
    )
    rows.append(("spike lists", f"{compute.spikes.cycles_per_spike:g} cycles per listed spike"))
    width = max(len(label) for label, _ in rows)
    return [chip.name] + [f"  {label:<{width}}  {value}" for label, value in rows]


@click.group(name="t10-chip")
def main() -> None:
    """List, show and validate t10 chip descriptions (TOML)."""


@main.command(name="list")
def list_presets() -> None:
    """One line per preset: name, cores, SRAM per core, clock, topology."""
    chips: list[Chip] = []
    for name in preset_names():
        try:
            chips.append(load_chip(name))
        except ChipFileError as error:
            _fail(error)
    width = max(len(chip.name) for chip in chips)
    for chip in chips:
        click.echo(
            f"{chip.name:<{width}}  {chip.cores:>5} cores  {chip.sram_kib_per_core:>4} KiB/core  "
            f"{_clock(chip)}  {chip.topology.describe()}"
        )


@main.command()
@click.argument("name_or_path")
@click.option("--json", "as_json", is_flag=True, help="Print the chip as JSON.")
def show(name_or_path: str, as_json: bool) -> None:
    """Every field of preset NAME or chip file PATH.

    The JSON form holds the chip file's fields (same names and nesting) plus
    a "derived" table of figures computed from them.
    """
    try:
        chip = load_chip(name_or_path)
    except ChipFileError as error:
        _fail(error)
    if as_json:
        click.echo(json.dumps(chip.to_dict() | {"derived": derived_figures(chip)}, indent=2))
        return
    for line in describe_chip(chip):
        click.echo(line)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
def check(file: Path) -> None:
    """Validate chip file FILE."""
    try:
        chip = load_chip_file(file)
    except ChipFileError as error:
        _fail(error)
    click.echo(f"{file}: ok: chip '{chip.name}', {chip.cores} cores")
