"""Unexpected errors are logged, and the visitor sees a plain page without a trace."""
from tests.conftest import make_test_app
from zhanqun.platform.extensions import db


def test_an_unexpected_error_shows_a_plain_page_and_is_logged(app, make_site, database_url, tmp_path, caplog):
    make_site("jkxj", name="衡山县经济科技和信息化局")
    fresh = make_test_app(database_url, str(tmp_path))

    def boom():
        raise RuntimeError("secret internals")

    fresh.add_url_rule("/boom", "boom", boom)
    with fresh.app_context():
        response = fresh.test_client().get("/boom", headers={"Host": "jkxj.localhost"})
        db.engine.dispose()
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text
    assert "衡山县经济科技和信息化局" in text  # the site's own look, not a bare server page
    assert "secret internals" in caplog.text


def test_unknown_path_on_a_site_is_a_themed_404(client, make_site):
    make_site("jkxj", name="衡山县经济科技和信息化局")
    response = client.get("/no/such/page", headers={"Host": "jkxj.localhost"})
    assert response.status_code == 404
    assert "衡山县经济科技和信息化局" in response.get_data(as_text=True)


def test_unknown_path_in_the_console_is_a_console_404(client):
    response = client.get("/no/such/page", headers={"Host": "console.localhost"})
    assert response.status_code == 404
    assert "console.css" in response.get_data(as_text=True)
