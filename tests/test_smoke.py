from tests.conftest import CONSOLE, signin


def test_portal_home_shows_name_and_footer(client, make_site):
    make_site("hengshan", name="中国·衡山", kind="portal", theme="portal", sponsor="衡山县人民政府办公室")
    response = client.get("/", headers={"Host": "localhost"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "中国·衡山" in text and "衡山县人民政府办公室" in text
    assert "Set-Cookie" not in response.headers


def test_signin_reaches_dashboard(client, make_site, make_user):
    site = make_site("jkxj")
    make_user("wang", roles={site.id: "site_admin"})
    response = signin(client, "wang", follow=True)
    assert response.status_code == 200
    assert "jkxj 测试站点" in response.get_data(as_text=True)
    assert client.get("/", headers={"Host": CONSOLE}).status_code == 200
