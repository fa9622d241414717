"""Adding a field to a record section takes its class (and, for a column, a migration): nothing else.

The test declares a variant of « Données complémentaires » with one more field, as a
developer would add it to the class, and checks that every reader carries it without
being told: the request body and its French errors, the kernel's change rules, the JSON
view, the SQL translation (round trip through a real SQLite table), the web form and
the OpenAPI schemas.
"""

from __future__ import annotations

import attrs
import pytest
from sqlalchemy import create_engine, insert, select

from famille.adapters.http.families.payloads import body_of
from famille.adapters.http.payloads import structure
from famille.adapters.http.schemas import form_schema, view_schema
from famille.adapters.primitives import as_json
from famille.adapters.sqlalchemy.families.record_translation import (
    child_sections_from_row,
    child_sections_to_values,
)
from famille.adapters.sqlalchemy.tables import child_records, metadata
from famille.adapters.web.families.record_fields import inputs_of
from famille.kernel.families.changes import request_fields
from famille.kernel.families.fields import field
from famille.kernel.families.records import ChildSections, Complementaires
from famille.kernel.shared.errors import ValidationFailed


@attrs.frozen
class WithSunscreen(Complementaires):
    """« Données complémentaires », with one field more."""

    creme_solaire: bool = field("Crème solaire fournie", default=False, hint="Pour les sorties d'été.")


@attrs.frozen
class SectionsWithSunscreen(ChildSections):
    """A child's sections whose « Données complémentaires » carry the new field."""

    complementaires: WithSunscreen = WithSunscreen()


def test_the_request_body_reads_the_new_field_strictly_and_names_it_in_french() -> None:
    body_type = body_of(WithSunscreen, "WithSunscreenBody")

    read = structure({"creme_solaire": True, "lunettes": False}, body_type)
    with pytest.raises(ValidationFailed) as refused:
        structure({"creme_solaire": 1}, body_type)

    assert read.creme_solaire is True  # type: ignore[attr-defined]
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("creme_solaire", "Champ « creme_solaire » : doit valoir true ou false.")]


def test_the_kernel_change_rules_know_the_new_field() -> None:
    rules = request_fields(WithSunscreen)

    assert rules["creme_solaire"].kind == "bool"
    assert rules["creme_solaire"].required  # a yes/no field is never null


def test_the_json_view_carries_the_new_field() -> None:
    view = as_json(WithSunscreen(lunettes=True, creme_solaire=True))

    assert view["creme_solaire"] is True
    assert view["lunettes"] is True


def test_the_new_field_survives_a_round_trip_through_the_sql_table() -> None:
    engine = create_engine("sqlite://")
    metadata.create_all(engine, tables=[child_records])
    sections = SectionsWithSunscreen(complementaires=WithSunscreen(creme_solaire=True, prise_photos=True))

    with engine.begin() as connection:
        connection.execute(insert(child_records), child_sections_to_values("enf-1", sections))
        row = connection.execute(select(child_records)).one()
    read = child_sections_from_row(row, SectionsWithSunscreen)

    assert read == sections
    assert row.complementaires["creme_solaire"] is True


def test_a_row_written_before_the_field_existed_reads_its_default() -> None:
    engine = create_engine("sqlite://")
    metadata.create_all(engine, tables=[child_records])

    with engine.begin() as connection:
        connection.execute(insert(child_records), child_sections_to_values("enf-1", ChildSections()))
        row = connection.execute(select(child_records)).one()

    assert child_sections_from_row(row, SectionsWithSunscreen).complementaires.creme_solaire is False


def test_the_web_form_shows_the_new_field_with_its_label() -> None:
    inputs = {spec.name: spec for spec in inputs_of(WithSunscreen)}

    assert inputs["creme_solaire"].label == "Crème solaire fournie"
    assert inputs["creme_solaire"].kind == "yesno"
    assert inputs["creme_solaire"].hint == "Pour les sorties d'été."


def test_the_openapi_schemas_carry_the_new_field() -> None:
    form = form_schema(WithSunscreen)
    view = view_schema(WithSunscreen)

    assert form["properties"]["creme_solaire"]["type"] == "boolean"
    assert form["additionalProperties"] is False
    assert view["properties"]["creme_solaire"]["type"] == "boolean"
    assert "creme_solaire" in view["required"]
    assert view["properties"]["creme_solaire"]["description"].startswith("Crème solaire fournie")
