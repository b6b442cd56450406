"""Bad input never reaches the solver: every problem is reported as file:line:column: message."""

from __future__ import annotations

import re

import pytest

from sourcing import InputError, load_inputs
from tests.helpers import problem_finders, temp_folder

SUPPLY = "origin,element,unit_cost,capacity\nChina,Nd,10,100\nFrance,Nd,20,100\n"
DEMAND = "element,demand,shortage_cost\nNd,50,100\n"

problems, one = problem_finders(supply=SUPPLY, demand=DEMAND)


def test_valid_minimal_folder_loads():
    data = load_inputs(temp_folder(supply=SUPPLY, demand=DEMAND))
    assert list(data.offers["origin"]) == ["China", "France"]
    assert list(data.scenarios["scenario"]) == ["baseline"]
    assert data.scenarios["probability"].tolist() == [1.0]


def test_every_problem_is_listed_with_line_and_column():
    supply = "origin,element,unit_cost,capacity\nChina,Nd,abc,100\nFrance,Nd,-5,nan\n"
    found = problems(supply=supply)
    assert any(p.endswith("supply.csv:2:3: expected a finite number >= 0 and below 1e+12, got 'abc'") for p in found)
    assert any(re.search(r"supply\.csv:3:3: must not be negative", p) for p in found)
    assert any(re.search(r"supply\.csv:3:4: expected a finite number .* got 'nan'", p) for p in found)
    assert len(found) == 3


@pytest.mark.parametrize(
    ("files", "pattern"),
    [
        ({"supply": "origin,element,unit_cost,capacity,colour\nChina,Nd,1,1,red\n"},
         r"supply\.csv:1:5: unknown column 'colour'"),
        ({"supply": "origin,element,unit_cost\nChina,Nd,1\n"}, r"supply\.csv:1:1: missing required column 'capacity'"),
        ({"supply": "origin,element,unit_cost,unit_cost,capacity\nChina,Nd,1,1,1\n"},
         r"supply\.csv:1:4: column 'unit_cost' appears twice"),
        ({"supply": "origin,elemnt,unit_cost,capacity\nChina,Nd,1,1\n"}, r"unknown column 'elemnt'; did you mean 'element'"),
        ({"supply": SUPPLY + "China,Nd,5,5\n"}, r"supply\.csv:4:2: duplicate row for origin='China', element='Nd'; first given on line 2"),
        ({"supply": SUPPLY + "Chile,Ce,5,5\n"}, r"supply\.csv:4:2: element 'Ce' is not defined in demand\.csv"),
        ({"supply": "origin,element,unit_cost,capacity,min_volume\nChina,Nd,1,10,20\n"},
         r"supply\.csv:2:5: min_volume 20 t exceeds capacity 10 t"),
        ({"supply": "origin,element,unit_cost,capacity\nChina,Nd,1,1e12\n"}, r"supply\.csv:2:4: must be below 1e\+12"),
        ({"supply": "origin,element,unit_cost,capacity\nChina,Nd,,1\n"}, r"supply\.csv:2:3: missing value; expected a finite number"),
        ({"supply": "origin,element,unit_cost,capacity\n,Nd,1,1\n"}, r"supply\.csv:2:1: missing value; expected a name"),
        ({"supply": "origin,element,unit_cost,capacity\n*,Nd,1,1\n"}, r"supply\.csv:2:1: '\*' is not a name here"),
        ({"demand": "element,demand,shortage_cost\nNd,50,100\nNd,60,100\n"}, r"demand\.csv:3:1: duplicate row"),
        ({"caps": "origin,element,max_share\nChina,*,1.5\n"}, r"caps\.csv:2:3: must lie in \[0, 1\]"),
        ({"caps": "origin,element,max_share\nChna,*,0.5\n"}, r"caps\.csv:2:1: origin 'Chna' is not defined .*did you mean 'China'"),
        ({"caps": "origin,element,max_share\nChina,Dy,0.5\n"}, r"caps\.csv:2:2: element 'Dy' is not defined in demand\.csv"),
        ({"scenarios": "scenario,probability\na,0.7\nb,0.6\n"}, r"scenarios\.csv:3:2: probabilities sum to 1\.3"),
        ({"scenarios": "scenario,probability\nbaseline,0.5\n"}, r"scenarios\.csv:2:1: 'baseline' is the implicit scenario"),
        ({"scenarios": "scenario,probability\na,0.1\n",
          "disruptions": "scenario,origin,element,availability\nb,China,*,0.5\n"},
         r"disruptions\.csv:2:1: scenario 'b' is not defined in scenarios\.csv"),
        ({"scenarios": "scenario,probability\na,0.1\n",
          "disruptions": "scenario,origin,element,availability\na,China,*,2\n"}, r"disruptions\.csv:2:4: must lie in \[0, 1\]"),
        ({"stockpile": "element,stock\nCe,5\n"}, r"stockpile\.csv:2:1: element 'Ce' is not defined"),
        ({"supply": None}, r"supply\.csv:1:1: required file supply\.csv not found"),
        ({"supply": "\n"}, r"supply\.csv:1:1: no header row"),
        ({"supply": "origin,element,unit_cost,capacity\nChina,Nd,1,1,9\n"}, r"supply\.csv:1:1: a row has more fields"),
        ({"supply": SUPPLY + "Japan,Nd,1,1,9\n"}, r"supply\.csv:4:5: 5 fields where the header has 4"),
    ],
)
def test_bad_input_is_named(files, pattern):
    if files.get("supply", "") is None:
        files = {**files, "supply": None}
        folder = temp_folder(demand=DEMAND)
        with pytest.raises(InputError, match=pattern):
            load_inputs(folder)
        return
    one(pattern, **files)


def test_line_numbers_count_blank_and_multiline_rows():
    supply = ('origin,element,unit_cost,capacity,note\n\nChina,Nd,1,1,"two\nlines"\n'
              "France,Nd,oops,1,x\n")
    assert re.search(r"supply\.csv:5:3: expected a finite number", one("oops", supply=supply))


def test_utf8_bom_and_names_like_na_are_accepted():
    supply = "\ufefforigin , element,unit_cost,capacity\nNA,NA,1,100\nNone,NA,2,100\n"
    demand = "element,demand,shortage_cost\nNA,50,10\n"
    folder = temp_folder(supply=supply, demand=demand)
    (folder / "supply.csv").write_bytes(supply.encode("utf-8"))
    data = load_inputs(folder)
    assert sorted(data.offers["origin"]) == ["NA", "None"]
    assert data.elements["element"].tolist() == ["NA"]


def test_non_utf8_file_is_named():
    folder = temp_folder(supply=SUPPLY, demand=DEMAND)
    (folder / "demand.csv").write_bytes("element,demand,shortage_cost\nN\xe9,1,1\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"demand\.csv:2:1: not UTF-8 text: byte 0xe9"):  # the real line and column
        load_inputs(folder)


def test_star_rows_are_overridden_by_element_rows():
    supply = SUPPLY + "China,Dy,10,100\n"
    demand = DEMAND + "Dy,10,100\n"
    caps = "origin,element,max_share\nChina,*,0.5\nChina,Dy,0.9\n"
    data = load_inputs(temp_folder(supply=supply, demand=demand, caps=caps))
    shares = dict(zip(zip(data.offers["origin"], data.offers["element"]), data.offer_caps()))
    assert shares == {("China", "Dy"): 0.9, ("China", "Nd"): 0.5, ("France", "Nd"): 1.0}
    scen = "scenario,probability\nban,0.1\n"
    dis = "scenario,origin,element,availability\nban,China,*,0.2\nban,China,Dy,0.7\n"
    data = load_inputs(temp_folder(supply=supply, demand=demand, scenarios=scen, disruptions=dis))
    avail = data.offer_availability().set_index("element")["availability"].to_dict()
    assert avail == {"Dy": 0.7, "Nd": 0.2}


def test_with_caps_rejects_unknown_names():
    from sourcing import OptionError

    data = load_inputs(temp_folder(supply=SUPPLY, demand=DEMAND))
    with pytest.raises(OptionError, match="unknown origin or group 'Chile'"):
        data.with_caps({"Chile": 0.5})
    with pytest.raises(OptionError, match="unknown element 'Xx'"):
        data.with_caps({("China", "Xx"): 0.5})
