"""`zhanqun tenants apply`: plan, apply with --yes, idempotence, validation with file:line."""
import textwrap

import pytest
import sqlalchemy as sa

from zhanqun.platform.accounts.models import Membership, Role, User
from zhanqun.platform.columns.models import Column
from zhanqun.tenants.manifests import DEMO_MANIFESTS
from zhanqun.tenants.models import Tenant
from zhanqun.tenants.scoping import tenant_context

SITE = """\
[site]
slug = "jyj"
name = "衡山县教育局"
theme = "department"
site_code = "4304230013"
sponsor = "衡山县教育局"
domains = ["www.hsjyj.gov.cn"]

[site.settings]
primary_colour = "#1d5fa8"

[members]
jyj-admin = { role = "site_admin", name = "教育局网站管理员" }

[[columns]]
slug = "news"
name = "工作动态"
update = "news"

  [[columns.children]]
  slug = "photos"
  name = "图片新闻"

[[columns]]
slug = "about"
name = "机构概况"
kind = "page"
"""



@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """Commands speak the operator's language; these tests read the English messages."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")

def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _columns(db, slug):
    tenant = db.session.scalar(sa.select(Tenant).where(Tenant.slug == slug))
    with tenant_context(tenant.id):
        return {c.slug: c for c in db.session.scalars(sa.select(Column))}


def test_plan_only_changes_nothing(db, runner, tmp_path):
    _write(tmp_path, "jyj.toml", SITE)
    result = runner.invoke(args=["tenants", "apply", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "+ site jyj" in result.output and "+ column news/photos" in result.output and "+ member jyj-admin" in result.output
    assert "--yes" in result.output
    assert db.session.scalar(sa.select(Tenant)) is None


def test_apply_creates_then_second_apply_reports_no_changes(db, runner, tmp_path, make_site):
    make_site("other", name="不在清单中的站点")
    _write(tmp_path, "jyj.toml", SITE)
    result = runner.invoke(args=["tenants", "apply", str(tmp_path), "--yes"])
    assert result.exit_code == 0, result.output
    assert "other" not in result.output  # sites not in the manifests are not in the plan
    assert "New account jyj-admin" in result.output
    tenant = db.session.scalar(sa.select(Tenant).where(Tenant.slug == "jyj"))
    assert tenant.name == "衡山县教育局" and [d.hostname for d in tenant.domains] == ["www.hsjyj.gov.cn"]
    assert tenant.theme_settings == {"department": {"primary_colour": "#1d5fa8"}}
    columns = _columns(db, "jyj")
    assert columns["photos"].parent_id == columns["news"].id and columns["about"].kind == "page"
    user = db.session.scalar(sa.select(User).where(User.username == "jyj-admin"))
    assert user.display_name == "教育局网站管理员"
    assert db.session.scalar(sa.select(Membership.role).where(Membership.user_id == user.id)) == Role.SITE_ADMIN

    again = runner.invoke(args=["tenants", "apply", str(tmp_path), "--yes"])
    assert again.exit_code == 0, again.output
    assert "No changes." in again.output and "= site jyj" in again.output
    assert "sites: 0 to create, 0 to update, 1 unchanged" in again.output


def test_changed_manifest_plans_updates_per_field(db, runner, tmp_path):
    path = _write(tmp_path, "jyj.toml", SITE)
    runner.invoke(args=["tenants", "apply", str(path), "--yes"])
    path.write_text(SITE.replace('name = "工作动态"', 'name = "教育动态"').replace('sponsor = "衡山县教育局"', 'sponsor = "衡山县教育局办公室"')
                    + '\n[[columns]]\nslug = "notices"\nname = "通知公告"\n', encoding="utf-8")
    result = runner.invoke(args=["tenants", "apply", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert "~ site jyj  衡山县教育局 (sponsor)" in result.output
    assert "~ column news  教育动态 (name)" in result.output and "+ column notices" in result.output
    assert "= column about" in result.output
    assert _columns(db, "jyj")["news"].name == "教育动态"


def test_validation_errors_name_file_and_line_and_change_nothing(db, runner, tmp_path):
    _write(tmp_path, "a-good.toml", SITE)
    bad = SITE.replace('slug = "jyj"', 'slug = "czj"').replace('www.hsjyj.gov.cn', 'www.czj.gov.cn').replace(
        'name = "图片新闻"', 'name = "图片新闻"\n  kind = "gallery"').replace('site_code = "4304230013"', 'site_code = "43-04"')
    _write(tmp_path, "b-bad.toml", bad)
    result = runner.invoke(args=["tenants", "apply", str(tmp_path), "--yes"])
    assert result.exit_code == 1
    lines = bad.splitlines()
    site_code_line = next(i for i, line in enumerate(lines, 1) if line.startswith("site_code"))
    assert f"b-bad.toml:{site_code_line}: site.site_code" in result.output
    result_columns = runner.invoke(args=["tenants", "apply", str(tmp_path / "b-bad.toml")])
    assert result_columns.exit_code == 1
    assert db.session.scalar(sa.select(Tenant)) is None


def test_column_errors_are_located(db, runner, tmp_path):
    bad = SITE.replace('name = "图片新闻"', 'name = "图片新闻"\n  kind = "gallery"')
    path = _write(tmp_path, "jyj.toml", bad)
    result = runner.invoke(args=["tenants", "apply", str(path)])
    assert result.exit_code == 1
    kind_line = next(i for i, line in enumerate(bad.splitlines(), 1) if "gallery" in line)
    assert f"jyj.toml:{kind_line}: columns.0.children.0.kind" in result.output


def test_toml_syntax_error_has_line(runner, tmp_path):
    path = _write(tmp_path, "broken.toml", '[site]\nslug = "jyj"\nname = "衡山县教育局\n')
    result = runner.invoke(args=["tenants", "apply", str(path)])
    assert result.exit_code == 1
    assert "broken.toml:3: TOML" in result.output


def test_cross_file_and_database_conflicts(db, runner, tmp_path, make_site):
    make_site("hengshan", kind="portal", theme="portal")
    _write(tmp_path, "a.toml", SITE)
    _write(tmp_path, "b.toml", SITE.replace("[site]\n", '[site]\nkind = "portal"\n'))
    result = runner.invoke(args=["tenants", "apply", str(tmp_path), "--yes"])
    assert result.exit_code == 1
    assert "b.toml:3: The slug “jyj” is also used in" in result.output
    second_portal = SITE.replace("[site]\n", '[site]\nkind = "portal"\n').replace('"jyj"', '"portal2"').replace("hsjyj", "portal2")
    _write(tmp_path, "b.toml", second_portal)
    result = runner.invoke(args=["tenants", "apply", str(tmp_path), "--yes"])
    assert result.exit_code == 1
    assert "b.toml:2: site.kind" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tenant)) == 1


def test_demo_manifests_are_valid(db, runner):
    result = runner.invoke(args=["tenants", "apply", str(DEMO_MANIFESTS)])
    assert result.exit_code == 0, result.output
    assert "+ site hengshan  中国·衡山" in result.output and "+ site jkxj" in result.output


def test_demo_command_loads_the_county_from_manifests(db, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "http://localhost:5000/  中国·衡山" in result.output and "admin / " in result.output
    tenant = db.session.scalar(sa.select(Tenant).where(Tenant.slug == "jkxj"))
    assert tenant.site_code == "4304230012"
    assert {"news", "notices", "about"} <= set(_columns(db, "jkxj"))
    editor = db.session.scalar(sa.select(User).where(User.username == "jkxj-editor"))
    assert db.session.scalar(sa.select(Membership.role).where(Membership.user_id == editor.id)) == Role.EDITOR
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "(0 sites and 0 users created now)" in again.output


def test_unknown_keys_and_bad_members_are_located(db, runner, tmp_path):
    bad = SITE.replace('sponsor = "衡山县教育局"', 'sponser = "衡山县教育局"').replace(
        'jyj-admin = { role = "site_admin", name = "教育局网站管理员" }', 'jyj-admin = { role = "boss" }')
    path = _write(tmp_path, "jyj.toml", bad)
    result = runner.invoke(args=["tenants", "apply", str(path)])
    assert result.exit_code == 1
    lines = bad.splitlines()
    typo = next(i for i, line in enumerate(lines, 1) if line.startswith("sponser"))
    member = next(i for i, line in enumerate(lines, 1) if line.startswith("jyj-admin"))
    assert f"jyj.toml:{typo}: site.sponser" in result.output
    assert f"jyj.toml:{member}: members.jyj-admin" in result.output
