"""Headings and fields by their human names (`accord.present.human_title`), on the wiki."""

from __future__ import annotations

from accord.present import human_title, id_words

TERMS = {"sql": "SQL", "hot-lead": "Hot lead", "go-live": "Go-live", "cs": "Customer Success"}


def test_ids_as_titles() -> None:
    term = TERMS.get
    assert human_title("sql-volume", term) == "SQL volume"
    assert human_title("hot-lead-callback", term) == "Hot lead callback"
    assert human_title("no-hot-lead-waiting", term) == "No hot lead waiting"  # term inside
    assert human_title("time-to-go-live", term) == "Time to go-live"
    assert human_title("cs-capacity", term) == "Customer Success capacity"  # a name stays
    assert human_title("lead-volume") == "Lead volume"
    assert human_title("mql-to-sql-conversion") == "MQL to SQL conversion"  # known acronyms
    assert human_title("sqls-delivered") == "SQLs delivered"
    assert id_words("hot-lead-callback") == "hot lead callback"


def test_field_names_as_titles() -> None:
    assert human_title("company_size") == "Company size"
    assert human_title("crm_id") == "CRM ID"
    assert human_title("signed_order_form") == "Signed order form"
