"""User-facing messages of the import, export, report and plan routes (zh first, en)."""

from workforce.services.messages import Catalogue

WORK_MESSAGES = Catalogue(
    {
        "already_committed": (
            "该上传文件（{upload_id}）已经导入，不能重复导入；如需再次导入请重新上传",
            "upload {upload_id} was already imported; upload the file again to import it again",
        ),
        "no_longer_valid": (
            "文件“{file}”未通过检查（{count} 个问题），未导入任何数据；请下载错误报告修改后重新上传",
            "{file!r} does not pass its check ({count} problems); nothing was imported. "
            "Download the error report, fix the file and upload it again",
        ),
        "no_error_report": (
            "该上传文件没有错误，无错误报告",
            "this upload has no problems, so there is no error report",
        ),
        "unknown_entity": (
            "数据类别“{entity}”不存在，可选：{choices}",
            "there is no entity {entity!r}; choose one of {choices}",
        ),
        "school_not_visible": (
            "学校代码“{code}”不存在或无权查看",
            "school {code!r} does not exist or is not visible to you",
        ),
        "report_district_only": (
            "“{title}”是全区报表，学校人事专干只能查看本校的培训和师资配置报表",
            "{title_en!r} covers the whole district; a school clerk may see the training and "
            "staffing reports of their own school",
        ),
        "county_out_of_scope": (
            "您限定在“{own}”，不能编制“{county}”的方案；全市（不分县区）的方案仅限全市用户",
            "you are scoped to {own!r} and cannot solve the plan of {county!r}; a plan of the "
            "whole registry is for city-level users only",
        ),
        "no_county_plan": (
            "“{county}”没有{year}年度可用的方案（草稿、已审批或已执行且有解）；请先编制本县（区）的方案",
            "{county!r} has no current {year} plan with a solution; solve your county's plan first",
        ),
        "unknown_county": (
            "学校名单中没有县（区）“{county}”；已登记的县（区）：{known}",
            "no school of the registry is in county {county!r}; the counties recorded: {known}",
        ),
        "report_invalid": ("报表参数有误：{reason}", "the report cannot be made: {reason}"),
        "plan_not_found": ("方案 {plan_id} 不存在", "plan {plan_id} does not exist"),
        "job_not_found": ("求解任务 {job_id} 不存在", "solve job {job_id} does not exist"),
    }
)
