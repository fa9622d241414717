"""The whole schema in one step: the tables of migrations 0001 to 0010, squashed.

Revision ID: 0010
Revises:
Create Date: 2026-12-06

Migrations 0001 to 0010 (foundation, records and requests, planning, billing, billing data,
calendar feeds, derived record data, online payments, login failures, family search) are replaced
by this one, which keeps the revision id of the last: a database already at 0010 is untouched, an
empty one gets the same schema in one step. Their data migrations (invoice lines' shares in
hundredths, family logins' e-mails onto the records, the folded search text of stored rows) had
nothing to do on an empty database and are gone with them.

A database older than 0010 must first be upgraded to 0010 with an earlier release of famille
(one that still ships migrations 0001 to 0010), then with this one.

Every table is written out here rather than taken from `tables.py`: a migration is frozen
history, while `tables.py` follows the latest schema. The columns stand in the order the
former chain left them, so that a squashed database and a migrated one are alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(36)
CODE = sa.String(40)
DIGEST = sa.String(64)
RULE = sa.String(100)
INSTANT = sa.DateTime(timezone=True)
CELL = ["child_id", "service_code", "day"]

ADULT_TEXT_FIELDS = (
    "civilite",
    "qualite",
    "situation",
    "adresse",
    "complement_adresse_1",
    "complement_adresse_2",
    "lieu_dit",
    "code_postal",
    "ville",
    "telephone_domicile",
    "telephone_professionnel",
    "mobile",
    "email",
    "profession",
    "csp",
    "employeur",
    "adresse_employeur",
)

#: The tables in the order they are created; dropped the other way round.
TABLES = (
    "organisations", "structures", "services", "families", "children", "child_families", "accounts",
    "auth_sessions", "reset_tokens", "inbox_messages", "login_failures",
    "family_records", "child_records", "child_photos", "change_requests",
    "enrolments", "closures", "bookings", "absences", "attendance", "planning_events", "calendar_feeds",
    "billing_runs", "invoices", "invoice_lines", "payments", "payment_allocations", "online_payments",
    "invoice_counters", "sepa_creditors", "sepa_mandates",
)


def _required(name: str, kind: Any, **options: Any) -> sa.Column[Any]:
    return sa.Column(name, kind, nullable=False, **options)


def _optional(name: str, kind: Any) -> sa.Column[Any]:
    return sa.Column(name, kind, nullable=True)


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=f"pk_{table}")


def _fk(table: str, column: str, target: str, *, cascade: bool = False) -> sa.ForeignKeyConstraint:
    """The foreign key of `table.column` on `target` ("children.id"), named as the metadata names it."""
    return sa.ForeignKeyConstraint([column], [target], name=f"fk_{table}_{column}_{target.split('.')[0]}",
                                   ondelete="CASCADE" if cascade else None)


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=f"uq_{table}_{'_'.join(columns)}")


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=f"ck_{table}_{name}")


def _index(table: str, *columns: str) -> None:
    op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns))


def _adult_columns(prefix: str, *, required: bool) -> list[sa.Column[Any]]:
    """The columns of one adult of a family; a conjoint's are all nullable."""
    return [
        sa.Column(f"{prefix}_nom", sa.String(), nullable=not required),
        sa.Column(f"{prefix}_prenom", sa.String(), nullable=not required),
        *(sa.Column(f"{prefix}_{name}", sa.String(), nullable=True) for name in ADULT_TEXT_FIELDS),
        *(
            sa.Column(
                f"{prefix}_{name}",
                sa.Boolean(),
                nullable=not required,
                server_default=sa.false() if required else None,
            )
            for name in ("autorisation_courriel", "autorisation_sms")
        ),
    ]


def _search_text() -> sa.Column[Any]:
    return _required("search_text", sa.String(), server_default=sa.text("''"))


def _account_token(table: str, *more: sa.Column[Any]) -> None:
    """A table of secret tokens of an account, kept as digests, expiring."""
    op.create_table(
        table,
        _required("id", ID),
        _required("account_id", ID),
        _required("token_digest", DIGEST),
        _required("created_at", INSTANT),
        _required("expires_at", INSTANT),
        *more,
        _pk(table, "id"),
        _fk(table, "account_id", "accounts.id", cascade=True),
        _unique(table, "token_digest"),
    )
    _index(table, "account_id")


def _cell(table: str, *more: Any) -> list[Any]:
    """The leading columns and keys of a table of planning cells (child, service code, day)."""
    return [
        _required("id", ID),
        _required("organisation_code", CODE),
        _required("child_id", ID),
        _required("service_code", CODE),
        _required("day", sa.Date()),
        *more,
        _pk(table, "id"),
        _fk(table, "organisation_code", "organisations.code"),
        _fk(table, "child_id", "children.id", cascade=True),
    ]


def _decision() -> list[sa.Column[Any]]:
    return [_optional("decided_by", ID), _optional("decided_at", INSTANT)]


def _foundation() -> None:
    """Organisations and their structures and services, families and children, accounts and sessions."""
    op.create_table(
        "organisations",
        _required("code", CODE),
        _required("name", sa.String()),
        _required("kind", sa.String(20)),
        _required("school_zone", sa.String(1)),
        _required("alsace_moselle", sa.Boolean(), server_default=sa.false()),
        _pk("organisations", "code"),
    )
    op.create_table(
        "structures",
        _required("id", ID),
        _required("organisation_code", CODE),
        _required("name", sa.String()),
        _required("kind", sa.String(20)),
        _required("pratiques", sa.JSON(), server_default=sa.text("'[\"--Aucun--\"]'")),
        _pk("structures", "id"),
        _fk("structures", "organisation_code", "organisations.code"),
    )
    _index("structures", "organisation_code")
    op.create_table(
        "services",
        _required("id", ID),
        _required("structure_id", ID),
        _required("code", CODE),
        _required("name", sa.String()),
        _required("weekdays", sa.String(20), server_default=sa.text("'1,2,4,5'")),
        _optional("opens_at", sa.String(5)),
        _optional("closes_at", sa.String(5)),
        _pk("services", "id"),
        _fk("services", "structure_id", "structures.id"),
        _unique("services", "structure_id", "code"),
    )
    op.create_table(
        "families",
        _required("id", ID),
        _required("organisation_code", CODE),
        _required("number", CODE),
        _optional("organisme_rattachement", sa.String()),
        *_adult_columns("responsable", required=True),
        *_adult_columns("conjoint", required=False),
        _required("resident", sa.Boolean(), server_default=sa.true()),
        _search_text(),
        _pk("families", "id"),
        _fk("families", "organisation_code", "organisations.code"),
        _unique("families", "organisation_code", "number"),
        _check(
            "families",
            "conjoint_whole",
            "(conjoint_nom IS NULL AND conjoint_prenom IS NULL"
            " AND conjoint_autorisation_courriel IS NULL AND conjoint_autorisation_sms IS NULL)"
            " OR (conjoint_nom IS NOT NULL AND conjoint_prenom IS NOT NULL"
            " AND conjoint_autorisation_courriel IS NOT NULL AND conjoint_autorisation_sms IS NOT NULL)",
        ),
    )
    op.create_table(
        "children",
        _required("id", ID),
        _required("organisation_code", CODE),
        _required("nom", sa.String()),
        _required("prenom", sa.String()),
        _required("sexe", sa.String(1)),
        _required("date_naissance", sa.Date()),
        _optional("lieu_naissance", sa.String()),
        _optional("scolarite", sa.String()),
        _search_text(),
        _pk("children", "id"),
        _fk("children", "organisation_code", "organisations.code"),
    )
    _index("children", "organisation_code")
    op.create_table(
        "child_families",
        _required("child_id", ID),
        _required("family_id", ID),
        _required("position", sa.Integer()),
        _optional("share_hundredths", sa.Integer()),
        _pk("child_families", "child_id", "family_id"),
        _fk("child_families", "child_id", "children.id", cascade=True),
        _fk("child_families", "family_id", "families.id", cascade=True),
        _check("child_families", "share_in_range",
               "share_hundredths IS NULL OR (share_hundredths >= 0 AND share_hundredths <= 10000)"),
    )
    _index("child_families", "family_id")
    op.create_table(
        "accounts",
        _required("id", ID),
        _required("login", sa.String(100)),
        _required("login_key", sa.String(100)),
        _required("role", sa.String(20)),
        _required("organisation_code", CODE),
        _required("display_name", sa.String()),
        _optional("password_hash", sa.String()),
        _optional("family_id", ID),
        _optional("email", sa.String()),
        _optional("password_changed_at", INSTANT),
        _pk("accounts", "id"),
        _fk("accounts", "organisation_code", "organisations.code"),
        _fk("accounts", "family_id", "families.id"),
        _unique("accounts", "login_key"),
        _unique("accounts", "family_id"),
    )
    _index("accounts", "organisation_code")
    _account_token("auth_sessions")
    _index("auth_sessions", "expires_at")
    _account_token("reset_tokens", _optional("used_at", INSTANT))
    op.create_table(
        "inbox_messages",
        _required("id", ID),
        _required("account_id", ID),
        _required("subject", sa.String()),
        _required("body", sa.Text()),
        _required("sender", sa.String()),
        _required("created_at", INSTANT),
        _optional("read_at", INSTANT),
        _pk("inbox_messages", "id"),
        _fk("inbox_messages", "account_id", "accounts.id", cascade=True),
    )
    _index("inbox_messages", "account_id", "created_at")
    op.create_table(
        "login_failures",
        _required("key", DIGEST),
        _required("failures", sa.Integer()),
        _required("last_failed_at", INSTANT),
        _pk("login_failures", "key"),
    )


def _records_and_requests() -> None:
    """Families' and children's records, children's photos, change requests."""
    op.create_table(
        "family_records",
        _required("family_id", ID),
        *(_required(section, sa.JSON()) for section in ("fiscales", "caf", "bancaires")),
        _pk("family_records", "family_id"),
        _fk("family_records", "family_id", "families.id", cascade=True),
    )
    op.create_table(
        "child_records",
        _required("child_id", ID),
        *(_required(section, sa.JSON()) for section in ("autorisations", "complementaires", "pratique", "allergies")),
        _optional("photo_id", ID),
        _pk("child_records", "child_id"),
        _fk("child_records", "child_id", "children.id", cascade=True),
    )
    op.create_table(
        "child_photos",
        _required("id", ID),
        _required("child_id", ID),
        _required("content_type", sa.String(20)),
        _required("data", sa.LargeBinary()),
        _required("uploaded_at", INSTANT),
        _pk("child_photos", "id"),
        _fk("child_photos", "child_id", "children.id", cascade=True),
    )
    _index("child_photos", "child_id")
    op.create_table(
        "change_requests",
        _required("id", ID),
        _required("organisation_code", CODE),
        _required("family_id", ID),
        _optional("child_id", ID),
        _required("kind", CODE),
        _required("status", sa.String(20)),
        _required("changes", sa.JSON()),
        _required("before", sa.JSON()),
        _required("submitted_at", INSTANT),
        _required("submitted_by", ID),
        _optional("decided_at", INSTANT),
        _optional("decided_by", ID),
        _optional("reason", sa.Text()),
        _optional("notice", sa.Text()),
        _required("rule_ids", sa.JSON()),
        _pk("change_requests", "id"),
        _fk("change_requests", "organisation_code", "organisations.code"),
        _fk("change_requests", "family_id", "families.id"),
        _fk("change_requests", "child_id", "children.id"),
        _check("change_requests", "status_known", "status IN ('pending', 'accepted', 'refused')"),
        _check("change_requests", "refusal_has_reason", "status <> 'refused' OR reason IS NOT NULL"),
    )
    _index("change_requests", "organisation_code", "status", "submitted_at")
    _index("change_requests", "family_id")
    _index("change_requests", "child_id")


def _planning() -> None:
    """Enrolments, closures, bookings, absences, attendance, the planning history, calendar feeds."""
    op.create_table(
        "enrolments",
        _required("id", ID),
        _required("child_id", ID),
        _required("service_code", CODE),
        _required("start_day", sa.Date()),
        _optional("end_day", sa.Date()),
        _optional("arrival", sa.String(5)),
        _optional("departure", sa.String(5)),
        _pk("enrolments", "id"),
        _fk("enrolments", "child_id", "children.id", cascade=True),
    )
    _index("enrolments", "child_id")
    op.create_table(
        "closures",
        _required("id", ID),
        _required("organisation_code", CODE),
        _required("day", sa.Date()),
        _optional("service_code", CODE),
        _required("reason", sa.String()),
        _required("declared_by", ID),
        _required("declared_at", INSTANT),
        _pk("closures", "id"),
        _fk("closures", "organisation_code", "organisations.code"),
    )
    _index("closures", "organisation_code", "day")
    op.create_table(
        "bookings",
        *_cell(
            "bookings",
            _required("status", sa.String(20)),
            _required("requested_by", ID),
            _required("requested_at", INSTANT),
            _required("in_time", sa.Boolean()),
            *_decision(),
            _optional("refusal_reason", sa.Text()),
            _optional("rule_id", RULE),
            _required("batch_id", ID),
        ),
        _unique("bookings", *CELL),
        _check("bookings", "status_known", "status IN ('pending', 'accepted', 'refused')"),
    )
    op.create_table(
        "absences",
        *_cell(
            "absences",
            _required("status", sa.String(20)),
            _required("reason", sa.String(60)),
            _required("in_time", sa.Boolean()),
            _required("excused", sa.Boolean()),
            _optional("note", sa.Text()),
            _optional("document", sa.String()),
            _required("declared_by", ID),
            _required("declared_at", INSTANT),
            *_decision(),
            _optional("rule_id", RULE),
        ),
        _unique("absences", *CELL),
        _check("absences", "status_known", "status IN ('pending', 'accepted')"),
    )
    for table in ("bookings", "absences"):
        _index(table, "organisation_code", "day")
        _index(table, "organisation_code", "status")
    _index("bookings", "batch_id")
    op.create_table(
        "attendance",
        _required("child_id", ID),
        _required("service_code", CODE),
        _required("day", sa.Date()),
        _required("organisation_code", CODE),
        _required("status", sa.String(20)),
        _optional("arrival", sa.String(5)),
        _optional("departure", sa.String(5)),
        _required("recorded_by", ID),
        _required("recorded_at", INSTANT),
        _pk("attendance", *CELL),
        _fk("attendance", "organisation_code", "organisations.code"),
        _fk("attendance", "child_id", "children.id", cascade=True),
    )
    _index("attendance", "organisation_code", "day")
    op.create_table(
        "planning_events",
        *_cell(
            "planning_events",
            _required("kind", sa.String(40)),
            _required("happened_at", INSTANT),
            _required("actor", ID),
            _required("by_agent", sa.Boolean()),
            _required("in_time", sa.Boolean()),
            _optional("reason", sa.Text()),
            _optional("rule_id", RULE),
            _optional("deadline", INSTANT),
        ),
    )
    _index("planning_events", "child_id", "day")
    _index("planning_events", "organisation_code", "happened_at")
    op.create_table(
        "calendar_feeds",
        _required("child_id", ID),
        _required("family_id", ID),
        _required("nonce", sa.String(64)),
        _required("token_digest", DIGEST),
        _required("created_at", INSTANT),
        _pk("calendar_feeds", "child_id", "family_id"),
        _fk("calendar_feeds", "child_id", "children.id", cascade=True),
        _fk("calendar_feeds", "family_id", "families.id", cascade=True),
        _unique("calendar_feeds", "token_digest"),
    )


def _billing() -> None:
    """Billing runs, invoices and their lines, payments, invoice numbers, SEPA creditors and mandates."""
    op.create_table(
        "billing_runs",
        _required("id", ID),
        _required("organisation_code", CODE),
        _required("month", sa.String(7)),
        _required("status", sa.String(10)),
        _required("created_at", INSTANT),
        _required("created_by", ID),
        _required("rules_version", sa.String(64)),
        _optional("finalised_at", INSTANT),
        _optional("finalised_by", ID),
        _pk("billing_runs", "id"),
        _fk("billing_runs", "organisation_code", "organisations.code"),
        _unique("billing_runs", "organisation_code", "month"),
        _check("billing_runs", "status_known", "status IN ('draft', 'final')"),
    )
    op.create_table(
        "invoices",
        _required("id", ID),
        _required("organisation_code", CODE),
        _required("family_id", ID),
        _optional("run_id", ID),
        _required("month", sa.String(7)),
        _required("kind", sa.String(10)),
        _required("total_cents", sa.Integer()),
        _optional("number", sa.String(30)),
        _optional("issued_on", sa.Date()),
        _optional("due_on", sa.Date()),
        _optional("credited_invoice_id", ID),
        _optional("reason", sa.Text()),
        _pk("invoices", "id"),
        _fk("invoices", "organisation_code", "organisations.code"),
        _fk("invoices", "family_id", "families.id"),
        _fk("invoices", "run_id", "billing_runs.id"),
        _fk("invoices", "credited_invoice_id", "invoices.id"),
        _unique("invoices", "organisation_code", "number"),
        _check("invoices", "kind_known", "kind IN ('facture', 'avoir')"),
    )
    _index("invoices", "family_id", "issued_on")
    _index("invoices", "run_id")
    _index("invoices", "organisation_code", "month")
    op.create_table(
        "invoice_lines",
        _required("invoice_id", ID),
        _required("position", sa.Integer()),
        _required("child_id", ID),
        _required("child_name", sa.String()),
        _required("service_code", CODE),
        _required("day", sa.Date()),
        _required("rule_id", RULE),
        _required("message", sa.Text()),
        _required("status", sa.String()),
        _required("billed", sa.String(10)),
        _required("unit_price_cents", sa.Integer()),
        _required("amount_cents", sa.Integer()),
        _required("detail", sa.Text()),
        _required("share_hundredths", sa.Integer()),
        _pk("invoice_lines", "invoice_id", "position"),
        _fk("invoice_lines", "invoice_id", "invoices.id", cascade=True),
    )
    op.create_table(
        "payments",
        _required("id", ID),
        _required("organisation_code", CODE),
        _required("family_id", ID),
        _required("amount_cents", sa.Integer()),
        _required("method", sa.String(20)),
        _required("paid_on", sa.Date()),
        _required("recorded_by", ID),
        _required("recorded_at", INSTANT),
        _optional("reference", sa.String()),
        _pk("payments", "id"),
        _fk("payments", "organisation_code", "organisations.code"),
        _fk("payments", "family_id", "families.id"),
        _check("payments", "amount_positive", "amount_cents > 0"),
    )
    _index("payments", "family_id", "paid_on")
    op.create_table(
        "payment_allocations",
        _required("payment_id", ID),
        _required("invoice_id", ID),
        _required("position", sa.Integer()),
        _required("amount_cents", sa.Integer()),
        _pk("payment_allocations", "payment_id", "invoice_id"),
        _fk("payment_allocations", "payment_id", "payments.id", cascade=True),
        _fk("payment_allocations", "invoice_id", "invoices.id"),
        _check("payment_allocations", "amount_positive", "amount_cents > 0"),
    )
    op.create_table(
        "online_payments",
        _required("id", ID),
        _required("reference", sa.String(30)),
        _required("organisation_code", CODE),
        _required("family_id", ID),
        _required("invoices", sa.JSON()),
        _required("amount_cents", sa.Integer()),
        _required("status", sa.String(20)),
        _required("created_at", INSTANT),
        _required("created_by", ID),
        _required("transaction_id", sa.String(200)),
        _required("url", sa.Text()),
        _optional("settled_at", INSTANT),
        _optional("payment_id", ID),
        _required("detail", sa.Text()),
        _pk("online_payments", "id"),
        _fk("online_payments", "organisation_code", "organisations.code"),
        _fk("online_payments", "family_id", "families.id"),
        _fk("online_payments", "payment_id", "payments.id"),
        _unique("online_payments", "reference"),
        _check("online_payments", "amount_positive", "amount_cents > 0"),
    )
    _index("online_payments", "family_id", "created_at")
    op.create_table(
        "invoice_counters",
        _required("organisation_code", CODE),
        _required("series", sa.String(20)),
        _required("last_number", sa.Integer()),
        _pk("invoice_counters", "organisation_code", "series"),
        _fk("invoice_counters", "organisation_code", "organisations.code"),
    )
    op.create_table(
        "sepa_creditors",
        _required("organisation_code", CODE),
        _required("name", sa.String(70)),
        _required("iban", sa.String(34)),
        _required("bic", sa.String(11)),
        _required("creditor_id", sa.String(35)),
        _pk("sepa_creditors", "organisation_code"),
        _fk("sepa_creditors", "organisation_code", "organisations.code"),
    )
    op.create_table(
        "sepa_mandates",
        _required("family_id", ID),
        _required("organisation_code", CODE),
        _required("reference", sa.String(35)),
        _required("signed_on", sa.Date()),
        _pk("sepa_mandates", "family_id"),
        _fk("sepa_mandates", "family_id", "families.id", cascade=True),
        _fk("sepa_mandates", "organisation_code", "organisations.code"),
        _unique("sepa_mandates", "organisation_code", "reference"),
    )


def upgrade() -> None:
    """Create every table of the schema at 0010."""
    _foundation()
    _records_and_requests()
    _planning()
    _billing()


def downgrade() -> None:
    """Drop every table, dependents first."""
    for table in reversed(TABLES):
        op.drop_table(table)
