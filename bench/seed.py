"""Seed a benchmark platform: a portal and N department sites × M articles, through the real models.

Tenants go through :func:`zhanqun.tenants.services.create_tenant` (the provisioning
service); columns, media records, articles and attachments are bulk-inserted per site
inside ``tenant_context`` (scoping and site versions apply as in production).
"""
from __future__ import annotations

import math
import random
from datetime import timedelta

import sqlalchemy as sa

DEPARTMENTS = [
    "发展和改革局", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
    "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局",
    "商务局", "文化旅游广电体育局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局",
    "统计局", "医疗保障局", "林业局", "城市管理和综合执法局", "行政审批服务局", "信访局", "乡村振兴局", "数据资源局",
]
TOWNS = ["开云镇", "白果镇", "店门镇", "贯塘乡", "岭坡乡", "福田铺乡", "东湖镇", "萱洲镇", "长江镇", "永和乡"]
SUBJECTS = ["我县", "县政府", "县委县政府", "各乡镇", "局党组", "县直各单位", "工作组", "专项督查组", "领导小组"]
VERBS = ["召开", "部署", "推进", "开展", "落实", "组织", "启动", "完成", "召集", "深化"]
TOPICS = [
    "安全生产专项整治工作会议", "优化营商环境攻坚行动", "农村人居环境整治", "政务公开标准化规范化建设",
    "防汛抗旱工作", "森林防火宣传月活动", "义务教育均衡发展督导", "医疗保障基金监管", "高标准农田建设",
    "城乡居民养老保险待遇调整", "“互联网+政务服务”改革", "重点项目建设调度会", "食品安全示范创建",
    "乡村振兴重点帮扶", "政府网站与政务新媒体检查", "根治欠薪冬季攻坚行动", "秸秆禁烧巡查", "疫苗接种",
]
SENTENCES = [
    "会议强调，要提高政治站位，切实增强做好工作的责任感和紧迫感。",
    "各相关单位要按照职责分工，细化工作措施，确保各项任务落到实处。",
    "下一步，我们将持续加大工作力度，建立健全长效机制，不断提升群众满意度。",
    "据统计，今年以来全县共排查整改隐患问题一千二百余处，整改率达百分之九十八。",
    "此次活动共发放宣传资料三千余份，接受群众咨询四百余人次，取得了良好的社会效果。",
    "会上，与会人员认真学习了上级有关文件精神，并就下一阶段工作进行了深入讨论。",
    "要坚持问题导向和目标导向，聚焦重点领域和关键环节，以钉钉子精神抓好落实。",
    "各乡镇人民政府、县直有关单位要高度重视，主要负责同志要亲自抓、负总责。",
    "对工作推进不力、敷衍塞责的，将严肃追究有关单位和人员的责任。",
    "本通知自印发之日起施行，执行中如有问题，请及时向县人民政府办公室反馈。",
    "联系人：王同志，联系电话：0734-5822xxx，电子邮箱：hszwgk@hengshan.gov.cn。",
]
COLUMNS = [  # slug, name, kind, parent slug
    ("gzdt", "工作动态", "list", None), ("tzgg", "通知公告", "list", None), ("zcwj", "政策文件", "list", None),
    ("xxgk", "信息公开", "list", None), ("zcjd", "政策解读", "list", "xxgk"), ("rsxx", "人事信息", "list", "xxgk"),
    ("zt", "专题专栏", "topic", None), ("aqsc", "安全生产", "list", "zt"), ("jgjj", "机构简介", "page", None),
]
PAGE_SIZE = 20  # list lines per column page (the column default)


def site_specs(count: int) -> list[dict]:
    """Provisioning data for ``count`` department sites (the portal is added separately)."""
    names = DEPARTMENTS + TOWNS
    specs = []
    for n in range(count):
        suffix = "" if n < len(names) else f"（{n // len(names) + 1}）"
        specs.append({
            "slug": f"s{n:03d}", "name": f"衡山县{names[n % len(names)]}{suffix}", "site_code": f"43042300{n:02d}"[:10],
            "sponsor": f"衡山县{names[n % len(names)]}", "icp_number": "湘ICP备05002345号",
            "police_number": "湘公网安备 43042302000123号", "contact": "0734-5822000",
        })
    return specs


def article_text(rng: random.Random) -> tuple[str, str, str]:
    """A title, a summary and an HTML body of a few hundred characters."""
    title = f"{rng.choice(SUBJECTS)}{rng.choice(VERBS)}{rng.choice(TOPICS)}"
    paragraphs = ["".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(3, 6))]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return title, paragraphs[0][:120], body


def seed(app, sites: int, articles: int, rng_seed: int = 7, progress=None) -> dict:
    """Create the platform in ``app``'s (empty) database; returns what the load needs to know."""
    from zhanqun.platform.articles.models import Article, ArticleAttachment
    from zhanqun.platform.columns.models import Column, ColumnKind
    from zhanqun.platform.db import utcnow
    from zhanqun.platform.extensions import db
    from zhanqun.platform.media.models import Media
    from zhanqun.platform.workflow.models import Status
    from zhanqun.tenants.scoping import tenant_context
    from zhanqun.tenants.services import create_tenant

    rng = random.Random(rng_seed)
    now = utcnow()
    with app.app_context():
        db.create_all()
        create_tenant({"slug": "hengshan", "name": "衡山县人民政府", "kind": "portal", "theme": "portal", "site_code": "4304230001",
                       "sponsor": "衡山县人民政府办公室"})
        tenants = [create_tenant(spec) for spec in site_specs(sites)]
        db.session.commit()
        layout = []
        for index, tenant in enumerate(tenants):
            with tenant_context(tenant.id):
                by_slug: dict[str, Column] = {}
                for position, (slug, name, kind, parent) in enumerate(COLUMNS):
                    column = Column(slug=slug, name=name, kind=ColumnKind(kind), position=position, page_size=PAGE_SIZE,
                                    parent_id=by_slug[parent].id if parent else None,
                                    body="<p>本局是县人民政府工作部门。</p>" if kind == "page" else "")
                    db.session.add(column)
                    db.session.flush()
                    by_slug[slug] = column
                lists = [c for c in by_slug.values() if c.kind == ColumnKind.LIST]
                media_ids = []
                for n in range(20):
                    media = Media(original_name=f"附件{n + 1}.pdf", stored_name=f"{tenant.id:08x}{n:024x}.pdf",
                                  content_type="application/pdf", size=rng.randint(20_000, 900_000), sha256=f"{n:064x}",
                                  kind="document")
                    db.session.add(media)
                    db.session.flush()
                    media_ids.append(media.id)
                rows = []
                for n in range(articles):
                    title, summary, body = article_text(rng)
                    # In turn, so that every site has the same column pages (see platforms.request_lists).
                    rows.append({"tenant_id": tenant.id, "column_id": lists[n % len(lists)].id, "title": title, "summary": summary,
                                 "body": body, "source": tenant.name, "author": "办公室", "status": Status.PUBLISHED,
                                 "published_at": now - timedelta(hours=n * 7 + rng.randint(0, 6))})
                db.session.execute(sa.insert(Article), rows)
                article_ids = list(db.session.scalars(sa.select(Article.id).order_by(Article.id)))
                links = [{"tenant_id": tenant.id, "article_id": aid, "media_id": rng.choice(media_ids[:10]) if k == 0
                          else rng.choice(media_ids[10:]), "position": k}
                         for aid in article_ids[::4] for k in range(2)]
                db.session.execute(sa.insert(ArticleAttachment), links)
                db.session.commit()
                pages = [math.ceil(len(range(k, articles, len(lists))) / PAGE_SIZE) for k in range(len(lists))]
                paths = [f"/c/{c.slug}/" if c.parent_id is None else f"/c/{_parent_slug(by_slug, c)}/{c.slug}/" for c in lists]
                layout.append({"host": f"{tenant.slug}.{app.config['ZHANQUN_DOMAIN']}", "articles": article_ids,
                               "column_pages": [path if page == 1 else f"{path}?page={page}"
                                           for path, count in zip(paths, pages) for page in range(1, max(count, 1) + 1)]})
            if progress and (index + 1) % 50 == 0:
                progress(index + 1)
    return {"sites": layout}


def _parent_slug(by_slug, column) -> str:
    return next(slug for slug, c in by_slug.items() if c.id == column.parent_id)
