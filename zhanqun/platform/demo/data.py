"""The demo county's accounts: 衡山县 (Hengshan county), its portal 中国·衡山 and department sub-sites.

Codes follow the real forms (10-digit site codes under the county's area code 430423,
9-character organisation codes, provincial ICP and public-security filing numbers) but are
made up.
"""

DEMO_PASSWORD_FILE = "demo_password"

# The sites, their column trees and who has which role there are the demo manifests:
# ``tenants/*.toml`` (packaged as ``zhanqun/tenants/demo_manifests``), applied by ``zhanqun demo``.

# (username, display name, platform admin, {site slug: role})
USERS = [
    ("admin", "县电子政务办管理员", True, {}),
    ("jkxj-admin", "经信局网站管理员", False, {"jkxj": "site_admin"}),
    ("jkxj-editor", "经信局信息员", False, {"jkxj": "editor"}),
    ("jkxj-reviewer", "经信局审核员", False, {"jkxj": "reviewer"}),
    ("jyj-admin", "教育局网站管理员", False, {"jyj": "site_admin"}),
    ("czj-admin", "财政局网站管理员", False, {"czj": "site_admin"}),
    ("rsj-admin", "人社局网站管理员", False, {"rsj": "site_admin"}),
    ("hbj-admin", "环保局网站管理员", False, {"hbj": "site_admin"}),
    ("portal-editor", "门户网站编辑", False, {"hengshan": "editor"}),
]
