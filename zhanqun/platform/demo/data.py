"""The demo county: 衡山县 (Hengshan county) with its portal 中国·衡山 and department sub-sites.

Codes follow the real forms (10-digit site codes under the county's area code 430423,
9-character organisation codes, provincial ICP and public-security filing numbers) but are
made up.
"""

DEMO_PASSWORD_FILE = "demo_password"

SPONSOR_SUFFIX = "主办"

SITES = [
    {
        "slug": "hengshan", "name": "中国·衡山", "kind": "portal", "theme": "portal",
        "site_code": "4304230001", "org_code": "006587421",
        "sponsor": "衡山县人民政府办公室", "contact": "衡山县电子政务管理办公室 0734-5822345",
        "icp_number": "湘ICP备05001234号", "police_number": "湘公网安备 43042302000101号",
    },
    {
        "slug": "jkxj", "name": "衡山县经济科技和信息化局", "kind": "department", "theme": "department",
        "site_code": "4304230012", "org_code": "006587502",
        "sponsor": "衡山县经济科技和信息化局", "contact": "0734-5823101",
        "icp_number": "湘ICP备05001234号-2", "police_number": "湘公网安备 43042302000112号",
    },
    {
        "slug": "jyj", "name": "衡山县教育局", "kind": "department", "theme": "department",
        "site_code": "4304230013", "org_code": "006587519",
        "sponsor": "衡山县教育局", "contact": "0734-5822716",
        "icp_number": "湘ICP备05001234号-3", "police_number": "湘公网安备 43042302000113号",
    },
    {
        "slug": "czj", "name": "衡山县财政局", "kind": "department", "theme": "department",
        "site_code": "4304230014", "org_code": "006587527",
        "sponsor": "衡山县财政局", "contact": "0734-5822153",
        "icp_number": "湘ICP备05001234号-4", "police_number": "湘公网安备 43042302000114号",
    },
    {
        "slug": "rsj", "name": "衡山县人力资源和社会保障局", "kind": "department", "theme": "department",
        "site_code": "4304230015", "org_code": "006587535",
        "sponsor": "衡山县人力资源和社会保障局", "contact": "0734-5826012",
        "icp_number": "湘ICP备05001234号-5", "police_number": "湘公网安备 43042302000115号",
    },
    {
        "slug": "hbj", "name": "衡山县环境保护局", "kind": "department", "theme": "department",
        "site_code": "4304230016", "org_code": "006587543",
        "sponsor": "衡山县环境保护局", "contact": "0734-5825230",
        "icp_number": "湘ICP备05001234号-6", "police_number": "湘公网安备 43042302000116号",
    },
]

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
