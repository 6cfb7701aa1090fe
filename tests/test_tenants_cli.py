"""``zhanqun tenants …`` as an operator uses it."""
import json

import pytest

from zhanqun.tenants.models import TenantStatus
from zhanqun.tenants.services import get_tenant


def test_create_list_and_show(runner, app):
    result = runner.invoke(args=["tenants", "create", "hengshan", "--name", "中国·衡山", "--kind", "portal",
                                 "--site-code", "4304230001", "--domain", "www.hengshan.gov.cn"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["tenants", "create", "jkxj", "--name", "衡山县经济科技和信息化局"])
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(args=["tenants", "list", "--json"]).output)
    assert [(s["slug"], s["kind"], s["status"], s["theme"]) for s in listed] == [
        ("hengshan", "portal", "active", "portal"), ("jkxj", "department", "active", "department")]
    assert listed[0]["hostnames"] == ["localhost", "www.localhost", "hengshan.localhost", "www.hengshan.gov.cn"]
    assert listed[0]["name"] == "中国·衡山"
    shown = runner.invoke(args=["tenants", "show", "jkxj"])
    assert "衡山县经济科技和信息化局" in shown.output and "jkxj.localhost" in shown.output


def test_suspend_resume_archive_restore(runner, make_site):
    make_site("jkxj")
    for action, status in [("suspend", "suspended"), ("resume", "active"), ("archive", "archived"), ("restore", "active")]:
        result = runner.invoke(args=["tenants", action, "jkxj"])
        assert result.exit_code == 0, result.output
        assert result.output.strip() == f"jkxj: {status}"
        assert get_tenant("jkxj").status == TenantStatus(status)


@pytest.mark.parametrize("args, message", [
    (["tenants", "create", "www", "--name", "x"], "reserved"),
    (["tenants", "create", "Bad_Slug", "--name", "x"], "slug:"),
    (["tenants", "create", "dash-", "--name", "x"], "slug:"),
    (["tenants", "create", "ok", "--name", "  "], "name:"),
    (["tenants", "create", "ok", "--name", "x", "--domain", "not a domain"], "domains"),
    (["tenants", "show", "nosuch"], "nosuch"),
    (["tenants", "suspend", "nosuch"], "nosuch"),
    (["tenants", "resume", "jkxj"], "cannot be changed"),
])
def test_bad_arguments_give_one_line_and_a_nonzero_exit(runner, make_site, args, message):
    make_site("jkxj")
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    error_lines = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(error_lines) == 1


def test_duplicates_are_refused(runner, make_site):
    make_site("hengshan", kind="portal", domains=["www.hengshan.gov.cn"])
    result = runner.invoke(args=["tenants", "create", "hengshan", "--name", "again"])
    assert result.exit_code == 1 and "already uses this slug" in result.output
    result = runner.invoke(args=["tenants", "create", "other", "--name", "x", "--kind", "portal"])
    assert result.exit_code == 1 and "only one" in result.output
    result = runner.invoke(args=["tenants", "create", "other", "--name", "x", "--domain", "www.hengshan.gov.cn"])
    assert result.exit_code == 1 and "already serves another site" in result.output
    result = runner.invoke(args=["tenants", "create", "other", "--name", "x", "--domain", "foo.localhost"])
    assert result.exit_code == 1 and "platform address" in result.output


def test_the_portal_cannot_be_archived(runner, make_site):
    make_site("hengshan", kind="portal")
    result = runner.invoke(args=["tenants", "archive", "hengshan"])
    assert result.exit_code == 1 and "portal cannot be archived" in result.output
