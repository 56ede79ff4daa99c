"""t10: a compute-shift compiler for many-core AI chips, built on xDSL.

The subpackages live in the repository's top-level folders (``dialects/``,
``passes/``, ``hwmodel/``, ``runtime/``, ``tools/``) and are mapped into this
package by ``pyproject.toml``.
"""
