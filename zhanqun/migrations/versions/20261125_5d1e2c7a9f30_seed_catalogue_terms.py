"""seed the catalogue's topic and genre lists

Revision ID: 5d1e2c7a9f30
Revises: 2a81c577c031
Create Date: 2026-11-25 13:00:00

A new platform starts with the usual 主题分类 and 体裁分类, so departments can file
catalogue entries at once; platform admins change the lists in the console afterwards.
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "5d1e2c7a9f30"
down_revision = "2a81c577c031"
branch_labels = None
depends_on = None

# A copy, not an import: this migration must insert what it inserted the day it was written.
TOPICS = [
    ("01", "综合政务"), ("02", "国民经济管理、国有资产监管"), ("03", "财政、金融、审计"),
    ("04", "国土资源、能源"), ("05", "农业、林业、水利"), ("06", "工业、交通"),
    ("07", "商贸、海关、旅游"), ("08", "市场监管、安全生产监管"), ("09", "城乡建设、环境保护"),
    ("10", "科技、教育"), ("11", "文化、广电、新闻出版"), ("12", "卫生、体育"),
    ("13", "人口与计划生育、妇女儿童工作"), ("14", "劳动、人事、监察"), ("15", "公安、安全、司法"),
    ("16", "民政、扶贫、救灾"), ("17", "民族、宗教"), ("18", "对外事务"), ("19", "其他"),
]
GENRES = [
    ("01", "公告公示"), ("02", "通知"), ("03", "意见"), ("04", "决定"), ("05", "报告"),
    ("06", "规划"), ("07", "通报"), ("08", "批复"), ("09", "函"), ("10", "命令"),
    ("11", "决议"), ("12", "纪要"), ("13", "计划总结"), ("14", "其他"),
]

term = sa.table(
    "catalogue_term",
    sa.column("kind", sa.String), sa.column("code", sa.String), sa.column("name", sa.String),
    sa.column("position", sa.Integer), sa.column("active", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)), sa.column("updated_at", sa.DateTime(timezone=True)),
)


def upgrade():
    now = datetime.now(timezone.utc)
    rows = [
        {"kind": kind, "code": code, "name": name, "position": position, "active": True, "created_at": now, "updated_at": now}
        for kind, terms in (("topic", TOPICS), ("genre", GENRES))
        for position, (code, name) in enumerate(terms)
    ]
    op.bulk_insert(term, rows)


def downgrade():
    op.execute(term.delete().where(term.c.kind.in_(["topic", "genre"])))
