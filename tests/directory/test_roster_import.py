from pathlib import Path

import pytest
from django.core.management import call_command

from demo.seed import DEMO_ROSTER
from directory.models import Employee, Unit
from directory.services import roster_import

pytestmark = pytest.mark.django_db

HEADER = "dsn,first_name,last_name,rank,unit_code,unit_name,email,supervisor_dsn,car_number\n"


def roster(tmp_path: Path, *rows: str, name="roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


BASE = [
    "1001,Margaret,Holloway,Captain,north,North County Precinct,m.holloway@police.example,,",
    "1002,Dwayne,Fletcher,Sergeant,north,North County Precinct,d.fletcher@police.example,1001,",
    "1003,Ana,Morales,Officer,north,North County Precinct,a.morales@police.example,1002,2114",
]


def test_the_sample_roster_imports_with_its_supervisor_chain():
    report = roster_import(path=DEMO_ROSTER)
    assert report.errors == []
    assert report.created == Employee.objects.count() > 20
    officer = Employee.objects.get(dsn="1003")
    assert [e.dsn for e in officer.supervisor_chain()] == ["1002", "1001"]


def test_a_second_run_of_the_same_file_changes_nothing(tmp_path):
    path = roster(tmp_path, *BASE)
    roster_import(path=path)
    stamps = dict(Employee.objects.values_list("dsn", "updated_at"))
    report = roster_import(path=path)
    assert (report.created, report.updated, report.deactivated) == (0, 0, 0)
    assert report.unchanged == 3
    assert dict(Employee.objects.values_list("dsn", "updated_at")) == stamps


def test_changed_rows_are_updated(tmp_path):
    roster_import(path=roster(tmp_path, *BASE))
    promoted = BASE[2].replace("Officer", "Corporal").replace("a.morales@", "ana.morales@")
    report = roster_import(path=roster(tmp_path, BASE[0], BASE[1], promoted, name="b.csv"))
    assert report.updated == 1
    officer = Employee.objects.get(dsn="1003")
    assert (officer.rank, officer.email) == ("Corporal", "ana.morales@police.example")


def test_people_who_left_are_deactivated_never_deleted_and_come_back_when_rehired(tmp_path):
    roster_import(path=roster(tmp_path, *BASE))
    report = roster_import(path=roster(tmp_path, BASE[0], BASE[1], name="left.csv"))
    assert report.deactivated == 1
    assert Employee.objects.get(dsn="1003").active is False
    assert Employee.objects.count() == 3
    roster_import(path=roster(tmp_path, *BASE, name="back.csv"))
    assert Employee.objects.get(dsn="1003").active is True


def test_bad_rows_are_reported_by_line_and_the_good_ones_still_import(tmp_path):
    path = roster(
        tmp_path,
        BASE[0],
        ",Nobody,Noname,Officer,north,,,,",
        "1004,James,O'Connor,Officer,north,,not-an-email,,",
        BASE[2].replace(",1002,", ",9999,"),
        BASE[0],
    )
    report = roster_import(path=path)
    assert dict(report.errors) == {
        3: "dsn is empty",
        4: "email 'not-an-email' is not a valid address",
        6: "dsn 1001 appears again (first on line 2)",
        5: "supervisor 9999 is not in the roster",
    }
    assert set(Employee.objects.values_list("dsn", flat=True)) == {"1001", "1003"}


def test_a_bad_row_for_someone_already_on_the_roster_does_not_deactivate_them(tmp_path):
    roster_import(path=roster(tmp_path, *BASE))
    broken = BASE[2].replace("a.morales@police.example", "broken@")
    report = roster_import(path=roster(tmp_path, BASE[0], BASE[1], broken, name="c.csv"))
    assert report.deactivated == 0
    assert Employee.objects.get(dsn="1003").active is True


def test_a_supervisor_loop_is_refused(tmp_path):
    path = roster(
        tmp_path,
        "1001,Margaret,Holloway,Captain,north,,,1002,",
        "1002,Dwayne,Fletcher,Sergeant,north,,,1001,",
    )
    report = roster_import(path=path)
    assert any("loop" in reason for _line, reason in report.errors)
    first, second = Employee.objects.order_by("dsn")
    assert not (first.supervisor == second and second.supervisor == first)


def test_a_file_without_the_required_columns_changes_nothing(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("id,name\n1,Someone\n", encoding="utf-8")
    report = roster_import(path=path)
    assert report.errors == [(1, "missing columns: dsn, first_name, last_name, unit_code")]
    assert not Employee.objects.exists()


def test_unit_names_follow_hr(tmp_path):
    roster_import(path=roster(tmp_path, *BASE))
    renamed = [
        row.replace("North County Precinct", "North County Precinct (Hwy 67)") for row in BASE
    ]
    roster_import(path=roster(tmp_path, *renamed, name="r.csv"))
    assert Unit.objects.get(code="north").name == "North County Precinct (Hwy 67)"


def test_the_command_prints_the_report_and_each_bad_row(tmp_path, capsys):
    call_command("import_roster", str(roster(tmp_path, BASE[0], ",x,y,z,north,,,,")))
    out, err = capsys.readouterr()
    assert "1 created" in out and "1 rows with errors" in out
    assert "line 3: dsn is empty" in err
