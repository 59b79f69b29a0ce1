"""Interface strings: every word the publisher writes that is neither data nor a year's prose.

One table, every language. Chapter prose lives in docs/<year>/; figures and their labels
in data/ and the table registry (tables.py); the languages themselves in languages.py.
"""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # titles and navigation
    "archive_title": {"zh": "{library}年报", "en": "{library} Annual Reports"},
    "report_title": {"zh": "{year} 年{library}年报", "en": "{library} Annual Report {year}"},
    "report_short": {"zh": "{year} 年年报", "en": "Annual Report {year}"},
    "chapter_heading": {"zh": "第{number}章 {title}", "en": "Chapter {number}: {title}"},
    "contents": {"zh": "目录", "en": "Contents"},
    "year_description": {"zh": "{title}：{chapters}。", "en": "{title}: {chapters}."},
    "chapter_label": {"zh": "第{number}章", "en": "Chapter {number}"},
    "tile.activities": {"zh": "各类活动", "en": "Events held"},
    "tile.events": {"zh": "场次", "en": "events"},
    "tile.spending": {"zh": "经费支出", "en": "Spending"},
    "dash": {"zh": "：", "en": ": "},
    "archive": {"zh": "历年年报", "en": "All annual reports"},
    "at_a_glance": {"zh": "{year} 年主要数字", "en": "{year} at a glance"},
    "read_report": {"zh": "阅读 {year} 年年报", "en": "Read the {year} report"},
    # a project whose first year is still a draft: the home page with no report to show
    "no_report": {"zh": "尚无已发布的年报", "en": "No report published yet"},
    "no_report.note": {"zh": "第一份年报完成后将在这里发布。", "en": "The first report will appear here when it is finished."},
    # tables
    "share_percent": {"zh": "占比（%）", "en": "Share (%)"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "value": {"zh": "数值", "en": "Value"},
    "unit": {"zh": "单位", "en": "Unit"},
    "change": {"zh": "较上年变化", "en": "Change on the previous year"},
    "yes": {"zh": "是", "en": "Yes"},
    "no": {"zh": "否", "en": "No"},
    "place": {"zh": "地点：", "en": "Venue: "},
    "todo": {"zh": "【待填写】", "en": "[TODO]"},
    # charts
    "chart.table": {"zh": "图表数据（表格）", "en": "Show the figures as a table"},
    "chart.source": {"zh": "资料来源：{library}，{year} 年年报数据", "en": "Source: {library} Annual Report {year}"},
    "chart.subtitle": {"zh": "{measure}（{unit}），{year} 年", "en": "{measure} ({unit}), {year}"},
    "chart.changes": {"zh": "主要业务数据较上年的变化", "en": "Change on {previous}"},
    "chart.changes_subtitle": {"zh": "{previous} 年与 {year} 年数值及变化率（%）",
                               "en": "Values in {previous} and {year}, and the change in %"},
    "chart.trend": {"zh": "历年主要业务数据", "en": "Service figures over the years"},
    "chart.trend_subtitle": {"zh": "{first}—{year} 年", "en": "{first}–{year}"},
    "chart.largest_share": {"zh": "{label}最多，占 {share}%", "en": "Largest share: {label} ({share}%)"},
    "chart.largest_shares": {"zh": "{label}最多，各占 {share}%", "en": "Largest shares: {label} ({share}% each)"},
    "chart.largest_each": {"zh": "{label}最多（各 {value}）", "en": "Largest: {label} ({value} each)"},
    "chart.whole": {"zh": "全年共 {value}", "en": "{value} in the year"},
    "chart.largest": {"zh": "{label}最多（{value}）", "en": "Largest: {label} ({value})"},
    "chart.changes_point": {"zh": "较上年变化最大的是{label}（{change}）",
                            "en": "Largest change on {previous}: {label}, {change}"},
    "chart.change_label": {"zh": "{label}（{value}）", "en": "{label} ({value})"},
    "chart.changes_subtitle_one": {"zh": "{year} 年数值及较上年变化率（%），{previous} 年数据未收录",
                                   "en": "{year} figures and % change on {previous} ({previous} figures not available)"},
    "chart.budget": {"zh": "本级财政预算", "en": "District budget"},
    "chart.central_fund": {"zh": "中央下拨免费开放资金", "en": "Central funding for free admission"},
    "chart.available": {"zh": "预算与中央资金", "en": "Budget and central funding"},
    "chart.spent": {"zh": "经费支出", "en": "Spending"},
    "chart.funding_point": {"zh": "预算与中央资金共 {available}，支出 {spent}", "en": "Budget and central funding: {available}; spent: {spent}"},
    "chart.funding_measure": {"zh": "经费来源与支出", "en": "Funding and spending"},
    "list_separator": {"zh": "，", "en": "; "},
    # the PDF edition
    "pdf.cover_title": {"zh": "年度报告", "en": "Annual Report"},
    # downloads
    "content": {"zh": "内容", "en": "Content"},
    "formats": {"zh": "下载", "en": "Download"},
    "download.csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "download.pdf": {"zh": "下载本年年报 PDF", "en": "Download this report as PDF"},
    "download.package": {"zh": "说明每个表格各字段（中英文）的数据包描述文件（Frictionless Data Package）",
                         "en": "describes every table’s fields in Chinese and English (Frictionless Data Package)"},
    "download.pdf_editions": {"zh": "年报 PDF：", "en": "The report as PDF: "},
    "download.pdf_edition": {"zh": "下载年报（{edition}）", "en": "Download the report ({edition})"},
    "download.pdf_facts": {"zh": "PDF，{size}，{pages} 页", "en": "PDF, {size}, {pages} pages"},
    "download.pdf_not_made": {"zh": "PDF：预览不生成，make build 生成", "en": "PDF: made by make build, not the preview"},
    "download.data": {"zh": "全部数据（CSV、JSON）", "en": "All the figures (CSV, JSON)"},
    "download.data_page": {"zh": "数据下载", "en": "Data downloads"},
    "download.size": {"zh": "（{size}）", "en": "({size})"},
    "edition.zh": {"zh": "中文版", "en": "Chinese edition"},
    "edition.en": {"zh": "英文版", "en": "English edition"},
    # the footer
    "footer.updated": {"zh": "最后更新：{date}", "en": "Last updated {date}"},
    "footer.address": {"zh": "地址：", "en": "Address: "},
    "footer.telephone": {"zh": "电话：", "en": "Telephone: "},
    "footer.email": {"zh": "邮箱：", "en": "Email: "},
    "footer.hours": {"zh": "开放时间：", "en": "Opening hours: "},
    "footer.accessibility": {"zh": "无障碍说明与其他格式", "en": "Accessibility and other formats"},
    # pages outside the report
    "untranslated_title": {"zh": "尚未翻译", "en": "Not translated yet"},
    "untranslated": {"zh": "本页尚无中文版本，以下为原文。",
                     "en": "This page has not been translated into English yet. The Chinese original is shown below."},
    "problem_title": {"zh": "这一页有错误，网站尚不能发布", "en": "This page has a mistake; the site cannot be published yet"},
    # the editing guide's references
    "reference.macros": {"zh": "宏", "en": "Macros"},
    "reference.filters": {"zh": "过滤器", "en": "Filters"},
    "reference.call": {"zh": "写法", "en": "Call"},
    "reference.does": {"zh": "说明", "en": "What it does"},
    "reference.field": {"zh": "字段", "en": "Field"},
    "reference.kind": {"zh": "类型", "en": "Kind"},
    "reference.tables": {"zh": "表格和图表的名称", "en": "Names of tables and charts"},
    "reference.table_name": {"zh": "名称", "en": "Name"},
    "reference.table_caption": {"zh": "标题", "en": "Caption"},
    "reference.table_file": {"zh": "下载文件", "en": "Download"},
}


def t(key: str, lang: str, **values) -> str:
    """The interface string *key* in *lang*, with ``{name}`` filled from *values*."""
    return STRINGS[key][lang].format(**values)
