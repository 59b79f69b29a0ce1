"""Interface strings: every word the macros write that is not data.

One table, both languages. Chapter prose lives in docs/; figures in data/.
"""
from __future__ import annotations

DEFAULT_LANG = "zh"                         # the original; served at / (English at /en/)
LANG_TAGS = {"zh": "zh-Hans", "en": "en"}   # BCP 47, for lang and hreflang attributes


def edition(theme_language: str | None) -> str:
    """The language a build is writing: mkdocs-static-i18n sets theme.language per language."""
    return theme_language or DEFAULT_LANG

STRINGS: dict[str, dict[str, str]] = {
    "archive_title": {"zh": "{library}年报", "en": "{library} Annual Reports"},
    "report_title": {"zh": "{year} 年{library}年报", "en": "{library} Annual Report {year}"},
    "chapter_heading": {"zh": "第{number}章 {year} 年{library}{title}", "en": "Chapter {number}: {title}"},
    "chapter_label": {"zh": "第{number}章", "en": "Chapter {number}"},
    "contents": {"zh": "目录", "en": "Contents"},
    "total": {"zh": "合计", "en": "Total"},
    "share": {"zh": "占比", "en": "Share"},
    "people": {"zh": "人数", "en": "People"},
    "category": {"zh": "类别", "en": "Category"},
    "item": {"zh": "项目", "en": "Item"},
    "amount": {"zh": "金额", "en": "Amount"},
    "kind": {"zh": "活动类别", "en": "Kind of activity"},
    "events": {"zh": "场次", "en": "Events"},
    "other_kinds": {"zh": "其他活动", "en": "Other activities"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "value": {"zh": "数值", "en": "Value"},
    "change": {"zh": "较上年变化", "en": "Change on previous year"},
    "place": {"zh": "地点", "en": "Place"},
    # table captions
    "caption.education": {"zh": "在职职工按学历", "en": "Staff by education"},
    "caption.roles": {"zh": "在职职工按岗位", "en": "Staff by role"},
    "caption.employment": {"zh": "在职职工按用工形式", "en": "Staff by employment type"},
    "caption.titles": {"zh": "专业技术人员按职称", "en": "Professional staff by title"},
    "caption.budget": {"zh": "本级财政预算构成", "en": "District budget by item"},
    "caption.expenditure": {"zh": "经费支出构成", "en": "Spending by item"},
    "caption.activities": {"zh": "全年活动按类别", "en": "Activities by kind"},
    "caption.changes": {"zh": "主要业务数据较上年的变化", "en": "Change on {year}"},
    "caption.trend": {"zh": "历年主要业务数据", "en": "Service figures over the years"},
    "chart.table": {"zh": "查看图表数据（表格）", "en": "Show the figures as a table"},
    "file": {"zh": "文件", "en": "File"},
    "content": {"zh": "内容", "en": "Content"},
    "formats": {"zh": "下载", "en": "Download"},
    "download.package": {"zh": "说明每个表格各字段（中英文）的数据包描述文件（Frictionless Data Package）",
                         "en": "describes every table's fields in Chinese and English (Frictionless Data Package)"},
    "download.pdf": {"zh": "下载 PDF", "en": "Download PDF"},
    "download.pdf_editions": {"zh": "年报 PDF", "en": "The report as PDF"},
    "edition.zh": {"zh": "中文版", "en": "Chinese"},
    "edition.en": {"zh": "英文版", "en": "English"},
    "download.csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "caption.statistics": {"zh": "业务数据统计", "en": "Service statistics"},
    # statistics indicators
    "stat.new_acquisitions": {"zh": "新增文献入藏量（册）", "en": "Volumes added"},
    "stat.per_capita_new_acquisitions": {"zh": "人均新增文献入藏量（册）", "en": "Volumes added per inhabitant"},
    "stat.digital_total": {"zh": "数字资源总量（TB）", "en": "Digital resources held (TB)"},
    "stat.digital_new": {"zh": "新增数字资源（TB）", "en": "Digital resources added (TB)"},
    "stat.views": {"zh": "馆藏数字资源浏览量（次）", "en": "Views of digital resources"},
    "stat.downloads": {"zh": "馆藏数字资源下载量（次）", "en": "Downloads of digital resources"},
    "stat.circulation": {"zh": "流通人次", "en": "Visits (person-times)"},
    "reports": {"zh": "历年年报", "en": "Annual reports"},
    "headline.activities": {"zh": "各类活动 {value} 场次", "en": "{value} events"},
    "headline.circulation": {"zh": "流通 {value} 人次", "en": "{value} visits"},
    "headline.new_acquisitions": {"zh": "新增馆藏 {value} 册", "en": "{value} volumes added"},
    "headline.expenditure": {"zh": "经费支出 {value}", "en": "{value} spent"},
    "reference.macros": {"zh": "宏", "en": "Macros"},
    "reference.filters": {"zh": "过滤器", "en": "Filters"},
    "reference.call": {"zh": "写法", "en": "Call"},
    "reference.does": {"zh": "说明", "en": "What it does"},
    "reference.field": {"zh": "字段", "en": "Field"},
    "reference.kind": {"zh": "类型", "en": "Kind"},
    "todo": {"zh": "【待填写】", "en": "[TODO]"},
    "untranslated_title": {"zh": "尚未翻译", "en": "Not translated yet"},
    "untranslated": {"zh": "本页尚无中文版本，以下为原文。",
                     "en": "This page has not been translated into English yet. The Chinese original is shown below."},
}


def t(key: str, lang: str, **values) -> str:
    """The interface string *key* in *lang*, with ``{name}`` filled from *values*."""
    return STRINGS[key][lang].format(**values)
