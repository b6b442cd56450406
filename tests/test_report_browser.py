"""The report in a real browser: headless Chromium (Debian's package, which ``.ci/run`` installs)
driven by Playwright for Python, with JavaScript off and every request intercepted.

The rendered DOM is checked: the sections, the first screen within 1280 x 800, every number of
the plan table (and the other tables of the answer) against the JSON result, the picture decoded,
no request leaving the file, no console error, no table wider than an A4 page in print. The
screenshots, the page and its A4 PDF are kept in ``tests/artifacts/`` (git-ignored).

Skipped, saying why, where Playwright or Chromium is missing, unless ``SOURCING_REQUIRE_BROWSER``
is set (``.ci/run`` sets it once Chromium is there), in which case it fails instead.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest

from sourcing import bundled_inputs, load_inputs
from sourcing.output import formats
from sourcing.output.html import briefing_html
from sourcing.output.json import result_json
from sourcing.reporting import report
from sourcing.schema import SPECS

CHROMIUM = Path(os.environ.get("SOURCING_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).parent / "artifacts"
SCREEN = {"width": 1280, "height": 800}
A4_CONTENT_PX = 703
"""The width of an A4 page inside the report's print margins (210 - 2 x 12 mm at 96 px per inch)."""
PLAN_FIELDS = {"volume": formats.tonnes, "share": formats.share, "unit_cost": formats.usd_kg,
               "procurement_cost": formats.musd, "capacity": formats.whole_tonnes, "max_share": formats.cap}


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed: pip install -e '.[test]'")
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium, as "
                     ".ci/run does as root) or point SOURCING_CHROMIUM at one")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _unavailable(reason: str) -> None:
    if os.environ.get("SOURCING_REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


class Visit:
    """A page opened from a file with JavaScript off; every request it makes, those let through
    (``file:`` and ``data:``) and those stopped, and every console error and page error."""

    def __init__(self, browser, path: Path, viewport: dict = SCREEN) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(java_script_enabled=False, viewport=viewport)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.resolve().as_uri(), wait_until="load")

    def _route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def bundled():
    briefing = report(load_inputs(bundled_inputs()), created=dt.datetime(2026, 2, 1, 9, 30, tzinfo=dt.UTC))
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "report.html"
    path.write_text(briefing_html(briefing), encoding="utf-8")
    return path, json.loads(result_json(briefing.result)), briefing.multi_year.plan.to_dict()


@pytest.fixture(scope="module")
def visit(browser, bundled):
    v = Visit(browser, bundled[0])
    v.page.screenshot(path=str(ARTIFACTS / "report-first-screen.png"))
    v.page.screenshot(path=str(ARTIFACTS / "report-full-page.png"), full_page=True)
    yield v
    v.close()


def test_the_sections_are_there(visit):
    page = visit.page
    for section, heading in (("plan", "The plan"), ("status-quo", "Today's mix against the optimum"),
                             ("frontier", "What diversification costs: the China cap frontier"),
                             ("inputs", "Inputs, options and sources")):
        assert page.locator(f"#{section} > h2").inner_text() == heading
    assert page.locator("#infeasible-zone").is_visible()
    assert page.locator("#multi-year > h2").inner_text() == "Years ahead: what to sign and fund now, 2027-2035"
    assert page.locator("section.input-file").count() == len(SPECS) + 1  # the files of the schema and the plan


def test_the_first_screen_holds_the_answer_without_scrolling(visit):
    page = visit.page
    for selector in (".lede", "#volume-bars", "#card-objective", "#card-procurement", "#card-risk",
                     "#card-stockpile", "#top-caps"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"], selector
        assert box["x"] >= 0 and box["x"] + box["width"] <= SCREEN["width"], selector
    assert page.locator("#volume-bars tbody tr").count() == 5
    assert page.locator("#top-caps li").count() == 3


def test_the_plan_table_is_the_json_result(visit, bundled):
    doc = bundled[1]
    rows = visit.page.locator("#plan-table tbody tr")
    assert rows.count() == len(doc["plan"])
    for i, entry in enumerate(doc["plan"]):
        row = rows.nth(i)
        assert (row.get_attribute("data-origin"), row.get_attribute("data-element")) == (entry["origin"],
                                                                                         entry["element"])
        cells = row.locator("td")
        assert cells.nth(0).inner_text() == entry["element"] and cells.nth(1).inner_text() == entry["origin"]
        for field, write in PLAN_FIELDS.items():
            assert row.locator(f'td[data-field="{field}"]').inner_text() == write(entry[field]), (entry, field)


def test_the_answer_on_the_first_screen_is_the_json_result(visit, bundled):
    doc, page = bundled[1], visit.page
    assert page.locator("#card-objective .figure").inner_text() == f"{formats.musd(doc['objective'])} USD M/yr"
    assert page.locator("#card-procurement .figure").inner_text().startswith(formats.musd(doc["procurement_cost"]))
    assert page.locator("#card-risk .figure").inner_text().startswith(formats.musd(doc["expected_shortage_cost"]))
    assert f"CVaR 95%: {formats.musd(doc['cvar'])} USD M" in page.locator("#card-risk .note").inner_text()
    assert page.locator("#card-stockpile .figure").inner_text().startswith(formats.musd(doc["stockpile_cost"]))
    costliest = sorted((c for c in doc["caps"] if c["binding"]), key=lambda c: -c["marginal_cost_per_pp"])[:3]
    shown = page.locator("#top-caps .mc").all_inner_texts()
    assert shown == [formats.musd_per_pp(c["marginal_cost_per_pp"]) for c in costliest]
    for element in doc["elements"]:
        bar = page.locator(f'#volume-bars tr[data-element="{element["element"]}"]')
        assert bar.locator("td.num").inner_text() == formats.tonnes(element["total_volume"])
        widths = [float(re.search(r"width:([\d.]+)%", s).group(1))
                  for s in bar.locator(".seg").evaluate_all("els => els.map(e => e.getAttribute('style'))")]
        assert sum(widths) == pytest.approx(100, abs=0.01)
    binding = page.locator("#binding-caps tbody tr")
    assert binding.count() == len([c for c in doc["caps"] if c["binding"]])
    for i, cap in enumerate(c for c in doc["caps"] if c["binding"]):
        cell = binding.nth(i).locator('td[data-field="marginal_cost_per_pp"]')
        assert cell.inner_text() == formats.musd_per_pp(cap["marginal_cost_per_pp"])
    for scenario in doc["scenarios"]:
        row = page.locator(f'#scenarios-table tr[data-scenario="{scenario["scenario"]}"]')
        assert row.locator('td[data-field="shortage_cost"]').inner_text() == formats.musd(scenario["shortage_cost"])
        for element, tonnes in scenario["shortage"].items():
            assert row.locator(f'td[data-field="shortage:{element}"]').inner_text() == formats.tonnes(tonnes)
    for key in ("value_of_stochastic_solution", "expected_value_of_perfect_information"):
        assert page.locator(f'#voi-table tr[data-key="{key}"] td.num').inner_text() == formats.musd(doc[key])


def test_the_years_ahead_are_the_plan_json(visit, bundled):
    """What the report says to sign now is, figure for figure, the plan's ``sign_now``, and the
    expected course its ``trajectory``."""
    doc, page = bundled[2], visit.page
    contracts = [r for r in doc["sign_now"] if r["decision"] == "contract"]
    assert contracts == sorted(contracts, key=lambda r: (r["year"], r["element"], r["origin"]))
    assert all(r["signed"] <= doc["years"][0] for r in contracts)
    rows = page.locator("#plan-contracts tbody tr")
    assert rows.count() == len(contracts) > 0
    for i, entry in enumerate(contracts):
        cells = rows.nth(i).locator("td").all_inner_texts()
        assert cells == [str(entry["year"]), entry["element"], entry["origin"], f"{entry['volume']:,.1f}", str(entry["signed"])]
    decided = {r["project"]: f"{r['capacity']:,.1f}" for r in doc["sign_now"] if r["decision"] == "investment"}
    rows = page.locator("#plan-invest_now tbody tr")
    shown = {rows.nth(i).locator("td").nth(0).inner_text(): rows.nth(i).locator("td").nth(3).inner_text()
             for i in range(rows.count())}
    assert shown == decided and any(c != "0.0" for c in shown.values())
    sign_now = page.locator("#plan-contracts").bounding_box()
    course = page.locator("#plan-trajectory").bounding_box()
    assert sign_now["y"] < course["y"]  # what to sign comes first
    rows = page.locator("#plan-trajectory tbody tr")
    assert rows.count() == len(doc["trajectory"])
    for i in (0, len(doc["trajectory"]) // 2, len(doc["trajectory"]) - 1):
        r, cells = doc["trajectory"][i], rows.nth(i).locator("td").all_inner_texts()
        assert cells[:2] == [str(r["year"]), r["element"]]
        assert cells[-6:] == [f"{r[k]:,.1f}" for k in ("stock", "stock_p5", "stock_p95", "shortage", "shortage_p95")] \
            + [f"{r['shortage_probability']:.1%}"]
    likeliest = max(doc["trajectory"], key=lambda r: (r["shortage_probability"], -r["year"]))
    assert page.locator("#plan-exposed").inner_text() == f"{likeliest['shortage_probability']:.1%}"
    worst = min(doc["path_costs"], key=lambda p: (-p["shortage_cost"], p["path"]))  # the costliest, then by name
    assert f"The worst path is {worst['path']}" in page.locator("#multi-year-summary").inner_text()
    assert page.locator("#plan-worst tbody tr td:first-child").first.inner_text() == worst["path"]


def test_every_image_is_decoded(visit):
    sizes = visit.page.evaluate("() => [...document.images].map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
    assert sizes and all(done and w > 0 and h > 0 for done, w, h in sizes), sizes
    assert visit.page.locator("#frontier-plot").bounding_box()["width"] > 600


def test_no_request_leaves_the_file_and_no_console_error(visit, bundled):
    assert visit.blocked == []
    assert visit.requests == [bundled[0].resolve().as_uri()]  # the page itself; the picture is data:
    assert visit.errors == []
    assert visit.page.locator("script").count() == 0  # nothing to run: it reads the same with JavaScript off


def test_the_guards_catch_a_request_out_and_a_console_error(browser, tmp_path):
    """The checks above can fail: a page that reaches out, or misses a file, is caught."""
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><html><head><link rel="stylesheet" href="https://fonts.example.net/a.css">'
                    '</head><body><img src="http://192.0.2.1/x.png"><img src="missing.png"></body></html>')
    v = Visit(browser, page)
    try:
        assert sorted(v.blocked) == ["http://192.0.2.1/x.png", "https://fonts.example.net/a.css"]
        assert any("ERR_FILE_NOT_FOUND" in e or "Failed to load resource" in e for e in v.errors), v.errors
    finally:
        v.close()


def test_it_prints_on_a4_without_cut_tables(browser, bundled):
    v = Visit(browser, bundled[0], viewport={"width": A4_CONTENT_PX, "height": 1000})
    try:
        v.page.emulate_media(media="print")
        overflow = v.page.evaluate("""(width) => [...document.querySelectorAll('table, figure, img, .cards, pre')]
            .filter(e => e.getBoundingClientRect().right > width + 0.5 || e.scrollWidth > e.clientWidth + 1)
            .map(e => e.id || e.className || e.tagName)""", A4_CONTENT_PX)
        assert overflow == []
        assert v.page.evaluate("() => document.documentElement.scrollWidth") <= A4_CONTENT_PX
        assert v.page.locator("nav").is_hidden()
        pdf = v.page.pdf(path=str(ARTIFACTS / "report.pdf"), prefer_css_page_size=True, print_background=True)
        pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
        boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
        assert len(pages) >= 5  # the answer, the plan, today's mix, the frontier, the inputs each start a page
        assert boxes and all(abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in boxes), boxes
    finally:
        v.close()
