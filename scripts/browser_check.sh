#!/usr/bin/env bash
# Looks at the HTML reports the way a person would: serves a reports folder with
# `experiment reports`, loads the index and the newest run report (_latest/) in headless
# Chromium, checks what the rendered DOM contains, checks that every image the run page shows
# is a real picture, and saves screenshots for a person to look at.
#
# Usage: scripts/browser_check.sh REPORTS_FOLDER
# Environment:
#   CF_EXPERIMENT_BIN  the experiment binary (default: build/bin/experiment, then PATH)
#   CF_SCREENSHOT_DIR  where the screenshots go (default: REPORTS_FOLDER/../browser_check)
#   CHROMIUM           the browser (default: chromium)
# Exits non-zero with one "browser_check: FAIL ..." line per failed check.
set -euo pipefail

fail() {
  echo "browser_check: FAIL $*" >&2
  exit 1
}

[ $# -eq 1 ] || { echo "usage: $0 REPORTS_FOLDER" >&2; exit 2; }
[ -d "$1" ] || fail "reports folder $1 does not exist"
reports=$(cd "$1" && pwd)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
experiment=${CF_EXPERIMENT_BIN:-$root/build/bin/experiment}
[ -x "$experiment" ] || experiment=$(command -v experiment) || fail "no experiment binary (set CF_EXPERIMENT_BIN)"
chromium=${CHROMIUM:-chromium}
command -v "$chromium" >/dev/null || fail "$chromium is not installed (apt-get install chromium)"
python=/usr/bin/python3
[ -x "$python" ] || python=python3
shots=${CF_SCREENSHOT_DIR:-$(dirname "$reports")/browser_check}
mkdir -p "$shots"
shots=$(cd "$shots" && pwd)

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A throwaway project whose reports_path is the folder given, so any folder can be served, not
# only the reports/ of the project we happen to be in.
"$python" -c 'import json, sys; print(json.dumps({"reports_path": sys.argv[1]}))' "$reports" \
  >"$work/curifactory_config.json"
(cd "$work" && exec "$experiment" reports --port 0) >"$work/server.out" 2>"$work/server.err" &
server=$!

port=""
for _ in $(seq 200); do
  port=$(sed -n 's|^serving .* at http://127\.0\.0\.1:\([0-9]*\)/ .*|\1|p' "$work/server.out")
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || fail "experiment reports exited: $(cat "$work/server.err")"
  sleep 0.05
done
[ -n "$port" ] || fail "experiment reports printed no 'serving' line within 10 s"
base="http://127.0.0.1:$port"
echo "browser_check: serving $reports at $base/"

browse() {
  # As root Chromium refuses to start without --no-sandbox; its own profile keeps it away from
  # the user's; a container's small /dev/shm would otherwise crash the renderer.
  timeout 90 "$chromium" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --user-data-dir="$work/profile" --hide-scrollbars \
    --run-all-compositor-stages-before-draw --virtual-time-budget=5000 "$@" 2>>"$work/chromium.log"
}

browse --dump-dom "$base/" >"$work/index.dom" || fail "chromium could not load $base/ ($(tail -n 3 "$work/chromium.log" | tr '\n' ' '))"
browse --dump-dom "$base/_latest/" >"$work/run.dom" || fail "chromium could not load $base/_latest/"
browse --window-size=1280,2000 --screenshot="$shots/index.png" "$base/" >/dev/null || fail "no screenshot of $base/"
browse --window-size=1280,2000 --screenshot="$shots/run.png" "$base/_latest/" >/dev/null ||
  fail "no screenshot of $base/_latest/"

# The DOM as Chromium built it, so markup the browser had to repair or drop does not count.
"$python" - "$work/index.dom" "$work/run.dom" "$base/_latest/" "$shots/index.png" "$shots/run.png" <<'PY'
import html.parser
import struct
import sys
import urllib.parse
import urllib.request

index_dom, run_dom, run_url, *screenshots = sys.argv[1:]
failures = []


VOID = {"img", "br", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"}


class Page(html.parser.HTMLParser):
    """What the checks need from a page: its title, where its svgs sit, its images."""

    def __init__(self, text):
        super().__init__()
        self.title = None
        self.in_title = False
        self.open = []  # (tag, classes) of the open elements
        self.graph_svgs = 0
        self.plot_svgs = 0
        self.images = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        in_svg = any(open_tag == "svg" for open_tag, _ in self.open)
        # Graphviz gives every node an SVG <title>; only the document's own counts.
        if tag == "title" and not in_svg and self.title is None:
            self.in_title = True
            self.title = ""
        if tag == "svg":
            if any("cf-graph" in open_classes for _, open_classes in self.open):
                self.graph_svgs += 1
            if "cf-plot" in classes:
                self.plot_svgs += 1
        if tag == "img":
            self.images.append(attrs.get("src") or "")
        # Void elements never get an end tag, so they must not stay on the stack.
        if tag not in VOID:
            self.open.append((tag, classes))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        # Chromium's serialised DOM is well formed, so end tags pair with the stack.
        if tag not in VOID and self.open:
            self.open.pop()

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


index = Page(read(index_dom))
if index.title != "Curifactory reports":
    failures.append(f"index page title is {index.title!r}, expected 'Curifactory reports'")

run = Page(read(run_dom))
if not (run.title or "").strip():
    failures.append("run page has no <title>")
if run.graph_svgs == 0:
    failures.append("run page has no inline <svg> inside a cf-graph element")
if run.plot_svgs == 0:
    failures.append('run page has no <svg class="cf-plot">')
if not run.images:
    failures.append("run page has no <img>")
for src in run.images:
    url = urllib.parse.urljoin(run_url, src)
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            data = response.read()
            kind = response.headers.get("Content-Type", "")
    except Exception as error:  # any failure to fetch is the finding itself
        failures.append(f"image {src!r} cannot be fetched from {url}: {error}")
        continue
    size = png_size(data)
    if size is not None:
        if size[0] == 0 or size[1] == 0:
            failures.append(f"image {src!r} is a PNG of size {size[0]}x{size[1]}")
    elif b"<svg" in data[:4096]:
        pass
    elif data[:3] == b"\xff\xd8\xff" or data[:6] in (b"GIF87a", b"GIF89a"):
        pass
    else:
        failures.append(f"image {src!r} ({kind}, {len(data)} bytes) is not a PNG, SVG, JPEG or GIF")

for shot in screenshots:
    data = open(shot, "rb").read() if shot else b""
    size = png_size(data)
    if size is None or size[0] == 0:
        failures.append(f"screenshot {shot} is not a PNG")

for failure in failures:
    print(f"browser_check: FAIL {failure}", file=sys.stderr)
if failures:
    sys.exit(1)
print(f"browser_check: index title ok; run page: title {run.title.strip()!r}, "
      f"{run.graph_svgs} graph svg(s), {run.plot_svgs} plot svg(s), {len(run.images)} image(s) ok")
PY

kill -TERM "$server"
status=0
wait "$server" || status=$?
server=""
[ "$status" -eq 0 ] || fail "experiment reports exited with $status after SIGTERM"
echo "browser_check: screenshots $shots/index.png $shots/run.png"
echo "browser_check: ok"
