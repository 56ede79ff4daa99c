// Every way a --load can fail is one line naming the target and the reason,
// exit status 1, no traceback.
// RUN: not t10-opt %s --load %S/Inputs/load/missing.py 2>&1 | filecheck %s --check-prefix=MISSING
// RUN: not t10-opt %s --load no_such_package.passes 2>&1 | filecheck %s --check-prefix=NO-MODULE
// A file that does not parse is written here: ruff would reject it in Inputs.
// RUN: echo "def broken(:" > %t.syntax_error.py
// RUN: not t10-opt %s --load %t.syntax_error.py 2>&1 | filecheck %s --check-prefix=SYNTAX
// RUN: not t10-opt %s --load %S/Inputs/load/raises.py 2>&1 | filecheck %s --check-prefix=RAISES
// RUN: not t10-opt %s --load %S/Inputs/load/clashing.py 2>&1 | filecheck %s --check-prefix=CLASH
// RUN: not t10-opt %s --load %S/Inputs/load/clashing_dialect.py 2>&1 | filecheck %s --check-prefix=DIALECT
// What a file imports is not its own: nothing.py only imports a t10 pass.
// RUN: not t10-opt %s --load %S/Inputs/load/nothing.py 2>&1 | filecheck %s --check-prefix=NOTHING
// RUN: not t10-opt %s --load %S/Inputs/load/unnamed.py 2>&1 | filecheck %s --check-prefix=UNNAMED
// RUN: env T10_TRACEBACK=1 not t10-opt %s --load %S/Inputs/load/raises.py 2>&1 | filecheck %s --check-prefix=TRACEBACK

// MISSING:        t10-opt: error: cannot load {{.*}}Inputs/load/missing.py: no such file
// MISSING-EMPTY:
// NO-MODULE:      t10-opt: error: cannot load no_such_package.passes: ModuleNotFoundError: No module named 'no_such_package'
// NO-MODULE-EMPTY:
// SYNTAX:         t10-opt: error: cannot load {{.*}}syntax_error.py: SyntaxError: invalid syntax ({{.*}}syntax_error.py, line 1)
// SYNTAX-EMPTY:
// RAISES:         t10-opt: error: cannot load {{.*}}Inputs/load/raises.py: RuntimeError: the chip description is missing
// RAISES-EMPTY:
// CLASH:          t10-opt: error: cannot load {{.*}}Inputs/load/clashing.py: pass 't10-partition' is already registered
// CLASH-EMPTY:
// DIALECT:        t10-opt: error: cannot load {{.*}}Inputs/load/clashing_dialect.py: dialect 'rtensor' is already registered
// DIALECT-EMPTY:
// NOTHING:        t10-opt: error: cannot load {{.*}}Inputs/load/nothing.py: it defines no ModulePass subclass and no Dialect
// NOTHING-EMPTY:
// UNNAMED:        t10-opt: error: cannot load {{.*}}Inputs/load/unnamed.py: pass class UnnamedPass has no `name`
// UNNAMED-EMPTY:
// TRACEBACK:      Traceback (most recent call last):
// TRACEBACK:      RuntimeError: the chip description is missing
// TRACEBACK:      LoadError: cannot load {{.*}}raises.py: RuntimeError: the chip description is missing
