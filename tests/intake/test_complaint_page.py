import re
from pathlib import Path

import pytest

from directory.models import ServiceArea
from intake.models import Attachment, Submission
from tests.factories import complaint_post, form_key

from .conftest import jpeg_with_gps, pdf

pytestmark = pytest.mark.django_db
TEXT_FIELDS = [
    "submitter_name",
    "submitter_address",
    "relationship",
    "other_person_contact",
    "location",
    "narrative",
    "employees-0-name",
    "employees-0-badge",
    "employees-0-car_number",
    "employees-0-description",
    "witnesses-0-name",
    "witnesses-0-contact",
]


def test_complaint_page_shows_every_part_with_labels_and_limits(client):
    page = client.get("/complaint/").content.decode()
    for text in [
        "About you",
        "Filing for someone else",
        "What happened",
        "Who was involved",
        "Witnesses",
        "Evidence",
        "no one can contact you",
        "Up to 5 files, each up to 50",
        'for="id_narrative"',
        'aria-describedby="id_narrative-hint"',
        "Add another employee",
    ]:
        assert text in page, text


def test_full_complaint_is_stored_with_people_files_and_a_tracking_number(client, settings):
    area = ServiceArea.objects.create(name="City of Jennings", kind="municipality")
    post = complaint_post(
        submitter_name="Maria López",
        submitter_email="maria@example.org",
        submitter_phone="(314) 555-0100",
        preferred_contact="email",
        on_behalf_of_other="on",
        relationship="mother",
        other_person_contact="Luis López, 314-555-0199",
        occurred_on="2026-11-01",
        occurred_time="21:30",
        occurred_approximate="on",
        location="Florissant Rd & W Florissant Ave",
        service_area="City of Jennings",
        categories=["use_of_force", "discourtesy"],
        **{
            "employees-TOTAL_FORMS": "2",
            "employees-0-name": "Ana Morales",
            "employees-0-badge": "1003",
            "employees-1-description": "tall, red hair",
            "employees-1-car_number": "4417",
            "witnesses-0-name": "Sam",
            "witnesses-0-contact": "314-555-0123",
        },
    )
    post["attachments"] = [jpeg_with_gps(), pdf()]
    response = client.post("/complaint/", post)
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert re.fullmatch(r"C-\d{4}-\d{6}", submission.tracking_number)
    assert submission.service_area == area
    assert submission.categories == ["use_of_force", "discourtesy"]
    assert submission.on_behalf_of_other and submission.relationship == "mother"
    assert str(submission.occurred_time) == "21:30:00" and submission.occurred_approximate
    assert list(submission.employees.values_list("badge", "car_number")) == [
        ("1003", ""),
        ("", "4417"),
    ]
    assert submission.witnesses.get().contact == "314-555-0123"
    assert submission.declaration and not submission.quarantined
    files = list(Attachment.objects.order_by("id"))
    assert [f.content_type for f in files] == ["image/jpeg", "application/pdf"]
    assert all(re.fullmatch(r"\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|pdf)", f.file.name) for f in files)
    assert files[0].file.storage.exists(files[0].file.name)
    location = Path(files[0].file.storage.location).resolve()
    for public in (settings.STATIC_ROOT, settings.MEDIA_ROOT):  # never served from a public path
        assert not location.is_relative_to(Path(public).resolve())


def test_empty_complaint_shows_the_error_summary_and_keeps_nothing_stored(client):
    response = client.post("/complaint/", complaint_post(narrative="", declaration=None))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in page
    assert '<a href="#id_narrative">Tell us what happened.</a>' in page
    assert 'href="#id_declaration"' in page
    assert 'aria-invalid="true"' in page
    assert Submission.objects.count() == 0


def test_everything_typed_is_kept_when_there_is_an_error(client):
    post = complaint_post(
        declaration=None,
        submitter_name="Maria",
        location="Main St",
        **{"employees-0-name": "Officer Brown", "witnesses-0-contact": "555-0101"},
    )
    page = client.post("/complaint/", post).content.decode()
    for value in ["Maria", "Main St", "Officer Brown", "555-0101", post["narrative"]]:
        assert value in page
    assert f'value="{post["idempotency_key"]}"' in page


def test_files_the_browser_cannot_keep_are_named_after_an_error(client):
    post = complaint_post(narrative="")
    post["attachments"] = [jpeg_with_gps("kitchen.jpg")]
    page = client.post("/complaint/", post).content.decode()
    assert "Please add these again: kitchen.jpg" in page
    assert Attachment.objects.count() == 0


def test_add_another_employee_shows_one_more_row_and_keeps_input_without_errors(client):
    post = complaint_post(narrative="", add_employee="1", **{"employees-0-name": "Officer Brown"})
    page = client.post("/complaint/", post).content.decode()
    assert 'name="employees-1-name"' in page
    assert 'value="2"' in page  # TOTAL_FORMS
    assert "Officer Brown" in page
    assert "error-summary" not in page
    assert Submission.objects.count() == 0


def test_add_another_witness_adds_a_witness_row(client):
    post = complaint_post(add_witness="1")
    page = client.post("/complaint/", post).content.decode()
    assert 'name="witnesses-1-contact"' in page
    assert Submission.objects.count() == 0


def test_double_click_stores_one_submission_with_one_tracking_number(client):
    post = complaint_post()
    first = client.post("/complaint/", post)
    second = client.post("/complaint/", post)
    assert first["Location"] == second["Location"]
    assert Submission.objects.count() == 1


def test_forged_form_key_is_replaced_not_trusted(client):
    client.post("/complaint/", complaint_post(idempotency_key="x" * 64))
    assert len(Submission.objects.get().idempotency_key) == 32


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_script_in_any_text_field_is_stored_as_text_and_shown_escaped(client, field):
    script = "<script>1</script>"  # short enough for the badge and car number fields
    post = complaint_post(declaration=None, **{field: script})
    page = client.post("/complaint/", post).content.decode()
    assert "<script>1" not in page
    assert "&lt;script&gt;1&lt;/script&gt;" in page
    post = complaint_post(**{field: script})
    client.post("/complaint/", post)
    submission = Submission.objects.get()
    employee = submission.employees.first()
    witness = submission.witnesses.first()
    stored = [
        submission.submitter_name,
        submission.submitter_address,
        submission.relationship,
        submission.other_person_contact,
        submission.location,
        submission.narrative,
    ]
    if employee:
        stored += [employee.name, employee.badge, employee.car_number, employee.description]
    if witness:
        stored += [witness.name, witness.contact]
    assert script in stored


def test_oversized_fields_get_a_message_each(client):
    post = complaint_post(
        narrative="x" * 20001, submitter_name="n" * 201, **{"employees-0-badge": "9" * 21}
    )
    page = client.post("/complaint/", post).content.decode()
    assert page.count("Ensure this value has at most") >= 3
    assert "Employee 1: Ensure this value has at most 20 characters" in page
    assert Submission.objects.count() == 0


def test_wrong_types_get_messages(client):
    post = complaint_post(
        occurred_on="yesterday",
        occurred_time="25:99",
        submitter_email="not-an-email",
        submitter_phone="call me",
        categories=["teleportation"],
        service_area="Atlantis",
    )
    page = client.post("/complaint/", post).content.decode()
    assert "Enter a valid date." in page
    assert "Enter a valid time." in page
    assert "Enter a valid email address." in page
    assert "Enter a phone number with at least 7 digits" in page
    assert "Select a valid choice. teleportation is not one of the available choices." in page
    assert 'href="#id_categories_0"' in page
    assert Submission.objects.count() == 0


def test_date_in_the_future_is_refused(client):
    page = client.post("/complaint/", complaint_post(occurred_on="2999-01-01")).content.decode()
    assert "The date cannot be in the future." in page


def test_chosen_contact_method_needs_its_detail(client):
    page = client.post("/complaint/", complaint_post(preferred_contact="phone")).content.decode()
    assert "You asked us to contact you by phone: enter your phone number." in page


def test_unusual_unicode_is_kept_intact_and_normalised(client):
    text = (
        "Ofic\u0131al \u05e9\u05dc\u05d5\u05dd \U0001f46e\u200d\u2642\ufe0f Dz\u030ceko Cafe\u0301"
    )
    client.post("/complaint/", complaint_post(narrative=text, submitter_name="Šćepanović Đorđe"))
    submission = Submission.objects.get()
    assert submission.narrative.endswith("Café")  # combining accent composed (NFC)
    assert "\U0001f46e\u200d\u2642\ufe0f" in submission.narrative
    assert submission.submitter_name == "Šćepanović Đorđe"


def test_null_character_is_refused_with_a_message(client):
    page = client.post("/complaint/", complaint_post(narrative="abc\x00def")).content.decode()
    assert "Null characters are not allowed." in page
    assert Submission.objects.count() == 0


def test_too_many_files_are_refused(client, settings):
    settings.CANDOR_ATTACHMENT_MAX_COUNT = 1
    post = complaint_post()
    post["attachments"] = [pdf("a.pdf"), pdf("b.pdf")]
    page = client.post("/complaint/", post).content.decode()
    assert "You can add up to 1 files" in page
    assert Submission.objects.count() == 0


def test_file_whose_name_lies_is_refused_and_named_next_to_the_field(client):
    post = complaint_post()
    post["attachments"] = [pdf("evidence.mp4")]
    page = client.post("/complaint/", post).content.decode()
    assert "The name of evidence.mp4 does not match what the file contains" in page
    assert Submission.objects.count() == 0


def test_language_chosen_on_the_form_is_kept_for_the_emails(client):
    client.post("/complaint/", complaint_post(language="bs", submitter_email="m@example.org"))
    assert Submission.objects.get().language == "bs"


def test_spanish_page_and_messages(client):
    client.cookies["django_language"] = "es"
    page = client.get("/complaint/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in page
    assert "Presentar una queja" in page
    page = client.post(
        "/complaint/", complaint_post(narrative=""), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Cuéntenos qué pasó." in page


def test_bosnian_page(client):
    page = client.get("/complaint/", HTTP_ACCEPT_LANGUAGE="bs").content.decode()
    assert '<html lang="bs">' in page
    assert "Podnesite pritužbu" in page


def test_what_one_resident_typed_never_reaches_the_next_visitors_page(client):
    client.get("/complaint/")  # the unbound form's markup is now kept by this process
    typed = complaint_post(
        narrative="", submitter_name="Rosalind Typed-Once", location="9 Hidden Lane"
    )
    page = client.post("/complaint/", typed).content.decode()
    assert "Rosalind Typed-Once" in page and "9 Hidden Lane" in page

    first, second = client.get("/complaint/"), client.get("/complaint/")
    for response in (first, second):
        page = response.content.decode()
        assert "Rosalind Typed-Once" not in page and "9 Hidden Lane" not in page
        assert 'id="error-summary"' not in page and "is-invalid" not in page

    def form_key(page):
        return re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)

    assert form_key(first.content.decode()) != form_key(second.content.decode())


def test_an_area_added_in_the_admin_is_offered_at_once(client):
    assert "Village of Zanzibar Heights" not in client.get("/complaint/").content.decode()
    ServiceArea.objects.create(name="Village of Zanzibar Heights", kind="municipality")
    assert "Village of Zanzibar Heights" in client.get("/complaint/").content.decode()
    assert "Village of Zanzibar Heights" in client.get("/compliment/").content.decode()


def test_each_language_gets_its_own_page(client):
    client.get("/complaint/")
    spanish = client.get("/complaint/", headers={"accept-language": "es"}).content.decode()
    assert "¿Qué pasó?" in spanish and "What happened?" not in spanish


def test_going_back_editing_and_sending_again_stores_the_edit_as_its_own_submission(client):
    key = form_key(client)
    first = client.post("/complaint/", complaint_post(idempotency_key=key))
    edited = complaint_post(idempotency_key=key, narrative="He shouted, and then took my phone.")
    second = client.post("/complaint/", edited)
    assert first["Location"] != second["Location"]
    assert sorted(Submission.objects.values_list("narrative", flat=True)) == [
        "He shouted, and then took my phone.",
        "The officer shouted at me and took my phone.",
    ]
    # The edited version sent twice (a double click) is still stored once.
    third = client.post("/complaint/", edited)
    assert third["Location"] == second["Location"]
    assert Submission.objects.count() == 2


def test_the_form_page_reads_the_areas_at_most_every_few_seconds(
    client, django_assert_num_queries, monkeypatch
):
    from intake import forms

    client.get("/complaint/")
    with django_assert_num_queries(0):
        client.get("/complaint/")
    monkeypatch.setattr(forms, "AREAS_FRESH_SECONDS", 0.0)
    with django_assert_num_queries(1):
        client.get("/complaint/")


def test_the_area_a_form_names_is_found_among_those_read_for_the_page(
    client, django_assert_num_queries
):
    area = ServiceArea.objects.create(name="City of Jennings", kind="municipality")
    client.get("/complaint/")
    post = complaint_post(service_area=area.name)
    with django_assert_num_queries(0):
        from intake.forms import SubmissionForms

        forms = SubmissionForms(kind="complaint", data=post)
        assert forms.is_valid(), forms.error_summary()
    assert forms.to_data(language="en").service_area_id == area.pk
    client.post("/complaint/", post)
    assert Submission.objects.get().service_area == area


# Committed for real: the foreign key is checked at commit.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The area you chose is no longer on the list."),
        ("es", "El área que eligió ya no está en la lista."),
        ("bs", "Područje koje ste odabrali više nije na listi."),
    ],
)
def test_an_area_deleted_by_another_process_meanwhile_is_asked_again_keeping_the_rest(
    client, language, message
):
    from django.db import connection

    area = ServiceArea.objects.create(name="Village of Uplands Park", kind="municipality")
    client.get("/complaint/")  # this process reads the areas, and keeps them a few seconds
    with connection.cursor() as cursor:  # another process deletes it: no signal here
        cursor.execute("DELETE FROM directory_servicearea WHERE id = %s", [area.pk])
    post = complaint_post(service_area=area.name, submitter_name="Maria", language=language)
    response = client.post("/complaint/", post, headers={"accept-language": language})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert '<a href="#id_service_area">' in page  # the summary points at the area
    assert "Maria" in page and post["narrative"] in page
    assert Submission.objects.count() == 0
