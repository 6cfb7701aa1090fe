"""The Alembic migrations build the same schema as the models, on both backends."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import PG_URL, make_test_app, scratch_postgres
from zhanqun.platform.extensions import db


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def empty_database(request, tmp_path):
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("PostgreSQL: ZHANQUN_TEST_DATABASE_URL is not set")
        with scratch_postgres() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path}/migrated.db"


def test_upgrade_builds_the_schema_the_models_describe(empty_database, tmp_path):
    app = make_test_app(empty_database, str(tmp_path / "instance"))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        db.engine.dispose()


def test_downgrade_to_base_and_back(empty_database, tmp_path):
    app = make_test_app(empty_database, str(tmp_path / "instance"))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert "tenant" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_db_upgrade_command_builds_an_empty_database(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path}/cli.db", str(tmp_path / "instance"))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert {"tenant", "user_account", "membership", "audit_event"} <= set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()
