"""The report pages' and the dashboard's own strings (message id → zh, en), kept beside the
pages' catalogue and merged into :data:`api.i18n.catalogue.UI`."""

REPORT_PAGES = {
    "nav_reports": ("督导报表", "Reports"),
    "reports_intro": (
        "各报表按统计日期计算；可按学校、学校类型筛选，下载的 Excel 与页面所示内容一致。",
        "Each report is computed on its as-of date; filter by school or school type, and the "
        "Excel download holds exactly what the page shows.",
    ),
    "report_scope": ("统计范围：{scope}", "Scope: {scope}"),
    "report_filter": ("筛选：{what}", "Filter: {what}"),
    "report_filter_school": ("学校 {name}", "school {name}"),
    "report_filter_type": ("学校类型 {level}", "school type {level}"),
    "school_type": ("学校类型", "School type"),
    "bad_school_type": ("学校类型“{value}”不存在", "there is no school type {value!r}"),
    "as_of_date": ("统计日期", "As of"),
    "download_excel": ("下载 Excel（与页面一致）", "Download Excel (as shown)"),
    "export_excel": ("导出 Excel", "Export to Excel"),
    "rows_count": ("共 {count} 行", "{count} rows"),
    "rows_first": (
        "共 {count} 行，页面显示前 {shown} 行；Excel 含全部 {count} 行",
        "{count} rows; the page shows the first {shown}, the Excel file all {count}",
    ),
    "views_left_out": (
        "按学校或学校类型筛选时，以下全区汇总表不适用，未显示、也不在 Excel 中：{views}",
        "With a school or school-type filter these district summaries do not apply and are "
        "left out of the page and the Excel file: {views}",
    ),
    "report_notes": ("口径与依据", "Definitions and sources"),
    "no_chart": ("筛选后没有可作图的数据", "Nothing to chart with this filter"),
    "chart_required": ("{value}（要求 ≥ {target}）", "{value} (required ≥ {target})"),
    "chart_goal": ("{current} / {target}（{year} 年）", "{current} of {target} ({year})"),
    "chart_shortage": (
        "缺 {shortage}（需 {need}，在岗 {in_post}）",
        "short {shortage} (need {need}, in post {in_post})",
    ),
    "chart_rate": ("{rate}（{teachers} 人）", "{rate} ({teachers} teachers)"),
    "teacher_list_title": ("教师名册", "Teacher list"),
    "teacher_list_scope": ("筛选条件：{what}", "Filter: {what}"),
    "teacher_list_all": ("全部教师", "all teachers"),
    "dash_training_types": (
        "继续教育学时完成情况（按学校类型，本周期）",
        "Training status by school type (this cycle)",
    ),
    "dash_training_lowest": (
        "完成率最低的 {shown} 所学校（共 {total} 所）",
        "The {shown} schools with the lowest completion (of {total})",
    ),
    "dash_training_all_schools": ("各校完成率（共 {total} 所）", "Completion by school ({total})"),
    "quota_line": ("{achieved} 人（要求 ≥ {target}）", "{achieved} (required ≥ {target})"),
    "see_report": ("查看报表", "Open the report"),
    "doc_no": ("文号", "Document no."),
    "download_letters_draft": (
        "交流通知书草稿（PDF，带“草稿”水印，仅供核对）",
        "Draft notice letters (PDF, watermarked, for checking)",
    ),
}
