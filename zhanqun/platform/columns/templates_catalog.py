"""Column templates: named lists of columns a new site starts with (apply with
:func:`zhanqun.platform.columns.services.apply_column_template`).

Names are the words county sites really use; slugs are pinyin-free short English so paths
stay readable in every browser. ``U`` is the census update category of a column.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from zhanqun.platform.columns.models import ColumnKind as K
from zhanqun.platform.columns.models import UpdateCategory as U


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a template, with its children."""

    name: str
    slug: str
    kind: K = K.LIST
    update: U = U.NONE
    children: tuple[ColumnSpec, ...] = field(default_factory=tuple)
    description: str = ""


TEMPLATES: dict[str, tuple[ColumnSpec, ...]] = {
    "department-standard": (
        ColumnSpec("机构概况", "about", K.PAGE, U.OVERVIEW),
        ColumnSpec("工作动态", "news", K.LIST, U.NEWS),
        ColumnSpec("通知公告", "notices", K.LIST, U.NOTICE),
        ColumnSpec("政策文件", "policies", K.LIST, U.NOTICE),
        ColumnSpec("信息公开目录", "disclosure", K.CATALOGUE, U.NONE),
        ColumnSpec("办事服务", "services", K.LIST, U.OVERVIEW),
        ColumnSpec("互动交流", "interaction", K.LIST, U.NONE),
    ),
    "township-standard": (
        ColumnSpec("乡镇概况", "about", K.PAGE, U.OVERVIEW),
        ColumnSpec("乡镇动态", "news", K.LIST, U.NEWS),
        ColumnSpec("通知公告", "notices", K.LIST, U.NOTICE),
        ColumnSpec("信息公开目录", "disclosure", K.CATALOGUE, U.NONE),
        ColumnSpec("便民服务", "services", K.LIST, U.OVERVIEW),
    ),
    "portal-standard": (
        ColumnSpec("今日衡山", "today", K.LIST, U.NEWS, children=(
            ColumnSpec("衡山要闻", "headlines", K.LIST, U.NEWS),
            ColumnSpec("部门动态", "departments", K.LIST, U.NEWS),
            ColumnSpec("乡镇动态", "townships", K.LIST, U.NEWS),
        )),
        ColumnSpec("政务公开", "open", K.LIST, U.NOTICE, children=(
            ColumnSpec("通知公告", "notices", K.LIST, U.NOTICE),
            ColumnSpec("政策文件", "policies", K.LIST, U.NOTICE),
            ColumnSpec("政策解读", "interpretations", K.LIST, U.NOTICE),
            ColumnSpec("信息公开目录", "disclosure", K.CATALOGUE, U.NONE),
        )),
        ColumnSpec("2016年政务公开工作要点", "open-government-2016", K.TOPIC, U.NONE, children=(
            ColumnSpec("深化改革", "reform", K.LIST, U.NONE),
            ColumnSpec("民生改善", "livelihood", K.LIST, U.NONE),
            ColumnSpec("政府建设", "government", K.LIST, U.NONE),
            ColumnSpec("政务参与", "participation", K.LIST, U.NONE),
            ColumnSpec("公开实效", "effect", K.LIST, U.NONE),
        )),
        ColumnSpec("办事服务", "services", K.LIST, U.OVERVIEW),
        ColumnSpec("互动交流", "interaction", K.LIST, U.NONE),
        ColumnSpec("走进衡山", "about", K.PAGE, U.OVERVIEW),
    ),
}
