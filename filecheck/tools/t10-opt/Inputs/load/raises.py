raise RuntimeError("the chip description is missing")
