#!/usr/bin/env python3
"""Parse-checks Swift files without a Swift compiler, with tree-sitter-swift.

    check_swift_syntax.py FILE.swift [FILE.swift ...]

Exits 0 when every file parses cleanly, 1 when any has a syntax error (printed as
FILE:LINE:COL, 1-based), 2 on bad usage or a missing parser.

tree-sitter-swift treats `#if ... #endif` directives as extras, so an attribute standing alone
inside `#if swift(>=5.8)` (which uniffi emits) parses as an ERROR, and so does the closure
`{ () }`. Before parsing, whole directive lines (#if, #elseif, #else, #endif) are blanked, which
keeps every line number, and their nesting is checked separately; `{ () }` is replaced by a
same-length empty closure, which keeps every column. What remains is caught: missing or extra
brackets, broken strings, misspelled keywords, truncated files. Type errors and undefined names
are not: they need `swift build` on a Mac.
"""

import re
import sys

try:
    import tree_sitter
    import tree_sitter_swift
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"check_swift_syntax: {e}; install the PyPI packages tree-sitter and tree-sitter-swift",
          file=sys.stderr)
    sys.exit(2)

DIRECTIVE = re.compile(rb"^\s*#(if|elseif|else|endif)\b")
EMPTY_UNIT_CLOSURE = re.compile(rb"\{ \(\) \}")
MAX_REPORTED = 20


def preprocess(source: bytes):
    """Blanks directive lines and normalises `{ () }`; returns the new source and the
    directive-nesting errors as (line, col, message)."""
    errors = []
    stack = []  # (line of the #if, whether an #else was seen)
    lines = source.split(b"\n")
    for index, line in enumerate(lines):
        number = index + 1
        match = DIRECTIVE.match(line)
        if match:
            kind = match.group(1).decode()
            col = line.index(b"#") + 1
            if kind == "if":
                stack.append([number, False])
            elif not stack:
                errors.append((number, col, f"#{kind} without a matching #if"))
            elif kind == "endif":
                stack.pop()
            elif stack[-1][1]:
                errors.append((number, col, f"#{kind} after the #else of the #if on line {stack[-1][0]}"))
            elif kind == "else":
                stack[-1][1] = True
            lines[index] = b""
        else:
            lines[index] = EMPTY_UNIT_CLOSURE.sub(b"{    }", line)
    for number, _ in stack:
        errors.append((number, 1, "#if without a matching #endif"))
    return b"\n".join(lines), errors


def syntax_errors(tree):
    """(line, col, message) of every ERROR and MISSING node, outermost first."""
    found = []
    pending = [tree.root_node]
    while pending:
        node = pending.pop()
        if node.is_missing:
            found.append((node.start_point, f"missing {node.type!r}"))
        elif node.type == "ERROR":
            text = node.text.decode("utf-8", "replace").strip().splitlines()
            near = text[0][:60] if text else ""
            found.append((node.start_point, f"syntax error near {near!r}"))
        elif node.has_error:
            pending.extend(reversed(node.children))
    if tree.root_node.has_error and not found:
        found.append((tree.root_node.start_point, "syntax error"))
    return [(p.row + 1, p.column + 1, message) for p, message in found]


def check(parser, path):
    with open(path, "rb") as f:
        source, errors = preprocess(f.read())
    errors += syntax_errors(parser.parse(source))
    errors.sort()
    for line, col, message in errors[:MAX_REPORTED]:
        print(f"{path}:{line}:{col}: {message}")
    if len(errors) > MAX_REPORTED:
        print(f"{path}: ... and {len(errors) - MAX_REPORTED} more")
    return not errors


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))
    failed = [path for path in paths if not check(parser, path)]
    for path in paths:
        print(f"{'FAIL' if path in failed else 'ok  '} {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
