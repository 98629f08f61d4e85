"""List functions longer than a limit (default 60 lines) in the application's code.

Usage: python scripts/long_functions.py [LIMIT] [PATH ...]; exits 1 when any is found.
Migrations and tests are not application code here.
"""

import ast
import sys
from pathlib import Path

APPS = ["clinic", "bookings", "articles", "care"]


def long_functions(paths: list[Path], limit: int):
    for path in paths:
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            if "migrations" in file.parts:
                continue
            tree = ast.parse(file.read_text(), filename=str(file))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = node.end_lineno - node.lineno + 1
                    if lines > limit:
                        yield file, node.name, lines


def main() -> int:
    args = sys.argv[1:]
    limit = int(args.pop(0)) if args and args[0].isdigit() else 60
    paths = [Path(arg) for arg in args] or [Path(app) for app in APPS if Path(app).exists()]
    found = list(long_functions(paths, limit))
    for file, name, lines in found:
        print(f"{file}: {name} is {lines} lines (limit {limit})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
