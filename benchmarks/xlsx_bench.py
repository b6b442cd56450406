"""Reading the inputs from a workbook against reading them from CSV files, on a 1 M-nonzero case.

    python benchmarks/xlsx_bench.py [--repeat 7]

Generates the seeded case (780 origins x 17 elements x 2,650 scenarios: 1.03 million nonzeros in
the LP ``sourcing solve`` builds) as a folder, writes the same tables as one workbook the way Excel
saves one (numbers as numbers, text in the shared-strings table), then times
``sourcing.load_inputs`` on each, in a fresh process per run, the two in turn so that a ratio is
taken within a round. Prints the medians and the median of the per-round ratios (workbook / CSV).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZE = {"origins": 780, "scenarios": 2650}
CHILD = "import sys, time; t = time.perf_counter(); from sourcing import load_inputs; import sourcing.data; " \
        "t = time.perf_counter(); load_inputs(sys.argv[1]); print(time.perf_counter() - t)"


def workbook_of(folder: Path, book: Path) -> None:
    """The folder's CSV files as one workbook, one sheet per file (numbers as numbers)."""
    import pandas as pd
    import xlsxwriter

    out = xlsxwriter.Workbook(book)
    for csv in sorted(folder.glob("*.csv")):
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        sheet = out.add_worksheet(csv.stem)
        sheet.write_row(0, 0, list(frame.columns))
        for i, row in enumerate(frame.itertuples(index=False), start=1):
            for j, value in enumerate(row):
                try:
                    sheet.write_number(i, j, float(value))
                except ValueError:
                    sheet.write_string(i, j, value)
    out.close()


def timed(path: Path) -> float:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(ROOT)})
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "xlsx")
    args = parser.parse_args()
    from benchmarks.generate import Size, generate

    folder = generate(args.out / "folder", Size(**SIZE))
    book = args.out / "inputs.xlsx"
    if not book.exists():
        start = time.perf_counter()
        workbook_of(folder, book)
        print(f"wrote {book} in {time.perf_counter() - start:.1f} s ({book.stat().st_size / 1e6:.1f} MB)")
    timed(folder), timed(book)  # warm the file cache
    csv, xlsx, ratios = [], [], []
    for _ in range(args.repeat):
        a, b = timed(folder), timed(book)
        csv.append(a)
        xlsx.append(b)
        ratios.append(b / a)
    print(f"load_inputs from CSV files: median {statistics.median(csv):.3f} s (min {min(csv):.3f}, max {max(csv):.3f})")
    print(f"load_inputs from a workbook: median {statistics.median(xlsx):.3f} s "
          f"(min {min(xlsx):.3f}, max {max(xlsx):.3f})")
    print(f"workbook / CSV: median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}), "
          f"{args.repeat} rounds")


if __name__ == "__main__":
    main()
