"""Small-cell and complementary suppression, as a property over many tables: whatever the
counts, nothing from 1 to 4 is shown, and no hidden count or total can be worked out from what
is shown. The check below is a brute force over every table a reader could believe, written
independently of the max-flow the suppression itself uses."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.suppression import GRAND, Mark, suppress

counts = st.integers(min_value=0, max_value=9) | st.sampled_from([0, 0, 1, 2, 3, 4, 5])


@st.composite
def tables(draw, max_rows=3, max_cols=3):
    rows = draw(st.integers(min_value=1, max_value=max_rows))
    cols = draw(st.integers(min_value=1, max_value=max_cols))
    return [[draw(counts) for _ in range(cols)] for _ in range(rows)]


def reader_bounds(mark: Mark, value: int, big: int) -> tuple[int, int]:
    """What the page tells a reader about one published number."""
    if mark is Mark.SHOWN:
        return value, value
    if mark is Mark.SMALL:
        return 1, 4
    return 5, big


def believable_tables(published):
    """Every table of counts that agrees with everything published (brute force)."""
    rows, cols = len(published.cells), len(published.col_totals)
    big = 4 if published.mark(GRAND) is Mark.SMALL else published.grand
    cell_bounds = {
        (r, c): reader_bounds(published.mark(("cell", r, c)), published.cells[r][c], big)
        for r in range(rows)
        for c in range(cols)
    }
    line_bounds = {("grand", -1, -1): reader_bounds(published.mark(GRAND), published.grand, big)}
    if published.publishes_row_totals:
        for r in range(rows):
            item = ("row", r, -1)
            line_bounds[item] = reader_bounds(published.mark(item), published.row_totals[r], big)
    if published.publishes_col_totals:
        for c in range(cols):
            item = ("col", -1, c)
            line_bounds[item] = reader_bounds(published.mark(item), published.col_totals[c], big)
    # Walked cell by cell; a value is tried only if every line the cell is in can still end
    # within its bounds, whatever the cells not yet given a value hold (their own bounds): a
    # branch that cannot give a believable table is left at once, and no table that can is
    # missed (with no cell left, the check is the lines' bounds themselves).
    order = list(cell_bounds)
    lines_of = {cell: [item for item in line_bounds if _in_line(item, cell)] for cell in order}
    rest_lo = dict.fromkeys(line_bounds, 0)
    rest_hi = dict.fromkeys(line_bounds, 0)
    for cell, (lo, hi) in cell_bounds.items():
        for item in lines_of[cell]:
            rest_lo[item] += lo
            rest_hi[item] += hi
    sums = dict.fromkeys(line_bounds, 0)
    values: dict[tuple[int, int], int] = {}

    def walk(index: int):
        if index == len(order):
            yield dict(values)
            return
        cell = order[index]
        lo, hi = cell_bounds[cell]
        lines = lines_of[cell]
        for item in lines:
            rest_lo[item] -= lo
            rest_hi[item] -= hi
        least = max([lo] + [line_bounds[i][0] - sums[i] - rest_hi[i] for i in lines])
        most = min([hi] + [line_bounds[i][1] - sums[i] - rest_lo[i] for i in lines])
        for value in range(least, most + 1):
            values[cell] = value
            for item in lines:
                sums[item] += value
            yield from walk(index + 1)
            for item in lines:
                sums[item] -= value
        values.pop(cell, None)
        for item in lines:
            rest_lo[item] += lo
            rest_hi[item] += hi

    yield from walk(0)


def _in_line(item: tuple, cell: tuple[int, int]) -> bool:
    kind, r, c = item
    return kind == "grand" or (kind == "row" and r == cell[0]) or (kind == "col" and c == cell[1])


def assert_nothing_can_be_worked_out(published):
    rows, cols = len(published.cells), len(published.col_totals)
    seen: dict[tuple, set[int]] = {}
    hidden_cells = [
        (r, c)
        for r in range(rows)
        for c in range(cols)
        if published.mark(("cell", r, c)) is not Mark.SHOWN
    ]
    hidden_lines = [
        item
        for item in [*(("row", r, -1) for r in range(rows)), *(("col", -1, c) for c in range(cols))]
        if published.mark(item) is not Mark.SHOWN
        and (published.publishes_row_totals if item[0] == "row" else published.publishes_col_totals)
    ]
    for table in believable_tables(published):
        for cell in hidden_cells:
            seen.setdefault(("cell", *cell), set()).add(table[cell])
        for kind, r, c in hidden_lines:
            total = sum(v for (i, j), v in table.items() if (i == r if kind == "row" else j == c))
            seen.setdefault((kind, r, c), set()).add(total)
        if all(len(v) >= 2 for v in seen.values()) and len(seen) == len(hidden_cells) + len(
            hidden_lines
        ):
            return
    determined = {item: v for item, v in seen.items() if len(v) < 2}
    assert not determined, (published.cells, dict(published.marks), determined)


def assert_marks_are_honest(published):
    items = [
        ("cell", r, c)
        for r in range(len(published.cells))
        for c in range(len(published.col_totals))
    ]
    if published.publishes_row_totals:
        items += [("row", r, -1) for r in range(len(published.cells))]
    if published.publishes_col_totals:
        items += [("col", -1, c) for c in range(len(published.col_totals))]
    items.append(GRAND)
    values = {
        "cell": lambda r, c: published.cells[r][c],
        "row": lambda r, c: published.row_totals[r],
        "col": lambda r, c: published.col_totals[c],
        "grand": lambda r, c: published.grand,
    }
    for item in items:
        value = values[item[0]](item[1], item[2])
        mark = published.mark(item)
        if published.withheld_whole and item != GRAND:
            assert published.cell(0, 0)[0] is None
        elif 1 <= value <= 4:
            assert mark is Mark.SMALL, item
        elif mark is Mark.WITHHELD:
            assert value >= 5 and item != GRAND, item
        else:
            assert mark is Mark.SHOWN, item


fast = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(tables(max_rows=3, max_cols=3))
def test_a_table_with_row_and_column_totals_gives_nothing_away(cells):
    published = suppress(cells, row_totals=True, col_totals=True)
    assert_marks_are_honest(published)
    if not published.withheld_whole:
        assert_nothing_can_be_worked_out(published)


@fast
@given(tables(max_rows=7, max_cols=1))
def test_a_list_with_its_total_gives_nothing_away(cells):
    published = suppress(cells, row_totals=False, col_totals=False)
    assert_marks_are_honest(published)
    if not published.withheld_whole:
        assert_nothing_can_be_worked_out(published)


@fast
@given(tables(max_rows=3, max_cols=3))
def test_the_same_table_is_always_suppressed_the_same_way(cells):
    first = suppress(cells)
    again = suppress([list(row) for row in cells])
    assert (first.marks, first.withheld_whole) == (again.marks, again.withheld_whole)


def test_a_table_that_cannot_be_protected_shows_only_its_total():
    # 1 and 5 making 6: hiding both still leaves 1 + (5 or more) = 6, so the 1 is known.
    published = suppress([[1], [5]], row_totals=False, col_totals=False)
    assert published.withheld_whole
    assert published.cell(0, 0) == (None, Mark.WITHHELD)
    assert published.cell(1, 0) == (None, Mark.WITHHELD)
    assert published.grand_total() == (6, Mark.SHOWN)


@pytest.mark.parametrize(
    ("cells", "withheld"),
    [
        ([[3], [7], [9], [12]], [("cell", 1, 0)]),  # the smallest count that protects the 3
        ([[1], [5], [6]], [("cell", 2, 0)]),  # 5 would not: 1 + (5 or more) = 6 pins the 1
        ([[8], [9]], []),  # nothing small, nothing hidden
    ],
)
def test_complements_are_the_smallest_counts_that_protect(cells, withheld):
    published = suppress(cells, row_totals=False, col_totals=False)
    assert [i for i, m in published.marks.items() if m is Mark.WITHHELD] == withheld


def test_counts_of_one_to_four_read_fewer_than_five_and_the_rest_as_they_are():
    published = suppress([[0], [4], [5], [20]], row_totals=False, col_totals=False)
    assert published.cell(0, 0) == (0, Mark.SHOWN)
    assert published.cell(1, 0) == (None, Mark.SMALL)
    assert published.cell(3, 0) == (20, Mark.SHOWN)
