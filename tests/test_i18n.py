"""Every message has its Chinese translation; the locale follows the documented order."""
import os

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOGUE = os.path.join(ROOT, "zhanqun", "translations", "zh_Hans_CN", "LC_MESSAGES", "messages.po")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None,
            "lazy_ngettext": (1, 2)}


def extracted_messages() -> set[str]:
    with open(os.path.join(ROOT, "babel.cfg")) as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    messages = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        os.path.join(ROOT, "zhanqun"), method_map, options_map, keywords=KEYWORDS
    ):
        messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


def test_every_message_has_a_chinese_translation():
    with open(CATALOGUE, "rb") as fh:
        catalogue = read_po(fh)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue
                  if m.id and m.string and (m.string if isinstance(m.string, str) else all(m.string)) and not m.fuzzy}
    missing = sorted(extracted_messages() - translated)
    assert missing == [], f"{len(missing)} messages lack a Chinese translation (run `make i18n`): {missing[:20]}"


def test_console_speaks_chinese_by_default_and_english_on_request(client):
    page = client.get("/signin", headers={"Host": "console.localhost", "Accept-Language": ""}).get_data(as_text=True)
    assert "登录" in page
    english = client.get("/signin", headers={"Host": "console.localhost", "Accept-Language": "en-US,en;q=0.9"})
    assert "Sign in" in english.get_data(as_text=True)
    explicit = client.get("/signin?lang=en", headers={"Host": "console.localhost", "Accept-Language": "zh-CN"})
    assert "Sign in" in explicit.get_data(as_text=True)


def test_public_pages_fall_back_to_the_sites_default_language(client, make_site):
    make_site("jkxj", default_locale="en")
    page = client.get("/", headers={"Host": "jkxj.localhost", "Accept-Language": ""}).get_data(as_text=True)
    assert 'lang="en"' in page
    chinese = client.get("/", headers={"Host": "jkxj.localhost", "Accept-Language": "zh-CN,zh;q=0.9"})
    assert 'lang="zh-Hans-CN"' in chinese.get_data(as_text=True)
