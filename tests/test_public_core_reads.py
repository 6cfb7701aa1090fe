"""The public pages' Core reads (not scoped by the ORM) stay on the current site."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy.sql.util import find_tables

from tests.public_factories import add_article, add_column
from zhanqun.platform.public import content, sitecolumns
from zhanqun.tenants.scoping import TENANT_PARAM, TenantScopeError


def statements():
    return {**content.STATEMENTS, "latest in 1 column": content._latest_in_columns(1),
            "latest in 3 columns": content._latest_in_columns(3), "column tree": sitecolumns._STATEMENT}


@pytest.mark.parametrize("name", sorted(statements()))
def test_every_read_of_a_tenant_table_is_filtered_by_the_current_tenant(name):
    statement = statements()[name]
    sql = str(statement.compile())
    tables = {t for t in find_tables(statement, check_columns=False, include_joins=False) if "tenant_id" in t.c}
    assert tables, name
    for table in tables:
        reads = len(re.findall(rf"\b(?:FROM|JOIN) {table.name}\b", sql))
        filters = sql.count(f"{table.name}.tenant_id = :{TENANT_PARAM}")
        assert filters >= reads > 0, (name, table.name, sql)


def test_core_reads_refuse_to_run_without_a_current_tenant(app):
    with app.app_context(), pytest.raises(TenantScopeError):
        content.find_article(1)


def test_neighbours_and_home_blocks_never_reach_another_site(client, make_site):
    here, there = make_site("jkxj"), make_site("jyj")
    ours, theirs = add_column(here, "gzdt", "工作动态"), add_column(there, "gzdt", "工作动态")
    # Publication times interleave across the two sites, so a read without the tenant filter
    # would pick the other site's article as the neighbour.
    mine = [add_article(here, ours, f"本站信息{n}", age=timedelta(hours=2 * n)) for n in range(3)]
    for n in range(3):
        add_article(there, theirs, f"他站信息{n}", age=timedelta(hours=2 * n + 1))
    page = client.get(f"/a/{mine[1].id}.html", headers={"Host": "jkxj.localhost"}).get_data(as_text=True)
    assert "本站信息0" in page and "本站信息2" in page
    assert "他站信息" not in page
    home = client.get("/", headers={"Host": "jkxj.localhost"}).get_data(as_text=True)
    assert "本站信息0" in home and "他站信息" not in home
