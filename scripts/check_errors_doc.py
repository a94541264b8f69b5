#!/usr/bin/python3
"""Checks that docs/errors.md lists every error message the code can show a user.

It scans the C++ sources of host/, sdk/, cachers/ and reports/ for the calls that build a
user-facing error: UserError(...), fail(...), host_error(...), the SDK's stage_error,
json_error and artifact_error, std::runtime_error(...), the local error/invalid/reject/fail_io/
fail_status helpers, warnings.push_back(...), and log(...) calls at CF_LOG_WARNING or
CF_LOG_ERROR. For each call it takes the first string literal inside the parentheses that has
at least three words (adjacent literals joined, C escapes undone): that is the fixed text a user
sees, whatever placeholders surround it. Each such text must appear in docs/errors.md, compared
with runs of whitespace collapsed, so the document may wrap it across lines.

A message made only of placeholders and short glue (": ", "' ") has no such literal and is not
checked; it still belongs in the document if a user can see it.

Usage: check_errors_doc.py [--list] [ROOT]
  ROOT     the repository (default: the folder above this script)
  --list   print every extracted message with its file and line, then exit 0

Exit status: 0 when every message is documented, 1 listing the missing ones, 2 on bad usage.
When it fails, add an entry for each listed message to the matching section of docs/errors.md:
the message as the user sees it (placeholders like <file>), its cause and its fix.
"""

import re
import sys
from pathlib import Path

SOURCE_FOLDERS = ("host", "sdk", "cachers", "reports")
SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".cc", ".c")
CALL = re.compile(
    r"\b(UserError|host_error|stage_error|json_error|artifact_error|runtime_error"
    r"|fail|fail_io|fail_status|error|invalid|reject|log|warnings\.push_back)\s*\("
)
LOGGED_PROBLEM = re.compile(r"CF_LOG_(WARNING|ERROR)")
MIN_WORDS = 3
ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "0": "\0", "?": "?"}


def blank_comments(text):
    """The source with comments replaced by spaces (newlines kept), literals left intact."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif c == '"' or (c == "'" and not (i > 0 and text[i - 1].isalnum())):
            # A literal (a ' after a digit is a C++14 digit separator, not a character literal).
            end = literal_end(text, i)
            out.append(text[i:end])
            i = end
        else:
            out.append(c)
            i += 1
    return "".join(out)


def literal_end(text, start):
    """The index just past the quoted literal that starts at text[start]."""
    quote = text[start]
    if quote == '"' and start > 0 and text[start - 1] == "R":
        match = re.match(r'"([^()\\ ]{0,16})\(', text[start:])
        if match:
            close = text.find(")" + match.group(1) + '"', start)
            return len(text) if close < 0 else close + len(match.group(1)) + 2
    i = start + 1
    while i < len(text) and text[i] != quote:
        i += 2 if text[i] == "\\" else 1
    return i + 1


def decode(body):
    """A C++ literal's characters with the common escapes undone."""
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), body, flags=re.S)


def call_literals(text, open_paren):
    """The string literals inside the call whose '(' is at open_paren, adjacent ones joined, and
    the index just past the call's ')'."""
    literals = []
    depth, i, n = 1, open_paren + 1, len(text)
    adjacent = False  # the previous token was a literal and only whitespace followed it
    while i < n and depth > 0:
        c = text[i]
        if c == '"':
            raw = i > 0 and text[i - 1] == "R"
            end = literal_end(text, i)
            body = text[i + 1 : end - 1]
            if raw:
                body = body[body.find("(") + 1 : body.rfind(")")]
            else:
                body = decode(body)
            if adjacent and literals:
                literals[-1] += body
            else:
                literals.append(body)
            adjacent = True
            i = end
            continue
        if c == "'":
            i = literal_end(text, i) if not text[i - 1].isalnum() else i + 1
            adjacent = False
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if not c.isspace() and c != "R":
            adjacent = False
        i += 1
    return literals, i


def word_count(text):
    return sum(1 for word in text.split() if any(ch.isalnum() for ch in word))


def normalized(text):
    return " ".join(text.split())


def extract(root):
    """(file, line, message) for every checked call, in file and line order."""
    found = []
    for folder in SOURCE_FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
                continue
            text = blank_comments(path.read_text(encoding="utf-8", errors="replace"))
            for match in CALL.finditer(text):
                literals, end = call_literals(text, match.end() - 1)
                # Log lines count only at the levels a user reads as a problem.
                if match.group(1) == "log" and not LOGGED_PROBLEM.search(text, match.start(), end):
                    continue
                for literal in literals:
                    message = normalized(literal)
                    if word_count(message) >= MIN_WORDS:
                        line = text.count("\n", 0, match.start()) + 1
                        found.append((path.relative_to(root).as_posix(), line, message))
                        break
    return found


def main(argv):
    args = argv[1:]
    listing = "--list" in args
    args = [a for a in args if a != "--list"]
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print("usage: check_errors_doc.py [--list] [ROOT]", file=sys.stderr)
        return 2
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    messages = extract(root)
    if listing:
        for file, line, message in messages:
            print(f"{file}:{line}: {message}")
        return 0
    doc_path = root / "docs" / "errors.md"
    if not doc_path.is_file():
        print(f"error: {doc_path}: not found", file=sys.stderr)
        return 1
    doc = normalized(doc_path.read_text(encoding="utf-8"))
    missing = [(f, l, m) for f, l, m in messages if m not in doc]
    if not messages:
        print(f"error: no error messages found under {root} (wrong ROOT?)", file=sys.stderr)
        return 1
    if missing:
        print(f"{len(missing)} error message(s) not listed in docs/errors.md:", file=sys.stderr)
        for file, line, message in missing:
            print(f"  {file}:{line}: {message}", file=sys.stderr)
        print("Add an entry for each (message with <placeholders>, cause, fix) to the matching section of "
              "docs/errors.md; see its introduction.", file=sys.stderr)
        return 1
    print(f"docs/errors.md lists all {len(messages)} checked error messages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
