"""The building blocks of the plan's LP statement: families of variables, of rows, and of costs.

A family is indexed by *items* (an offer in a year, an element in a year, a project's decision
year, ...) repeated over nodes of the tree: a variable item over every node at its depth (the
history its decision knows), a row item over the nodes it is written for. Everything is numpy
arrays; :mod:`sourcing.multiyear.statement` fills them, and both the matrices handed to HiGHS and
the Pyomo model are read off them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sourcing.multiyear.tree import Tree


def expand(tree: Tree, depth: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every item repeated over every node at its depth: (item per entry, node per entry, first
    entry of each item). Entries are item-major, nodes in tree order."""
    depth = np.asarray(depth, dtype=np.int64)
    counts = tree.count(depth)
    first = np.cumsum(counts) - counts
    item = np.repeat(np.arange(len(depth)), counts)
    node = tree.depth_start[depth + 1][item] + (np.arange(int(counts.sum())) - first[item])
    return item, node, first


@dataclass
class Variables:
    """A family of variables: item codes, each item's depth, and per column its item, node and bounds.

    ``codes`` holds the items' codes (``offer``, ``i``, ``e``, ``project``, ``v`` ...), by name.
    """

    name: str
    doc: str
    codes: dict[str, np.ndarray]
    depth: np.ndarray
    tree: Tree
    lower: np.ndarray = field(init=False)
    upper: np.ndarray = field(init=False)
    free: bool = False

    def __post_init__(self) -> None:
        self.depth = np.asarray(self.depth, dtype=np.int64)
        self.item, self.node, self.first = expand(self.tree, self.depth)
        self.lower = np.zeros(len(self.item)) if not self.free else np.full(len(self.item), -np.inf)
        self.upper = np.full(len(self.item), np.inf)

    @property
    def size(self) -> int:
        return len(self.item)

    def column(self, item: np.ndarray, node: np.ndarray) -> np.ndarray:
        """The column of ``item`` at the ancestor, at the item's depth, of ``node``."""
        item = np.asarray(item, dtype=np.int64)
        at = self.tree.ancestor(node, self.depth[item])
        return self.first[item] + self.tree.rank(at)

    def bound(self, lower: np.ndarray | None = None, upper: np.ndarray | None = None) -> None:
        """Bounds per item (repeated over the item's nodes)."""
        if lower is not None:
            self.lower = np.asarray(lower, dtype=float)[self.item]
        if upper is not None:
            self.upper = np.asarray(upper, dtype=float)[self.item]


@dataclass
class Rows:
    """A family of rows: per row its item and node; bounds; terms as (variables, row, column, coef)."""

    name: str
    equation: str
    doc: str
    codes: dict[str, np.ndarray]
    item: np.ndarray
    node: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    terms: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)

    def __post_init__(self) -> None:
        order = np.argsort(self.item, kind="stable")
        if (order != np.arange(len(order))).any():
            raise ValueError(f"rows of {self.name} must be item-major")
        items = len(next(iter(self.codes.values()))) if self.codes else int(self.item.max(initial=-1)) + 1
        self.count = np.bincount(self.item, minlength=items)
        self.first = np.cumsum(self.count) - self.count

    @property
    def size(self) -> int:
        return len(self.item)

    def add(self, var: Variables, row_item: np.ndarray, var_item: np.ndarray,
            coef: np.ndarray | float | Callable[[np.ndarray, np.ndarray], np.ndarray]) -> None:
        """Terms ``coef * var[var_item]`` in every row of ``row_item`` (pairs of equal length), the
        variable taken at the ancestor of the row's node. ``coef``: per pair, or a function of
        (pair, row node) giving one per expanded term."""
        row_item = np.asarray(row_item, dtype=np.int64)
        var_item = np.asarray(var_item, dtype=np.int64)
        counts = self.count[row_item]
        pair = np.repeat(np.arange(len(row_item)), counts)
        row = self.first[row_item][pair] + (np.arange(int(counts.sum())) - (np.cumsum(counts) - counts)[pair])
        node = self.node[row]
        if callable(coef):
            value = np.asarray(coef(pair, node), dtype=float)
        else:
            value = np.broadcast_to(np.asarray(coef, dtype=float), (len(row_item),))[pair]
        self.terms.append((var.name, row, var.column(var_item[pair], node), value))

    def add_at(self, var: Variables, row: np.ndarray, var_item: np.ndarray, coef: np.ndarray) -> None:
        """Terms in the given rows (the variable at the ancestor of each row's node)."""
        row = np.asarray(row, dtype=np.int64)
        self.terms.append((var.name, row, var.column(var_item, self.node[row]), np.asarray(coef, dtype=float)))


def rows_at_depth(tree: Tree, depth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(item, node) of rows written for every node at each item's depth."""
    item, node, _ = expand(tree, depth)
    return item, node


@dataclass
class Cost:
    """A part of the objective, ``weight * (constant + sum(coef * column))``, named as reported
    (``procurement_cost``...); ``constant``: what it holds without a column (the commitments' prices)."""

    name: str
    doc: str
    weight: float
    terms: list[tuple[str, np.ndarray, np.ndarray]] = field(default_factory=list)
    constant: float = 0.0
