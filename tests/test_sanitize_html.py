"""The HTML sanitiser: an XSS corpus none of which survives, what must survive, Word paste."""
from __future__ import annotations

import re

import pytest

from zhanqun.platform.sanitize import plain_text, sanitize_html

# OWASP XSS filter evasion cheat sheet style payloads, plus a few from html5sec.org.
XSS_PAYLOADS = [
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29\">x</a>",
    "<a href=\"jav&#x09;ascript:alert('XSS');\">x</a>",
    "<a href=\"jav&#x0A;ascript:alert('XSS');\">x</a>",
    "<a href=\" &#14;  javascript:alert('XSS');\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<BODY ONLOAD=alert('XSS')>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<style>@import 'http://xss.rocks/xss.css';</style>",
    "<p style=\"width: expression(alert('XSS'));\">x</p>",
    "<p style=\"background-image: url(javascript:alert('XSS'))\">x</p>",
    "<p style=\"text-align: center; behavior: url(xss.htc)\">x</p>",
    "<DIV STYLE=\"background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073\\0063\\0072\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028.1027\\0058.1053\\0053\\0027\\0029'\\0029\">",
    "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<details open ontoggle=alert(1)>",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    "<a href=\"javascript:alert(1)\" target=\"_blank\">click</a>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<p onmouseover=\"alert(1)\" id=\"x\" class=\"y\">hover</p>",
    "<img src=\"https://ok.example/a.png\" onload=\"alert(1)\" style=\"x:expression(alert(1))\">",
]

DANGEROUS = re.compile(
    r"<\s*(script|iframe|object|embed|form|input|button|base|meta|link|style|svg|math|body|details|template|xmp)\b"
    r"|\son[a-z]+\s*="
    r"|javascript:|vbscript:|data:"
    r"|expression\s*\(|url\s*\(|behavior",
    re.IGNORECASE,
)


def test_the_corpus_is_big_enough():
    assert len(XSS_PAYLOADS) >= 30


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_xss_payload_survives(payload):
    cleaned = sanitize_html(payload)
    assert not DANGEROUS.search(cleaned), cleaned
    # Cleaning is stable: what comes out is already clean.
    assert sanitize_html(cleaned) == cleaned


def test_the_dangerous_pattern_catches_what_it_should():
    # Guards the guard: an unsanitised payload must trip it, or the tests above prove nothing
    # (encoded payloads aside, which the pattern cannot read).
    assert all(DANGEROUS.search(p) for p in XSS_PAYLOADS if not any(enc in p for enc in ("<!--", "&#", "\\00")))


def test_tables_lists_images_and_links_survive():
    html = (
        '<h2>标题</h2><p style="text-align: center;">居中</p><p style="text-indent: 2em;">首行缩进</p>'
        '<ul><li>一</li><li>二</li></ul><ol start="3"><li>三</li></ol>'
        '<table><thead><tr><th scope="col">项目</th></tr></thead><tbody><tr><td colspan="2">内容</td></tr></tbody></table>'
        '<p><img src="/media/1/a.png" alt="图" width="300" height="200"></p>'
        '<p><a href="https://www.gov.cn/" title="中国政府网">链接</a> <a href="/a/2.html">站内</a>'
        ' <a href="mailto:office@example.gov.cn">邮件</a></p><blockquote>引用</blockquote>'
    )
    cleaned = sanitize_html(html)
    for kept in ('<h2>标题</h2>', '<p style="text-align: center;">', '<p style="text-indent: 2em;">', "<ul><li>一</li>",
                 '<ol start="3">', '<th scope="col">项目</th>', '<td colspan="2">内容</td>',
                 '<img src="/media/1/a.png" alt="图" width="300" height="200">',
                 'href="https://www.gov.cn/"', 'href="/a/2.html"', 'href="mailto:office@example.gov.cn"',
                 "<blockquote>引用</blockquote>"):
        assert kept in cleaned


def test_links_that_open_a_new_window_cannot_reach_back():
    cleaned = sanitize_html('<a href="https://www.gov.cn/" target="_blank">x</a><a href="/" target="evil">y</a>')
    assert cleaned == ('<a href="https://www.gov.cn/" target="_blank" rel="noopener noreferrer">x</a>'
                       '<a href="/" rel="noopener noreferrer">y</a>')


def test_only_safe_style_declarations_are_kept():
    cleaned = sanitize_html('<p style="TEXT-ALIGN: Right; color: red; font-family: 宋体; text-indent: 99999px">x</p>')
    assert cleaned == '<p style="text-align: right;">x</p>'


def test_a_word_paste_comes_out_clean():
    word = """<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->
<style><!-- p.MsoNormal {mso-style-parent:""; margin:0cm;} --></style>
<div class=WordSection1>
<p class=MsoNormal align=center style='text-align:center;mso-line-height-alt:12.0pt'><b><span
lang=ZH-CN style='font-size:16.0pt;font-family:"方正小标宋简体";mso-ascii-font-family:"Times New Roman"'>关于做好防汛工作的通知</span></b><span
lang=EN-US style='font-size:16.0pt'><o:p></o:p></span></p>
<p class=MsoNormal style='text-indent:2em;mso-char-indent-count:2.0'><span style='font-family:仿宋_GB2312;mso-bidi-font-family:宋体'>各乡镇人民政府：</span><span lang=EN-US><o:p>&nbsp;</o:p></span></p>
<table class=MsoTableGrid border=1 cellspacing=0 style='border-collapse:collapse;mso-yfti-tbllook:1184'>
<tr style='mso-yfti-irow:0'><td width=100 valign=top style='width:75pt;border:solid windowtext 1.0pt'><p class=MsoNormal><span>单位</span></p></td></tr>
</table>
</div>"""
    cleaned = re.sub(r">\s+<", "><", sanitize_html(word))
    assert "关于做好防汛工作的通知" in cleaned and "各乡镇人民政府：" in cleaned and "单位" in cleaned
    for residue in ("mso-", "o:p", "<span", "class=", "MsoNormal", "<style", "font-family", "WordDocument", "<div",
                    "lang=", "<!--", "border="):
        assert residue not in cleaned, residue
    assert '<p style="text-align: center;"><b>关于做好防汛工作的通知</b></p>' in cleaned
    assert '<p style="text-indent: 2em;">各乡镇人民政府：' in cleaned
    assert "<table><tbody><tr><td><p>单位</p></td></tr></tbody></table>" in cleaned


def test_empty_input():
    assert sanitize_html(None) == "" and sanitize_html("") == ""


def test_plain_text_for_diffs():
    assert plain_text("<p>一 &amp; 二<br>三</p><ul><li>四</li></ul><script>x()</script>") == "一 & 二\n三\n四"
