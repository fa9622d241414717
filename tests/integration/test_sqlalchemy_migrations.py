"""The shipped migrations build exactly the schema of tables.py, and undo it."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.pool import NullPool

from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.migrate import current_revision, downgrade, upgrade
from famille.adapters.sqlalchemy.tables import metadata


def _table_names(url: str) -> set[str]:
    """The tables of the database at `url`."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_the_migrations_produce_exactly_the_tables_of_the_metadata(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
    assert current_revision(empty_database_url) == "0010"


def test_downgrade_to_base_removes_every_table(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")
    assert current_revision(empty_database_url) is None
    assert _table_names(empty_database_url) <= {"alembic_version"}
    upgrade(empty_database_url)  # and the way back up still works
    assert _table_names(empty_database_url) >= set(metadata.tables)


def test_upgrading_an_up_to_date_database_changes_nothing(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)
    assert current_revision(empty_database_url) == "0010"


def test_migration_0005_keeps_the_rows_and_converts_the_shares_of_existing_lines(empty_database_url: str) -> None:
    """Families, children's links and invoice lines written under 0004 survive, shares in hundredths."""
    from datetime import date

    from sqlalchemy import text

    upgrade(empty_database_url, "0004")
    engine = make_engine(empty_database_url, poolclass=NullPool)
    try:
        with engine.begin() as c:
            c.execute(text("INSERT INTO organisations (code, name, kind, school_zone, alsace_moselle) "
                           "VALUES ('o', 'O', 'commune', 'A', false)"))
            c.execute(text("INSERT INTO families (id, organisation_code, number, responsable_nom, responsable_prenom,"
                           " responsable_autorisation_courriel, responsable_autorisation_sms)"
                           " VALUES ('f', 'o', '1', 'N', 'P', false, false)"))
            c.execute(text("INSERT INTO children (id, organisation_code, nom, prenom, sexe, date_naissance, prelevement)"
                           " VALUES ('c', 'o', 'N', 'P', 'F', :born, false)"), {"born": date(2017, 1, 1)})
            c.execute(text("INSERT INTO child_families (child_id, family_id, position) VALUES ('c', 'f', 0)"))
            c.execute(text("INSERT INTO invoices (id, organisation_code, family_id, month, kind, total_cents)"
                           " VALUES ('i', 'o', 'f', '2026-12', 'facture', 225)"))
            c.execute(text("INSERT INTO invoice_lines (invoice_id, position, child_id, child_name, service_code, day,"
                           " rule_id, message, status, billed, unit_price_cents, amount_cents, share, detail)"
                           " VALUES ('i', 0, 'c', 'P N', 'RESTAURATION', :day, 'r', 'm', 's', 'full', 450, 225,"
                           " 50, '')"), {"day": date(2026, 12, 1)})
        upgrade(empty_database_url)
        with engine.connect() as c:
            assert c.execute(text("SELECT resident FROM families")).scalar_one() in (True, 1)
            assert c.execute(text("SELECT count(*) FROM child_families")).scalar_one() == 1
            assert c.execute(text("SELECT share_hundredths FROM invoice_lines")).scalar_one() == 5000
        downgrade(empty_database_url, "0004")
        with engine.connect() as c:
            assert c.execute(text("SELECT share FROM invoice_lines")).scalar_one() == 50
            assert c.execute(text("SELECT count(*) FROM child_families")).scalar_one() == 1
    finally:
        engine.dispose()


def test_migration_0007_moves_a_family_login_e_mail_onto_the_record_and_drops_the_copies(
    empty_database_url: str,
) -> None:
    """A family whose responsable had no e-mail keeps its login's; the children lose their copied columns."""
    from sqlalchemy import text

    upgrade(empty_database_url, "0006")
    engine = make_engine(empty_database_url, poolclass=NullPool)
    try:
        with engine.begin() as c:
            c.execute(text("INSERT INTO organisations (code, name, kind, school_zone, alsace_moselle) "
                           "VALUES ('o', 'O', 'commune', 'A', false)"))
            for family, email in (("f1", None), ("f2", "record@example.org")):
                c.execute(text("INSERT INTO families (id, organisation_code, number, responsable_nom,"
                               " responsable_prenom, responsable_email, responsable_autorisation_courriel,"
                               " responsable_autorisation_sms) VALUES (:f, 'o', :f, 'N', 'P', :e, false, false)"),
                          {"f": family, "e": email})
                c.execute(text("INSERT INTO accounts (id, login, login_key, role, organisation_code, display_name,"
                               " family_id, email) VALUES (:f, :f, :f, 'family', 'o', 'N', :f, :e)"),
                          {"f": family, "e": f"login-{family}@example.org"})
        upgrade(empty_database_url)
        with engine.connect() as c:
            emails = dict(c.execute(text("SELECT id, responsable_email FROM families")).all())
            copies = c.execute(text("SELECT count(*) FROM accounts WHERE email IS NOT NULL")).scalar_one()
            columns = {col["name"] for col in inspect(c).get_columns("children")}
        assert emails == {"f1": "login-f1@example.org", "f2": "record@example.org"}
        assert copies == 0
        assert not {"photo_url", "prelevement"} & columns
    finally:
        engine.dispose()


def test_migration_0010_gives_the_stored_families_and_children_their_folded_search_text(
    empty_database_url: str,
) -> None:
    """Families and children written under 0009 are found by the agents' search once migrated."""
    from datetime import date

    from sqlalchemy import text

    upgrade(empty_database_url, "0009")
    engine = make_engine(empty_database_url, poolclass=NullPool)
    try:
        with engine.begin() as c:
            c.execute(text("INSERT INTO organisations (code, name, kind, school_zone, alsace_moselle) "
                           "VALUES ('o', 'O', 'commune', 'A', false)"))
            c.execute(text("INSERT INTO families (id, organisation_code, number, responsable_nom, responsable_prenom,"
                           " responsable_autorisation_courriel, responsable_autorisation_sms, conjoint_nom,"
                           " conjoint_prenom, conjoint_autorisation_courriel, conjoint_autorisation_sms)"
                           " VALUES ('f', 'o', 'A-0012', 'CŒUR', 'Hélène', false, false, 'N''DIAYE', 'Jean-Noël',"
                           " false, false)"))
            c.execute(text("INSERT INTO children (id, organisation_code, nom, prenom, sexe, date_naissance)"
                           " VALUES ('c', 'o', 'CŒUR', 'Léa', 'F', :born)"), {"born": date(2017, 1, 1)})
        upgrade(empty_database_url)
        with engine.connect() as c:
            assert c.execute(text("SELECT search_text FROM families")).scalar_one() == \
                "a-0012 helene coeur jean-noel n'diaye"
            assert c.execute(text("SELECT search_text FROM children")).scalar_one() == "lea coeur"
        downgrade(empty_database_url, "0009")
        with engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM families")).scalar_one() == 1
    finally:
        engine.dispose()
