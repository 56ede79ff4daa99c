"""``t10-opt``: xDSL's opt driver with t10's dialects and passes registered.

Every ``xdsl-opt`` flag works unchanged. Unlike ``xdsl-opt``, a malformed
input, a verifier error or a failing pass is reported as its diagnostic alone
(file, line, caret, message) with exit status 1, never as a Python traceback.
"""

import argparse
import sys
from collections.abc import Sequence

from xdsl.utils.exceptions import DiagnosticException, ParseError, PassFailedException
from xdsl.xdsl_opt_main import xDSLOptMain

from t10.dialects.linalg_ext import LinalgExtended


class T10OptMain(xDSLOptMain):
    version_format = "t10-opt built from xdsl version {xdsl_version}"

    def __init__(self, args: Sequence[str] | None = None):
        super().__init__(description="t10 modular optimizer driver", args=args)

    def register_all_dialects(self):
        # xDSL's universe registers its own `linalg`; replace it by the dialect
        # with t10's additions before the context is used.
        super().register_all_dialects()
        self.ctx._registered_dialects["linalg"] = lambda: LinalgExtended  # pyright: ignore[reportPrivateUsage]

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser):
        super().register_all_arguments(arg_parser)


def main(args: Sequence[str] | None = None) -> int:
    try:
        T10OptMain(args=args).run()
    except ParseError as error:
        print(error, file=sys.stderr)
        return 1
    except (DiagnosticException, PassFailedException) as error:
        print(error, file=sys.stderr)
        for note in getattr(error, "__notes__", []):
            print(note, file=sys.stderr)
        return 1
    except (ValueError, OSError) as error:
        print(f"t10-opt: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
