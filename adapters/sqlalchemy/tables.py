"""The database schema as SQLAlchemy Core tables: what the migrations must produce.

Conventions: ids are uuid strings, an organisation's id is its `code`; instants are
`AwareDateTime` (UTC in the database, Europe/Paris in Python); enums are stored as
their string values; free text is an unbounded `String`. Constraint and index names
follow `NAMING_CONVENTION`, so that migrations can name them the same way.
Tables added by later work (requests, bookings, invoices) come with their own migration.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.types import JSON

from famille.adapters.sqlalchemy.aware_datetime import AwareDateTime
from famille.kernel.families.fields import section_fields
from famille.kernel.families.model import Adult

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

PRATIQUES_DEFAULT = "'[\"--Aucun--\"]'"

ID = 36  # a uuid as text
CODE = 40  # organisation codes, service codes
DIGEST = 64  # sha256 hex digest of a secret token

#: The column type of each type of a record field (text and choices are strings).
_COLUMN_TYPES: dict[Any, Any] = {bool: Boolean, int: Integer, date: Date, Decimal: Numeric(12, 2)}


def _id() -> Column[Any]:
    """The uuid primary key of a table of things."""
    return Column("id", String(ID), primary_key=True)


def _organisation() -> Column[Any]:
    """The organisation a row belongs to."""
    return Column("organisation_code", String(CODE), ForeignKey("organisations.code"), nullable=False)


def _child() -> Column[Any]:
    """The child a row is about: it goes with the child."""
    return Column("child_id", String(ID), ForeignKey("children.id", ondelete="CASCADE"), nullable=False)


def _family() -> Column[Any]:
    """The family a row is about, kept while the row is (invoices, payments, requests)."""
    return Column("family_id", String(ID), ForeignKey("families.id"), nullable=False)


def _account() -> Column[Any]:
    """The account a row belongs to: it goes with the account."""
    return Column("account_id", String(ID), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)


def _cell() -> list[Column[Any]]:
    """The leading columns of a planning row about one cell: (child, service code, day) of an organisation."""
    return [_id(), _organisation(), _child(), Column("service_code", String(CODE), nullable=False),
            Column("day", Date, nullable=False)]


def _decision() -> list[Column[Any]]:
    """Who decided on a request, and when: NULL while it waits."""
    return [Column("decided_by", String(ID), nullable=True), Column("decided_at", AwareDateTime, nullable=True)]


def _adult_columns(prefix: str, *, required: bool) -> list[Column[Any]]:
    """The columns of one adult, `<prefix>_<field>` for each field its class declares.

    A responsable's name and yes/no fields are NOT NULL; a conjoint's are all nullable
    (no conjoint: all NULL). Adding a field to `Adult` takes a migration adding its two columns.
    """
    columns: list[Column[Any]] = []
    for f in section_fields(Adult):
        column_type = _COLUMN_TYPES.get(f.type, String)
        not_null = required and not f.optional
        default = false() if not_null and f.type is bool else None
        columns.append(Column(f"{prefix}_{f.name}", column_type, nullable=not not_null, server_default=default))
    return columns


organisations = Table(
    "organisations",
    metadata,
    Column("code", String(CODE), primary_key=True),
    Column("name", String, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("school_zone", String(1), nullable=False),
    Column("alsace_moselle", Boolean, nullable=False, server_default=false()),
    # raised by the database's triggers whenever the setup a month grid is computed from changes: the
    # organisation's own columns above, its structures, services or closures (migration 0017)
    Column("setup_version", Integer, nullable=False, server_default=text("0")),
)

structures = Table(
    "structures",
    metadata,
    _id(),
    _organisation(),
    Column("name", String, nullable=False),
    Column("kind", String(20), nullable=False),
    # the menus (pratiques alimentaires) a canteen offers, a JSON list of strings
    Column("pratiques", JSON, nullable=False, server_default=text(PRATIQUES_DEFAULT)),
    Index(None, "organisation_code"),
)

services = Table(
    "services",
    metadata,
    _id(),
    Column("structure_id", String(ID), ForeignKey("structures.id"), nullable=False),
    Column("code", String(CODE), nullable=False),
    Column("name", String, nullable=False),
    # the opening weekdays, ISO numbers: "1,2,4,5" is Monday, Tuesday, Thursday, Friday (migration 0003)
    Column("weekdays", String(20), nullable=False, server_default=text("'1,2,4,5'")),
    # opening hours "HH:MM", Europe/Paris, shown in the families' calendars (migration 0006)
    Column("opens_at", String(5), nullable=True),
    Column("closes_at", String(5), nullable=True),
    UniqueConstraint("structure_id", "code"),
)

families = Table(
    "families",
    metadata,
    _id(),
    _organisation(),
    Column("number", String(CODE), nullable=False),
    Column("organisme_rattachement", String, nullable=True),
    *_adult_columns("responsable", required=True),
    *_adult_columns("conjoint", required=False),
    # habite la commune: pricing's `resident` fact (migration 0005)
    Column("resident", Boolean, nullable=False, server_default=true()),
    # N° famille and the adults' names, folded for the agents' search: derived from the columns above
    # on every write (translation.family_to_values), never written on its own (migration 0010)
    Column("search_text", String, nullable=False, server_default=text("''")),
    UniqueConstraint("organisation_code", "number"),
    CheckConstraint(
        "(conjoint_nom IS NULL AND conjoint_prenom IS NULL"
        " AND conjoint_autorisation_courriel IS NULL AND conjoint_autorisation_sms IS NULL)"
        " OR (conjoint_nom IS NOT NULL AND conjoint_prenom IS NOT NULL"
        " AND conjoint_autorisation_courriel IS NOT NULL AND conjoint_autorisation_sms IS NOT NULL)",
        name="conjoint_whole",
    ),
)

children = Table(
    "children",
    metadata,
    _id(),
    _organisation(),
    Column("nom", String, nullable=False),
    Column("prenom", String, nullable=False),
    Column("sexe", String(1), nullable=False),
    Column("date_naissance", Date, nullable=False),
    Column("lieu_naissance", String, nullable=True),
    Column("scolarite", String, nullable=True),
    # first name and name, folded for the agents' search, derived on every write (migration 0010)
    Column("search_text", String, nullable=False, server_default=text("''")),
    Index(None, "organisation_code"),
)

# `position` keeps the order of Child.family_ids (the first household first).
child_families = Table(
    "child_families",
    metadata,
    _child(),
    Column("family_id", String(ID), ForeignKey("families.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    # the family's share of the child's costs in hundredths of a percent (10000 = 100 %, migration 0005);
    # NULL: not set, the child's families share equally (a single family pays everything)
    Column("share_hundredths", Integer, nullable=True),
    PrimaryKeyConstraint("child_id", "family_id"),
    Index(None, "family_id"),
    CheckConstraint("share_hundredths IS NULL OR (share_hundredths >= 0 AND share_hundredths <= 10000)",
                    name="share_in_range"),
)

accounts = Table(
    "accounts",
    metadata,
    _id(),
    Column("login", String(100), nullable=False),
    # lower-cased login: logins are unique whatever their case
    Column("login_key", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    _organisation(),
    Column("display_name", String, nullable=False),
    Column("password_hash", String, nullable=True),
    Column("family_id", String(ID), ForeignKey("families.id"), nullable=True),
    Column("email", String, nullable=True),
    Column("password_changed_at", AwareDateTime, nullable=True),
    UniqueConstraint("login_key"),
    # one account per family: the responsable's
    UniqueConstraint("family_id"),
    Index(None, "organisation_code"),
)

# Failed logins in a row, per digest of the login typed (`failure_key`), whether an account has it or not.
login_failures = Table(
    "login_failures",
    metadata,
    Column("key", String(DIGEST), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failed_at", AwareDateTime, nullable=False),
)



def _account_token(name: str, *more: Any) -> Table:
    """A table of an account's secret tokens: only their digest is kept, and when they expire."""
    return Table(
        name,
        metadata,
        _id(),
        _account(),
        Column("token_digest", String(DIGEST), nullable=False),
        Column("created_at", AwareDateTime, nullable=False),
        Column("expires_at", AwareDateTime, nullable=False),
        *more,
        UniqueConstraint("token_digest"),
        Index(None, "account_id"),
    )


auth_sessions = _account_token("auth_sessions", Index(None, "expires_at"))
reset_tokens = _account_token("reset_tokens", Column("used_at", AwareDateTime, nullable=True))

inbox_messages = Table(
    "inbox_messages",
    metadata,
    _id(),
    _account(),
    Column("subject", String, nullable=False),
    Column("body", Text, nullable=False),
    Column("sender", String, nullable=False),
    Column("created_at", AwareDateTime, nullable=False),
    Column("read_at", AwareDateTime, nullable=True),
    Index(None, "account_id", "created_at"),
)

# --- records and requests (migration 0002) ---------------------------------------------------
# Each section of a record is one JSON column, written and read by the one JSON converter (adapters/primitives.py).

family_records = Table(
    "family_records",
    metadata,
    Column("family_id", String(ID), ForeignKey("families.id", ondelete="CASCADE"), primary_key=True),
    Column("fiscales", JSON, nullable=False),
    Column("caf", JSON, nullable=False),
    Column("bancaires", JSON, nullable=False),
)

child_records = Table(
    "child_records",
    metadata,
    Column("child_id", String(ID), ForeignKey("children.id", ondelete="CASCADE"), primary_key=True),
    Column("autorisations", JSON, nullable=False),
    Column("complementaires", JSON, nullable=False),
    Column("pratique", JSON, nullable=False),
    Column("allergies", JSON, nullable=False),
    Column("photo_id", String(ID), nullable=True),
)

# Photos are kept in the database (2 MB at most each): one backup holds everything,
# and a photo is served only through the API, to the family and its agents.
child_photos = Table(
    "child_photos",
    metadata,
    _id(),
    _child(),
    Column("content_type", String(20), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("uploaded_at", AwareDateTime, nullable=False),
    Index(None, "child_id"),
)

change_requests = Table(
    "change_requests",
    metadata,
    _id(),
    _organisation(),
    _family(),
    Column("child_id", String(ID), ForeignKey("children.id"), nullable=True),
    Column("kind", String(CODE), nullable=False),
    Column("status", String(20), nullable=False),
    Column("changes", JSON, nullable=False),
    Column("before", JSON, nullable=False),
    Column("submitted_at", AwareDateTime, nullable=False),
    Column("submitted_by", String(ID), nullable=False),
    Column("decided_at", AwareDateTime, nullable=True),
    Column("decided_by", String(ID), nullable=True),
    Column("reason", Text, nullable=True),
    Column("notice", Text, nullable=True),
    Column("rule_ids", JSON, nullable=False),
    CheckConstraint("status IN ('pending', 'accepted', 'refused')", name="status_known"),
    CheckConstraint("status <> 'refused' OR reason IS NOT NULL", name="refusal_has_reason"),
    Index(None, "organisation_code", "status", "submitted_at"),
    Index(None, "family_id"),
    Index(None, "child_id"),
)

# --- planning: enrolments, closures, bookings, absences, attendance, history (migration 0003) ---
# A cell is (child, service code, day); service codes are unique within an organisation.
CELL = ("child_id", "service_code", "day")

enrolments = Table(
    "enrolments",
    metadata,
    _id(),
    _child(),
    Column("service_code", String(CODE), nullable=False),
    Column("start_day", Date, nullable=False),
    Column("end_day", Date, nullable=True),
    Column("arrival", String(5), nullable=True),
    Column("departure", String(5), nullable=True),
    # where the child is enrolled (migration 0013): a child may be in several organisations
    _organisation(),
    # NULL only for an enrolment stored before 0013 in a service its organisation no longer has
    Column("structure_id", String(ID), ForeignKey("structures.id"), nullable=True),
    # a crèche's « contrat régulier »: its ISO weekdays, « 1,2,4 » (with arrival and departure); NULL: none
    # (migration 0016)
    Column("contract_days", String(20), nullable=True),
    Index(None, "child_id"),
    Index(None, "organisation_code"),
)

closures = Table(
    "closures",
    metadata,
    _id(),
    _organisation(),
    Column("day", Date, nullable=False),
    Column("service_code", String(CODE), nullable=True),  # NULL: every service
    Column("reason", String, nullable=False),
    Column("declared_by", String(ID), nullable=False),
    Column("declared_at", AwareDateTime, nullable=False),
    Index(None, "organisation_code", "day"),
)

# The current booking of a cell; its history is in planning_events. One row per cell at most:
# booking twice the same cell, even at once from two processes, keeps one booking.
bookings = Table(
    "bookings",
    metadata,
    *_cell(),
    Column("status", String(20), nullable=False),
    Column("requested_by", String(ID), nullable=False),
    Column("requested_at", AwareDateTime, nullable=False),
    Column("in_time", Boolean, nullable=False),
    *_decision(),
    Column("refusal_reason", Text, nullable=True),
    Column("rule_id", String(100), nullable=True),
    # the request (one HTTP call) that created it: tells which rows an insert-or-ignore added
    Column("batch_id", String(ID), nullable=False),
    UniqueConstraint(*CELL),
    CheckConstraint("status IN ('pending', 'accepted', 'refused')", name="status_known"),
    # a day of an organisation, with what its headcount sums (service, status, child): the count
    # reads this index alone on SQLite (migration 0012)
    Index(None, "organisation_code", "day", "service_code", "status", "child_id"),
    Index(None, "organisation_code", "status"),
    Index(None, "batch_id"),
)

absences = Table(
    "absences",
    metadata,
    *_cell(),
    Column("status", String(20), nullable=False),
    Column("reason", String(60), nullable=False),
    Column("in_time", Boolean, nullable=False),
    Column("note", Text, nullable=True),
    Column("document", String, nullable=True),
    Column("declared_by", String(ID), nullable=False),
    Column("declared_at", AwareDateTime, nullable=False),
    *_decision(),
    Column("rule_id", String(100), nullable=True),
    UniqueConstraint(*CELL),
    CheckConstraint("status IN ('pending', 'accepted', 'refused')", name="status_known"),
    Index(None, "organisation_code", "day"),
    Index(None, "organisation_code", "status"),
)

attendance = Table(
    "attendance",
    metadata,
    _child(),
    Column("service_code", String(CODE), nullable=False),
    Column("day", Date, nullable=False),
    _organisation(),
    Column("status", String(20), nullable=False),
    Column("arrival", String(5), nullable=True),
    Column("departure", String(5), nullable=True),
    Column("recorded_by", String(ID), nullable=False),
    Column("recorded_at", AwareDateTime, nullable=False),
    PrimaryKeyConstraint(*CELL),
    Index(None, "organisation_code", "day"),
)

# Every change of a booking or an absence, never updated nor deleted: what billing reads.
planning_events = Table(
    "planning_events",
    metadata,
    *_cell(),
    Column("kind", String(40), nullable=False),
    Column("happened_at", AwareDateTime, nullable=False),
    Column("actor", String(ID), nullable=False),
    Column("by_agent", Boolean, nullable=False),
    Column("in_time", Boolean, nullable=False),
    Column("reason", Text, nullable=True),
    Column("rule_id", String(100), nullable=True),
    Column("deadline", AwareDateTime, nullable=True),
    Index(None, "child_id", "day"),
    Index(None, "organisation_code", "happened_at"),
)

# A family's private calendar feed of a child (migration 0006): only the digest of its secret
# address is kept; the nonce makes it revocable (a new nonce, a new secret).
calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    _child(),
    Column("family_id", String(ID), ForeignKey("families.id", ondelete="CASCADE"), nullable=False),
    Column("nonce", String(64), nullable=False),
    Column("token_digest", String(DIGEST), nullable=False, unique=True),
    Column("created_at", AwareDateTime, nullable=False),
    PrimaryKeyConstraint("child_id", "family_id"),
)

# --- billing: runs, invoices and credit notes, their lines, payments, number counters (migration 0004) ---
# Amounts are integer cents: exact on SQLite and PostgreSQL alike (kernel values are Decimal euros).

billing_runs = Table(
    "billing_runs",
    metadata,
    _id(),
    _organisation(),
    Column("month", String(7), nullable=False),
    Column("status", String(10), nullable=False),
    Column("created_at", AwareDateTime, nullable=False),
    Column("created_by", String(ID), nullable=False),
    Column("rules_version", String(64), nullable=False),
    Column("finalised_at", AwareDateTime, nullable=True),
    Column("finalised_by", String(ID), nullable=True),
    UniqueConstraint("organisation_code", "month"),
    CheckConstraint("status IN ('draft', 'final')", name="status_known"),
)

# Invoices and credit notes (kind 'avoir'); a draft has no number. An issued one is never updated.
invoices = Table(
    "invoices",
    metadata,
    _id(),
    _organisation(),
    _family(),
    Column("run_id", String(ID), ForeignKey("billing_runs.id"), nullable=True),
    Column("month", String(7), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("total_cents", Integer, nullable=False),
    Column("number", String(30), nullable=True),
    Column("issued_on", Date, nullable=True),
    Column("due_on", Date, nullable=True),
    Column("credited_invoice_id", String(ID), ForeignKey("invoices.id"), nullable=True),
    Column("reason", Text, nullable=True),
    UniqueConstraint("organisation_code", "number"),
    CheckConstraint("kind IN ('facture', 'avoir')", name="kind_known"),
    Index(None, "family_id", "issued_on"),
    Index(None, "run_id"),
    Index(None, "organisation_code", "month"),
)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("invoice_id", String(ID), ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("child_id", String(ID), nullable=False),
    Column("child_name", String, nullable=False),
    Column("service_code", String(CODE), nullable=False),
    Column("day", Date, nullable=False),
    Column("rule_id", String(100), nullable=False),
    # the rule's message is not copied on each line: it is read from `rule_messages` by the rules
    # version, the organisation, the rule id and the day's absence reason (migration 0012); lines
    # written before that keep their text here (rules_version NULL)
    Column("message", Text, nullable=True),
    Column("rules_version", String(64), nullable=True),
    Column("reason", String(100), nullable=True),
    Column("status", String, nullable=False),
    Column("billed", String(10), nullable=False),
    Column("unit_price_cents", Integer, nullable=False),
    Column("amount_cents", Integer, nullable=False),
    # this family's share of the day in hundredths of a percent (10000 = 100 %; migration 0005)
    Column("share_hundredths", Integer, nullable=False),
    Column("detail", Text, nullable=False),
    PrimaryKeyConstraint("invoice_id", "position"),
)

# The message of each billing_eligibility rule that decided a line, once per rules version,
# organisation, rule and absence reason (the only fact the messages show): an invoice line
# names it by these instead of copying its text (migration 0012).
rule_messages = Table(
    "rule_messages",
    metadata,
    Column("rules_version", String(64), nullable=False),
    _organisation(),
    Column("rule_id", String(100), nullable=False),
    Column("reason", String(100), nullable=False),
    Column("message", Text, nullable=False),
    PrimaryKeyConstraint("rules_version", "organisation_code", "rule_id", "reason"),
)

payments = Table(
    "payments",
    metadata,
    _id(),
    _organisation(),
    _family(),
    Column("amount_cents", Integer, nullable=False),
    Column("method", String(20), nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("recorded_by", String(ID), nullable=False),
    Column("recorded_at", AwareDateTime, nullable=False),
    Column("reference", String, nullable=True),
    CheckConstraint("amount_cents > 0", name="amount_positive"),
    Index(None, "family_id", "paid_on"),
)

# What a payment was made for (migration 0008): a payment online pays the invoices chosen.
payment_allocations = Table(
    "payment_allocations",
    metadata,
    Column("payment_id", String(ID), ForeignKey("payments.id", ondelete="CASCADE"), nullable=False),
    Column("invoice_id", String(ID), ForeignKey("invoices.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("amount_cents", Integer, nullable=False),
    PrimaryKeyConstraint("payment_id", "invoice_id"),
    CheckConstraint("amount_cents > 0", name="amount_positive"),
)

# Payments opened online with the organisation's payment service (migration 0008): pending until
# the service's first matching message settles them (a conditional UPDATE … WHERE status = 'en_attente').
online_payments = Table(
    "online_payments",
    metadata,
    _id(),
    Column("reference", String(30), nullable=False, unique=True),
    _organisation(),
    _family(),
    Column("invoices", JSON, nullable=False),  # [[invoice id, cents], …] in the family's order
    Column("amount_cents", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", AwareDateTime, nullable=False),
    Column("created_by", String(ID), nullable=False),
    Column("transaction_id", String(200), nullable=False),
    Column("url", Text, nullable=False),
    Column("settled_at", AwareDateTime, nullable=True),
    Column("payment_id", String(ID), ForeignKey("payments.id"), nullable=True),
    Column("detail", Text, nullable=False),
    CheckConstraint("amount_cents > 0", name="amount_positive"),
    Index(None, "family_id", "created_at"),
    # One pending payment per family: of two requests opening one at once, the second insert fails.
    Index("uq_online_payments_pending_family", "family_id", unique=True,
          sqlite_where=text("status = 'en_attente'"), postgresql_where=text("status = 'en_attente'")),
)

# One row per (organisation, series): the last number given. Finalising updates it in its own
# transaction (a row lock on PostgreSQL, the write lock on SQLite): numbers have no gap.
invoice_counters = Table(
    "invoice_counters",
    metadata,
    _organisation(),
    Column("series", String(20), nullable=False),
    Column("last_number", Integer, nullable=False),
    PrimaryKeyConstraint("organisation_code", "series"),
)

# --- SEPA direct debit: the organisation's creditor data, each family's mandate (migration 0005) ---

sepa_creditors = Table(
    "sepa_creditors",
    metadata,
    Column("organisation_code", String(CODE), ForeignKey("organisations.code"), primary_key=True),
    Column("name", String(70), nullable=False),
    Column("iban", String(34), nullable=False),
    Column("bic", String(11), nullable=False),
    Column("creditor_id", String(35), nullable=False),  # ICS, identifiant créancier SEPA
)

# The mandate (RUM and date of signature); the debtor's IBAN, BIC and holder are the family's bank record.
sepa_mandates = Table(
    "sepa_mandates",
    metadata,
    Column("family_id", String(ID), ForeignKey("families.id", ondelete="CASCADE"), primary_key=True),
    _organisation(),
    Column("reference", String(35), nullable=False),
    Column("signed_on", Date, nullable=False),
    UniqueConstraint("organisation_code", "reference"),
)

# --- billing jobs: monthly runs asked by agents, run by a worker (migration 0011) ---

# One row per job; each change is its own short transaction, so any process polls it while a
# worker runs it. On PostgreSQL, procrastinate's own tables (procrastinate_*) queue the jobs' ids.
billing_jobs = Table(
    "billing_jobs",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("organisation_code", String(CODE), ForeignKey("organisations.code"), nullable=False),
    Column("month", String(7), nullable=False),
    Column("state", String(10), nullable=False),
    Column("final", Boolean, nullable=False),
    Column("accept_flagged", Boolean, nullable=False),
    Column("children_done", Integer, nullable=False),
    Column("children_total", Integer, nullable=True),
    Column("errors", JSON, nullable=False),  # French messages
    Column("attempts", Integer, nullable=False),
    Column("requested_by", String(ID), nullable=False),
    Column("requested_at", AwareDateTime, nullable=False),
    Column("started_at", AwareDateTime, nullable=True),
    Column("finished_at", AwareDateTime, nullable=True),
    Column("run_id", String(ID), nullable=True),
    CheckConstraint("state IN ('pending', 'running', 'done', 'failed')", name="state_known"),
    Index(None, "organisation_code", "month", "requested_at"),
)
