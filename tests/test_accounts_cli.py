"""``zhanqun users …``: the commands work, and mistakes end in one line, not a traceback."""
from __future__ import annotations

import json

import pytest

from tests.console_support import fresh
from zhanqun.platform.accounts import services
from zhanqun.platform.accounts.models import Role
from zhanqun.platform.accounts.passwords import verify_password


@pytest.fixture
def site(make_site):
    return make_site("jkxj", name="衡山县经济科技和信息化局")


def run(runner, *args, input=None):
    return runner.invoke(args=["users", *args], input=input)


def assert_one_line_error(result, *fragments):
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception
    for fragment in fragments:
        assert fragment in lines[0]


def test_create_prints_a_generated_password_that_works(runner, site):
    result = run(runner, "create", "wangmin", "--name", "王敏", "--email", "wm@example.cn")
    assert result.exit_code == 0, result.output
    password = result.output.split("Password: ")[1].strip()
    user = services.find_user("wangmin")
    assert user.display_name == "王敏" and user.email == "wm@example.cn" and not user.is_platform_admin
    assert verify_password(user.password_hash, password)


def test_create_platform_admin_with_a_password_from_stdin(runner):
    result = run(runner, "create", "central", "--platform-admin", "--password-stdin", input="a-long-enough-password\n")
    assert result.exit_code == 0 and "Password:" not in result.output and "(platform admin)" in result.output
    user = services.find_user("central")
    assert user.is_platform_admin and verify_password(user.password_hash, "a-long-enough-password")


@pytest.mark.parametrize("args, stdin, fragments", [
    (("create", "x"), None, ("username:",)),
    (("create", "short", "--password-stdin"), "abc\n", ("password:", "10")),
    (("create", "good.name", "--email", "nope"), None, ("email:",)),
])
def test_create_with_bad_input_is_one_line(runner, args, stdin, fragments):
    assert_one_line_error(run(runner, *args, input=stdin), *fragments)
    assert services.find_user(args[1]) is None


def test_create_with_a_taken_username_is_one_line(runner, make_user):
    make_user("wangmin")
    assert_one_line_error(run(runner, "create", "WangMin"), "username:", "This username is already taken.")


def test_grant_revoke_and_list(runner, site, make_user):
    make_user("wangmin", display_name="王敏")
    result = run(runner, "grant", "wangmin", "jkxj", "reviewer")
    assert result.exit_code == 0 and "wangmin is now reviewer on jkxj" in result.output
    user = services.find_user("wangmin")
    assert services.role_on(user, site.id) == Role.REVIEWER
    assert run(runner, "grant", "wangmin", "jkxj", "SITE_ADMIN").exit_code == 0
    assert services.role_on(fresh(user), site.id) == Role.SITE_ADMIN

    listing = json.loads(run(runner, "list", "--json").output)
    assert listing == [{"username": "wangmin", "display_name": "王敏", "email": "", "platform_admin": False,
                        "active": True, "roles": {"jkxj": "site_admin"}}]
    assert "jkxj:site_admin" in run(runner, "list").output

    result = run(runner, "revoke", "wangmin", "jkxj")
    assert result.exit_code == 0 and "no longer has a role on jkxj" in result.output
    assert services.role_on(fresh(user), site.id) is None
    assert "had no role" in run(runner, "revoke", "wangmin", "jkxj").output


def test_list_without_users_says_how_to_start(runner):
    result = run(runner, "list")
    assert result.exit_code == 0 and "zhanqun users create" in result.output
    assert json.loads(run(runner, "list", "--json").output) == []


@pytest.mark.parametrize("args, fragments", [
    (("grant", "nobody", "jkxj", "editor"), ("nobody",)),
    (("grant", "wangmin", "no-such-site", "editor"), ("no-such-site",)),
    (("grant", "wangmin", "jkxj", "platform_admin"), ("platform_admin", "editor|reviewer|site_admin")),
    (("grant", "wangmin", "jkxj", "boss"), ("boss",)),
    (("revoke", "nobody", "jkxj"), ("nobody",)),
    (("revoke", "wangmin", "no-such-site"), ("no-such-site",)),
    (("reset-password", "nobody"), ("nobody",)),
    (("deactivate", "nobody"), ("nobody",)),
    (("activate", "nobody"), ("nobody",)),
])
def test_bad_arguments_are_one_line_errors(runner, site, make_user, args, fragments):
    make_user("wangmin")
    assert_one_line_error(run(runner, *args), *fragments)
    assert services.role_on(services.find_user("wangmin"), site.id) is None


def test_reset_password(runner, make_user):
    user = make_user("wangmin")
    result = run(runner, "reset-password", "wangmin")
    assert result.exit_code == 0
    password = result.output.split(": ")[1].strip()
    user = fresh(user)
    assert verify_password(user.password_hash, password)
    assert not verify_password(user.password_hash, "correct-horse-battery")


def test_deactivate_and_activate(runner, make_user):
    user = make_user("wangmin")
    version = user.session_version
    assert "deactivated" in run(runner, "deactivate", "wangmin").output
    user = fresh(user)
    assert not user.is_active and user.session_version == version + 1
    assert "already was" in run(runner, "deactivate", "wangmin").output
    assert run(runner, "activate", "wangmin").exit_code == 0
    assert fresh(user).is_active
    assert "inactive" not in run(runner, "list").output


def test_users_help_lists_every_command(runner):
    result = runner.invoke(args=["users", "--help"])
    for command in ("create", "grant", "revoke", "list", "reset-password", "deactivate", "activate"):
        assert command in result.output
