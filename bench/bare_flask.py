"""The yardstick: a bare Flask app rendering a Jinja page of a given size, with no database.

``GET /<size>`` answers an HTML page of about ``size`` bytes (UTF-8), built by a template with
a header, a navigation loop, a list loop and a footer, like a site page. The data for each
size is prepared once; a request pays for routing and rendering only.
"""
from __future__ import annotations

from flask import Flask, render_template
from jinja2 import DictLoader

PAGE = """<!doctype html>
<html lang="zh-Hans-CN"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/site.css"></head>
<body><header><h1>{{ title }}</h1><nav><ul>
{% for item in nav %}<li><a href="{{ item.url }}">{{ item.name }}</a></li>{% endfor %}
</ul></nav></header><main><ul class="list">
{% for item in items %}<li><a href="{{ item.url }}">{{ item.title }}</a><span class="date">{{ item.date }}</span></li>
{% endfor %}</ul></main><footer><p>{{ footer }}</p></footer></body></html>"""

LINE = "县政府召开安全生产专项整治工作会议部署下一阶段重点任务"

app = Flask(__name__)
app.jinja_loader = DictLoader({"page.html": PAGE})
_contexts: dict[int, dict] = {}


def _context(size: int) -> dict:
    if size not in _contexts:
        nav = [{"url": f"/c/c{n}/", "name": f"栏目{n}"} for n in range(8)]
        items, total = [], 600
        while total < size:
            item = {"url": f"/a/{len(items) + 1}.html", "title": LINE, "date": "2026-11-25"}
            items.append(item)
            total += 60 + len(LINE.encode())
        _contexts[size] = {"title": "衡山县人民政府", "nav": nav, "items": items, "footer": "主办：衡山县人民政府办公室"}
    return _contexts[size]


@app.route("/<int:size>")
def page(size: int):
    """A page of about ``size`` bytes."""
    return render_template("page.html", **_context(min(size, 2_000_000)))
