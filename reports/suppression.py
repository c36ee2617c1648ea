"""Small-cell and complementary suppression for the public tables.

A published count from 1 to 4 is shown as "fewer than 5" (primary suppression). Totals are
published too, so a single hidden count could be worked out by subtraction; more counts are
then withheld (complementary suppression) until no hidden count, and no hidden total, can be
worked out from what is shown.

What a reader knows is modelled exactly, and the page says it: every shown count and total;
that a count shown as "fewer than 5" is between 1 and 4; that a withheld count is 5 or more
(zeros are always shown, and counts of 1 to 4 always read "fewer than 5"); that every row adds
up to its row total, every column to its column total and everything to the grand total. A
table with row and column totals is a transportation problem, whose constraint matrix is
totally unimodular, so the values a hidden count can take form a whole range of integers, and
whether it can take a value other than its own is whether a flow with lower and upper bounds
exists (one small max-flow). A hidden count or total is protected when it can take at least two
values. A table that cannot be protected at all (e.g. counts 1 and 5 with their total 6) is not
published beyond its grand total.
"""

from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

SMALL_MAX = 4


class Mark(StrEnum):
    SHOWN = ""
    SMALL = "fewer_than_5"  # 1 to 4
    WITHHELD = "withheld"  # 5 or more, withheld so that a smaller one cannot be worked out


# An item of a table: ("cell", r, c), ("row", r, -1), ("col", -1, c) or ("grand", -1, -1).
Item = tuple[str, int, int]
GRAND: Item = ("grand", -1, -1)


@dataclass
class Suppressed:
    """What to publish: the true numbers with a mark for each that must not be shown."""

    cells: list[list[int]]
    row_totals: list[int]
    col_totals: list[int]
    grand: int
    marks: dict[Item, Mark] = field(default_factory=dict)
    publishes_row_totals: bool = True
    publishes_col_totals: bool = True
    # Nothing but the grand total may be published: no suppression pattern protects the rest.
    withheld_whole: bool = False

    def mark(self, item: Item) -> Mark:
        return self.marks.get(item, Mark.SHOWN)

    def cell(self, r: int, c: int) -> tuple[int | None, Mark]:
        return self._published(("cell", r, c), self.cells[r][c])

    def row_total(self, r: int) -> tuple[int | None, Mark]:
        return self._published(("row", r, -1), self.row_totals[r])

    def col_total(self, c: int) -> tuple[int | None, Mark]:
        return self._published(("col", -1, c), self.col_totals[c])

    def grand_total(self) -> tuple[int | None, Mark]:
        return self._published(GRAND, self.grand)

    def _published(self, item: Item, value: int) -> tuple[int | None, Mark]:
        mark = self.mark(item)
        if self.withheld_whole and item != GRAND:
            return None, Mark.WITHHELD
        return (value if mark is Mark.SHOWN else None), mark


def suppress(
    cells: list[list[int]], *, row_totals: bool = True, col_totals: bool = True
) -> Suppressed:
    """Mark what must be hidden in a table of counts (rows × columns) published with its
    grand total and, if asked, its row and column totals. Deterministic: the same table is
    always suppressed the same way."""
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    table = Suppressed(
        cells=[list(row) for row in cells],
        row_totals=[sum(row) for row in cells],
        col_totals=[sum(cells[r][c] for r in range(rows)) for c in range(cols)],
        grand=sum(sum(row) for row in cells),
        publishes_row_totals=row_totals,
        publishes_col_totals=col_totals,
    )
    for item in _published_items(table):
        if 1 <= _value(table, item) <= SMALL_MAX:
            table.marks[item] = Mark.SMALL
    while True:
        exposed = next((item for item in _hidden(table) if _determined(table, item)), None)
        if exposed is None:
            return table
        # Only counts of 5 or more can be withheld (zeros are shown, 1 to 4 are already hidden),
        # and never the grand total: other tables of the same complaints publish it.
        shown = [i for i in _published_items(table) if table.mark(i) is Mark.SHOWN]
        shown = [i for i in shown if _value(table, i) > SMALL_MAX and i != GRAND]
        near = set(_neighbours(table, exposed))
        candidates = sorted(shown, key=lambda item: (item not in near, _value(table, item), item))
        if not candidates:
            table.withheld_whole = True
            return table
        # Hide the first (smallest) neighbour that protects the exposed count on its own;
        # failing that, the smallest one, and look again.
        chosen = candidates[0]
        for candidate in candidates:
            table.marks[candidate] = Mark.WITHHELD
            protects = not _determined(table, exposed)
            del table.marks[candidate]
            if protects:
                chosen = candidate
                break
        table.marks[chosen] = Mark.WITHHELD


def _published_items(table: Suppressed) -> list[Item]:
    rows, cols = len(table.cells), len(table.col_totals)
    items: list[Item] = [("cell", r, c) for r in range(rows) for c in range(cols)]
    if table.publishes_row_totals:
        items += [("row", r, -1) for r in range(rows)]
    if table.publishes_col_totals:
        items += [("col", -1, c) for c in range(cols)]
    return [*items, GRAND]


def _hidden(table: Suppressed) -> list[Item]:
    return [item for item in _published_items(table) if table.mark(item) is not Mark.SHOWN]


def _value(table: Suppressed, item: Item) -> int:
    kind, r, c = item
    if kind == "cell":
        return table.cells[r][c]
    if kind == "row":
        return table.row_totals[r]
    if kind == "col":
        return table.col_totals[c]
    return table.grand


def _neighbours(table: Suppressed, item: Item) -> list[Item]:
    """The published items that share a sum with this one."""
    kind, r, c = item
    rows, cols = len(table.cells), len(table.col_totals)
    found: list[Item] = []
    if kind == "cell":
        found += [("cell", r, j) for j in range(cols) if j != c]
        found += [("cell", i, c) for i in range(rows) if i != r]
        found += [("row", r, -1), ("col", -1, c)]
    elif kind == "row":
        found += [("cell", r, j) for j in range(cols)] + [("row", i, -1) for i in range(rows)]
    elif kind == "col":
        found += [("cell", i, c) for i in range(rows)] + [("col", -1, j) for j in range(cols)]
    published = set(_published_items(table))
    return [i for i in found if i in published and i != item]


def _bounds(table: Suppressed, item: Item, big: int) -> tuple[int, int]:
    """What a reader knows of an item: its value, 1 to 4, or 5 and more."""
    if item not in set(_published_items(table)):
        return 0, big
    mark = table.mark(item)
    if mark is Mark.SHOWN:
        value = _value(table, item)
        return value, value
    if mark is Mark.SMALL:
        return 1, SMALL_MAX
    return SMALL_MAX + 1, big


def _determined(table: Suppressed, item: Item) -> bool:
    """Whether a reader can work out this hidden item's value exactly."""
    value = _value(table, item)
    lo, hi = _bounds(table, item, _big(table))
    lower = lo <= value - 1 and feasible(table, fixed={item: (lo, value - 1)})
    higher = value + 1 <= hi and feasible(table, fixed={item: (value + 1, hi)})
    return not (lower or higher)


def _big(table: Suppressed) -> int:
    # No count exceeds the grand total; a reader who sees only "fewer than 5" for it knows 4.
    return SMALL_MAX if table.mark(GRAND) is Mark.SMALL else max(table.grand, 0)


def feasible(table: Suppressed, *, fixed: dict[Item, tuple[int, int]]) -> bool:
    """Whether some table agrees with everything published, with these items held to these
    ranges: a circulation with lower bounds on the network source → rows → columns → sink →
    source, decided by one max-flow."""
    rows, cols = len(table.cells), len(table.col_totals)
    big = _big(table)

    def bounds(item: Item) -> tuple[int, int]:
        return fixed.get(item) or _bounds(table, item, big)

    source, sink = 0, rows + cols + 1
    edges: list[tuple[int, int, int, int]] = []
    for r in range(rows):
        edges.append((source, 1 + r, *bounds(("row", r, -1))))
        for c in range(cols):
            edges.append((1 + r, 1 + rows + c, *bounds(("cell", r, c))))
    for c in range(cols):
        edges.append((1 + rows + c, sink, *bounds(("col", -1, c))))
    edges.append((sink, source, *bounds(GRAND)))
    return _circulation_exists(rows + cols + 2, edges)


def _circulation_exists(nodes: int, edges: list[tuple[int, int, int, int]]) -> bool:
    """A flow meeting every edge's lower and upper bound, with flow conserved at every node."""
    size = nodes + 2
    s, t = nodes, nodes + 1
    capacity = [[0] * size for _ in range(size)]
    excess = [0] * nodes
    for u, v, lo, hi in edges:
        if lo > hi:
            return False
        capacity[u][v] += hi - lo
        excess[v] += lo
        excess[u] -= lo
    needed = 0
    for node, amount in enumerate(excess):
        if amount > 0:
            capacity[s][node] += amount
            needed += amount
        elif amount < 0:
            capacity[node][t] += -amount
    return _max_flow(capacity, s, t) == needed


def _max_flow(capacity: list[list[int]], s: int, t: int) -> int:
    """Edmonds–Karp on an adjacency matrix (the graphs here have a few dozen nodes)."""
    size = len(capacity)
    flow = 0
    while True:
        parent = [-1] * size
        parent[s] = s
        queue = deque([s])
        while queue and parent[t] == -1:
            u = queue.popleft()
            for v in range(size):
                if parent[v] == -1 and capacity[u][v] > 0:
                    parent[v] = u
                    queue.append(v)
        if parent[t] == -1:
            return flow
        step, v = None, t
        while v != s:
            u = parent[v]
            step = capacity[u][v] if step is None else min(step, capacity[u][v])
            v = u
        v = t
        while v != s:
            u = parent[v]
            capacity[u][v] -= step
            capacity[v][u] += step
            v = u
        flow += step
