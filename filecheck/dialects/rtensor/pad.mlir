// RUN: t10-opt %s | t10-opt | filecheck %s
// RUN: t10-opt %s --print-op-generic | t10-opt | filecheck %s

// rtensor.pad: an 8x6 tensor spread over 2 cores, padded by one row above and below and
// two columns on the right, into a 10x8 tensor over a 2x2 grid.
%zero = arith.constant 0.0 : f16
%x = "test.op"() : () -> !rtensor.tensor<8x6xf16, #rtensor.layout<grid = [2, 1], map = (i, j) -> (i, j)>>
%p = rtensor.pad %x low [1, 0] high [1, 2] value %zero : f16, !rtensor.tensor<8x6xf16, #rtensor.layout<grid = [2, 1], map = (i, j) -> (i, j)>> -> !rtensor.tensor<10x8xf16, #rtensor.layout<grid = [2, 2], map = (i, j) -> (i, j)>>

// CHECK:      %p = rtensor.pad %x low [1, 0] high [1, 2] value %zero : f16, !rtensor.tensor<8x6xf16, #rtensor.layout<grid = [2, 1], map = (d0, d1) -> (d0, d1)>> -> !rtensor.tensor<10x8xf16, #rtensor.layout<grid = [2, 2], map = (d0, d1) -> (d0, d1)>>
