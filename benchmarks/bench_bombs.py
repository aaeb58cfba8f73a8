"""Benchmark refusing hostile workbooks: the time and memory ``salesmkt score`` takes to
refuse a zip bomb (a 300 MB member of zeros packed to a few hundred KB) and an entity
bomb (billion laughs in ``xl/sharedStrings.xml``), next to reading an ordinary workbook.

Each case runs in a fresh process (this script with ``--one FILE``), so the figures are
its own: the wall time of the ``score`` call (openpyxl, pandas and the pipeline imported
first; tracemalloc is on, which slows it), the peak of Python
allocations during the call (``tracemalloc``) and the process's maximum resident set
size (``getrusage``, imports included). Targets: refused within 2 s and 200 MB.

    python benchmarks/bench_bombs.py
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [\n <!ENTITY a "lol">\n'
    + b"".join(
        f' <!ENTITY {b} "{("&" + a + ";") * 10}">\n'.encode()
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'count="1" uniqueCount="1"><si><t>&i;</t></si></sst>'
)


def ordinary(path: Path) -> Path:
    import openpyxl

    with (ROOT / "examples" / "workshop.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    book.save(path)
    return path


def rewrite(src: Path, out: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        names = zi.namelist()
        for name in names:
            zo.writestr(name, replace.get(name, zi.read(name)))
        for name, data in replace.items():
            if name not in names:
                zo.writestr(name, data)
    return out


def zip_bomb(base: Path, out: Path) -> Path:
    rewrite(base, out, {})
    chunk = b"\0" * (1 << 20)
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf,
        zf.open("xl/media/zeros.bin", "w", force_zip64=True) as f,
    ):
        for _ in range(300):
            f.write(chunk)
    return out


def entity_bomb(base: Path, out: Path) -> Path:
    with zipfile.ZipFile(base) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels")
        types = zf.read("[Content_Types].xml")
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    replace = {
        "xl/sharedStrings.xml": LAUGHS,
        "xl/_rels/workbook.xml.rels": rels,
        "[Content_Types].xml": types,
    }
    return rewrite(base, out, replace)


def one(path: str) -> None:
    """Run ``score`` on ``path`` in this process and print ``seconds peak_mb rss_mb code``."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    import openpyxl  # noqa: F401  (imports first: only the refusal is timed)
    import pandas  # noqa: F401

    import salesmkt.pipeline.runs  # noqa: F401
    from salesmkt.cli import main

    sys.argv = ["salesmkt", "score", path]
    tracemalloc.start()
    started = time.perf_counter()
    code: object = 0
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        try:
            main()
        except SystemExit as exc:
            code = exc.code
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.3f} {peak:.1f} {rss:.1f} {code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one)
        return
    with tempfile.TemporaryDirectory() as tmp:
        base = ordinary(Path(tmp) / "ordinary.xlsx")
        cases = [
            ("ordinary workbook", base),
            ("zip bomb (300 MB of zeros)", zip_bomb(base, Path(tmp) / "zip.xlsx")),
            ("entity bomb (10^9 'lol')", entity_bomb(base, Path(tmp) / "laughs.xlsx")),
        ]
        print(f"{'case':<28} {'file KB':>8} {'exit':>4} {'time s':>7} {'py peak MB':>10} "
              f"{'max RSS MB':>10}")  # fmt: skip
        for label, path in cases:
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(path)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            seconds, peak, rss, code = out
            size = path.stat().st_size / 1024
            print(f"{label:<28} {size:>8.0f} {code:>4} {seconds:>7} {peak:>10} {rss:>10}")


if __name__ == "__main__":
    main()
