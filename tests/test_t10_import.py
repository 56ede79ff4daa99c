"""``t10-import``: ONNX models as func + linalg on tensors that t10 reads, named after the
ONNX inputs, initializers as weight arguments; every error a one-line message."""

import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from click.testing import CliRunner, Result
from fifo_reader import fifo
from xdsl.dialects import func
from xdsl.dialects.builtin import StringAttr, TensorType, UnitAttr
from xdsl.ir import SSAValue

from t10.tools.t10_import import (
    ONNX_NAME_ATTR,
    argument_name,
    import_onnx,
    import_onnx_model,
    main,
    onnx_weights,
    value_name,
)
from t10.tools.t10_opt import LocatingParser, T10OptMain

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def builders() -> ModuleType:
    pytest.importorskip("onnx", reason="needs the onnx extra: pip install -e '.[onnx]'")
    pytest.importorskip(
        "iree.compiler.extras.onnx_importer",
        reason="needs the onnx extra (iree-base-compiler): pip install -e '.[onnx]'",
    )
    import onnx_builders

    return onnx_builders


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def error_of(*args: str | Path) -> str:
    result = run(*args)
    assert result.exit_code == 1, result.stdout
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.startswith("t10-import: error: ")
    assert result.stderr.count("\n") == 1
    return result.stderr.removeprefix("t10-import: error: ").rstrip("\n")


def parse(text: str) -> func.FuncOp:
    module = LocatingParser(T10OptMain(args=[]).ctx, text, "imported.mlir").parse_module()
    module.verify()
    (function,) = [op for op in module.walk() if isinstance(op, func.FuncOp)]
    return function


def argument_attributes(function: func.FuncOp) -> list[dict[str, object]]:
    assert function.arg_attrs is not None
    return [dict(attributes.data) for attributes in function.arg_attrs.data]


@pytest.mark.parametrize(
    ("onnx_name", "expected"),
    [
        ("x", "x"),
        ("input.1", "input.1"),
        ("fc.weight", "fc.weight"),
        ("input_1", "input-1"),
        ("onnx::MatMul_12", "onnx__MatMul-12"),
        ("layer 0/w", "layer_0_w"),
        ("0", "v0"),
        ("", "v"),
        ("_7", "-7"),
    ],
)
def test_argument_names_are_mlir_names_that_xdsl_keeps(onnx_name: str, expected: str):
    name = argument_name(onnx_name, set())
    assert name == expected
    # xDSL would turn a name it cannot keep into another one (or reject it).
    assert SSAValue.extract_valid_name(name) == name


def test_argument_names_are_unique():
    taken: set[str] = set()
    names = []
    for onnx_name in ("x", "x", "x-2", "x:2"):
        names.append(argument_name(onnx_name, taken))
        taken.add(names[-1])
    assert names == ["x", "x-2", "x-2-2", "x-2-3"]


def test_mlp_imports_as_linalg_that_t10_parses(builders: ModuleType, tmp_path: Path):
    path = builders.save(builders.mlp(), tmp_path / "mlp.onnx")
    text = import_onnx(path)
    assert "dense_resource" not in text and "dialect_resources" not in text
    function = parse(text)
    assert function.sym_name.data == "mlp"
    assert [arg.name_hint for arg in function.body.block.args] == ["x", "fc.weight", "fc.bias"]
    assert [str(arg.type) for arg in function.body.block.args] == [
        "tensor<8x16xf32>",
        "tensor<16x32xf32>",
        "tensor<32xf32>",
    ]
    assert argument_attributes(function) == [
        {},
        {"t10.weight": UnitAttr()},
        {"t10.weight": UnitAttr()},
    ]
    names = [op.name for op in function.walk()]
    assert "linalg.matmul" in names and "linalg.generic" in names
    (result_type,) = function.function_type.outputs.data
    assert isinstance(result_type, TensorType) and result_type.get_shape() == (8, 32)


def test_values_are_named_after_their_onnx_nodes(builders: ModuleType, tmp_path: Path):
    named = import_onnx(builders.save(builders.mlp(), tmp_path / "mlp.onnx"))
    assert re.search(r"%fc\.MatMul_\d+ = linalg\.matmul ins\(%x, %fc\.weight", named)
    assert "%fc.Add = linalg.generic" in named and "%relu.Relu = linalg.generic" in named
    # Nodes without a name are named after their first output.
    unnamed = import_onnx(builders.save(builders.two_outputs(), tmp_path / "two.onnx"))
    assert re.search(r"%h_\d+ = linalg\.matmul ins\(%x, %w1", unnamed)
    assert "return %y, %hidden : tensor<16x8xf32>, tensor<16x64xf32>" in unnamed


@pytest.mark.parametrize(
    ("node_name", "expected"),
    [
        ("/fc/MatMul", "fc.MatMul"),
        ("/layers.0/Add_1", "layers.0.Add-1"),
        ("relu", "relu"),
        ("/", None),
    ],
)
def test_value_names(node_name: str, expected: str | None):
    assert value_name(node_name) == expected


def test_changed_names_keep_the_onnx_name_in_an_attribute(builders: ModuleType, tmp_path: Path):
    path = builders.save(builders.mlp("input_1", "onnx::MatMul_12", "0"), tmp_path / "mlp.onnx")
    function = parse(import_onnx(path))
    assert [arg.name_hint for arg in function.body.block.args] == [
        "input-1",
        "onnx__MatMul-12",
        "v0",
    ]
    attributes = argument_attributes(function)
    assert attributes[0] == {ONNX_NAME_ATTR: StringAttr("input_1")}
    assert attributes[1] == {
        ONNX_NAME_ATTR: StringAttr("onnx::MatMul_12"),
        "t10.weight": UnitAttr(),
    }
    assert attributes[2] == {ONNX_NAME_ATTR: StringAttr("0"), "t10.weight": UnitAttr()}


def test_weights_are_the_initializers_by_argument_name(builders: ModuleType, tmp_path: Path):
    built = builders.mlp("x", "onnx::W_3", "b")
    path = builders.save(built, tmp_path / "mlp.onnx")
    expected = {
        "onnx__W-3": builders.numpy_helper.to_array(built.graph.initializer[0]),
        "b": builders.numpy_helper.to_array(built.graph.initializer[1]),
    }
    imported = import_onnx_model(path)
    for weights in (imported.weights, onnx_weights(path)):
        assert set(weights) == set(expected)
        for name, values in expected.items():
            np.testing.assert_array_equal(weights[name], values)
    assert [(arg.name, arg.onnx_name, arg.is_weight) for arg in imported.arguments] == [
        ("x", "x", False),
        ("onnx__W-3", "onnx::W_3", True),
        ("b", "b", True),
    ]


def test_integer_and_one_element_initializers_stay_constants(builders: ModuleType, tmp_path: Path):
    path = builders.save(builders.reshape_transpose(), tmp_path / "reshape.onnx")
    text = import_onnx(path)
    function = parse(text)
    assert [arg.name_hint for arg in function.body.block.args] == ["x", "W"]
    # The reshape's shape was known to the importer: a static expand_shape, no dynamic dims.
    assert "tensor.expand_shape" in text and "?" not in text
    assert re.search(r"arith\.constant dense<1\.250000e-01> : tensor<f32>", text)
    assert "linalg.transpose" in text


def test_cli_writes_the_mlir_and_the_weights(builders: ModuleType, tmp_path: Path):
    built = builders.mlp()
    path = builders.save(built, tmp_path / "mlp.onnx")
    output, weights = tmp_path / "mlp.mlir", tmp_path / "weights.npz"
    result = run(path, "-o", output, "--weights", weights)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert output.read_text() == import_onnx(path)
    with np.load(weights) as loaded:
        assert sorted(loaded.files) == ["fc.bias", "fc.weight"]
        np.testing.assert_array_equal(
            loaded["fc.weight"], builders.numpy_helper.to_array(built.graph.initializer[0])
        )
    assert sorted(item.name for item in tmp_path.iterdir()) == [
        "mlp.mlir",
        "mlp.onnx",
        "weights.npz",
    ]
    # The real t10-opt reads what t10-import wrote.
    opt = subprocess.run(
        [BIN / "t10-opt", output], capture_output=True, text=True, check=False, timeout=120
    )
    assert opt.returncode == 0, opt.stderr
    assert "func.func @mlp(%x: tensor<8x16xf32>, %fc.weight: tensor<16x32xf32> {t10.weight}" in (
        opt.stdout
    )


def test_outputs_get_the_permissions_of_a_new_or_the_replaced_file(
    builders: ModuleType, tmp_path: Path
):
    path = builders.save(builders.mlp(), tmp_path / "mlp.onnx")
    umask = os.umask(0o022)
    try:
        fresh, kept = tmp_path / "fresh.mlir", tmp_path / "kept.mlir"
        kept.write_text("")
        kept.chmod(0o640)
        for output in (fresh, kept):
            assert run(path, "-o", output).exit_code == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_cli_prints_to_stdout_without_o(builders: ModuleType, tmp_path: Path):
    path = builders.save(builders.gemm(), tmp_path / "gemm.onnx")
    result = run(path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == import_onnx(path)
    assert "func.func @gemm(%x: tensor<8x32xf32>, %W: tensor<16x32xf32> {t10.weight}" in (
        result.stdout
    )


def test_same_ir_as_the_upstream_command_line_tools(builders: ModuleType, tmp_path: Path):
    """In-process import and lowering give what iree-import-onnx then iree-opt print for
    the same model (weights as inputs), up to names and the arguments' attributes."""
    importer, opt = BIN / "iree-import-onnx", BIN / "iree-opt"
    if not (importer.exists() and opt.exists()):
        pytest.skip("iree-import-onnx and iree-opt are not installed beside this Python")
    imported = import_onnx_model(builders.save(builders.two_outputs(), tmp_path / "m.onnx"))
    prepared = tmp_path / "prepared.onnx"
    prepared.write_bytes(imported.onnx_model)
    torch_ir = tmp_path / "m.torch.mlir"
    subprocess.run([importer, prepared, "-o", torch_ir], check=True, timeout=120)
    lowered = subprocess.run(
        [
            opt,
            "--pass-pipeline=builtin.module(torch-onnx-to-torch-backend-pipeline,"
            "torch-backend-to-linalg-on-tensors-backend-pipeline)",
            torch_ir,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert reprinted(imported.mlir) == reprinted(lowered)


def reprinted(text: str) -> str:
    """``text`` printed again by upstream MLIR without argument attributes: values
    numbered, not named."""
    from iree.compiler import ir

    with ir.Context():
        module = ir.Module.parse(text)
        for op in module.body.operations:
            if "arg_attrs" in op.attributes:
                del op.attributes["arg_attrs"]
        return str(module)


def test_named_dimensions_get_sizes(builders: ModuleType, tmp_path: Path):
    path = builders.save(builders.dynamic_batch(), tmp_path / "dynamic.onnx")
    assert "%x: tensor<?x16xf32>" in import_onnx(path)
    result = run(path, "--dim", "N=4")
    assert result.exit_code == 0, result.stderr
    assert "%x: tensor<4x16xf32>" in result.stdout and "?" not in result.stdout
    assert (
        error_of(path, "--dim", "B=4") == f"{path}: no dimension is named 'B'; the model names 'N'"
    )
    usage = run(path, "--dim", "N=0")
    assert usage.exit_code == 2
    assert "'N=0' is not NAME=SIZE with a positive SIZE" in usage.stderr


def test_an_op_the_lowering_rejects_is_named_with_its_node(builders: ModuleType, tmp_path: Path):
    path = builders.save(builders.unsupported_op(), tmp_path / "custom.onnx")
    message = error_of(path)
    assert message.startswith(
        f'{path}: torch-mlir cannot lower the model to linalg: loc("frob0"): failed to '
        "legalize operation 'torch.operator'"
    )
    assert "onnx.Frobnicate" in message


def test_shape_inference_errors_are_reported(builders: ModuleType, tmp_path: Path):
    node = builders.helper.make_node("MatMul", ["x", "x"], ["y"], name="square")
    built = builders.helper.make_model(
        builders.helper.make_graph(
            [node], "bad", [builders.tensor("x", [4, 3])], [builders.tensor("y", [4, 4])]
        ),
        opset_imports=[builders.helper.make_opsetid("", builders.OPSET)],
    )
    path = builders.save(built, tmp_path / "bad.onnx")
    message = error_of(path)
    assert message.startswith(f"{path}: ONNX shape inference fails: ")
    assert "square" in message and "Incompatible dimensions" in message


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"func.func @f() {}\n", "not an ONNX model: Error parsing message"),
        (b"", "not a valid ONNX model: The model does not have an ir_version set properly."),
    ],
)
def test_a_file_that_is_not_an_onnx_model(
    builders: ModuleType, tmp_path: Path, content: bytes, reason: str
):
    path = tmp_path / "model.onnx"
    path.write_bytes(content)
    assert error_of(path).startswith(f"{path}: {reason}")


def test_a_missing_file_or_a_directory(builders: ModuleType, tmp_path: Path):
    missing = tmp_path / "missing.onnx"
    assert error_of(missing) == f"{missing}: cannot read: No such file or directory"
    assert error_of(tmp_path) == f"{tmp_path}: a directory, not an ONNX model"


def test_the_output_may_not_be_the_input(builders: ModuleType, tmp_path: Path):
    path = builders.save(builders.mlp(), tmp_path / "mlp.onnx")
    before = path.read_bytes()
    assert error_of(path, "-o", path) == f"-o {path} is the input model; write elsewhere"
    assert error_of(path, "--weights", path) == (
        f"--weights {path} is the input model; write elsewhere"
    )
    same = tmp_path / "same"
    same.write_text("")
    assert error_of(path, "-o", same, "--weights", same) == (
        f"-o and --weights name the same file {same}"
    )
    assert path.read_bytes() == before


def test_a_failed_import_leaves_the_output_untouched(builders: ModuleType, tmp_path: Path):
    path = builders.save(builders.unsupported_op(), tmp_path / "custom.onnx")
    output = tmp_path / "out.mlir"
    output.write_text("previous\n")
    error_of(path, "-o", output)
    assert output.read_text() == "previous\n"
    assert sorted(item.name for item in tmp_path.iterdir()) == ["custom.onnx", "out.mlir"]


def test_an_unwritable_output(builders: ModuleType, tmp_path: Path):
    path = builders.save(builders.mlp(), tmp_path / "mlp.onnx")
    output = tmp_path / "missing" / "out.mlir"
    assert error_of(path, "-o", output) == f"-o {output}: cannot write: No such file or directory"


def test_a_pipe_output_is_written_in_place(builders: ModuleType, tmp_path: Path):
    # A named pipe stands in for a device such as /dev/null, which a test must not risk.
    path = builders.save(builders.mlp(), tmp_path / "mlp.onnx")
    with fifo(tmp_path) as pipe:
        result = run(path, "-o", pipe.path)
        assert result.exit_code == 0, result.stderr
        assert "func.func @" in pipe.received().decode()
        assert pipe.is_still_a_pipe()


def test_without_the_extra_it_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # A None entry makes `import onnx` fail as if the package were not installed.
    monkeypatch.setitem(sys.modules, "onnx", None)
    path = tmp_path / "model.onnx"
    path.write_bytes(b"")
    assert error_of(path) == (
        "the ONNX front end needs onnx, which is not installed: "
        "install the ONNX front end with pip install -e '.[onnx]'"
    )
