"""User-facing messages of the HTTP layer (zh first, en available)."""

from workforce.services.messages import Catalogue

API_MESSAGES = Catalogue(
    {
        "invalid_request": (
            "请求数据有误：{summary}",
            "the request is not valid: {summary}",
        ),
        "route_not_found": ("请求的地址不存在", "no such address"),
        "method_not_allowed": (
            "该地址不支持此请求方法",
            "this address does not accept that method",
        ),
        "http_error": ("请求无法处理（{status}）", "the request could not be handled ({status})"),
        "data_not_storable": (
            "数据无法保存：含有数据库不接受的内容（如控制字符、超长文本或超出范围的数值）",
            "the data cannot be stored: it holds something the database refuses (a control "
            "character, text that is too long, or a number out of range)",
        ),
        "id_search_by_post": (
            "按身份证号查询请用 POST /api/teachers/search（号码放在请求体中，不进入网址和访问日志）",
            "search by ID number with POST /api/teachers/search (the number in the request body, "
            "never in an address or the access log)",
        ),
        "internal_error": (
            "服务器内部错误，已记录，请联系管理员",
            "internal server error; it was logged, please contact the administrator",
        ),
    }
)
