"""User-facing messages of accounts and sign-in (zh first, en available)."""

from workforce.services.messages import Catalogue

ACCOUNT_MESSAGES = Catalogue(
    {
        "bad_credentials": ("用户名或密码错误", "wrong username or password"),
        "too_many_failures": (
            "登录失败次数过多，请在 {minutes} 分钟后再试",
            "too many failed sign-ins; try again in {minutes} minutes",
        ),
        "not_signed_in": ("请先登录", "please sign in first"),
        "token_invalid": (
            "访问令牌无效或已过期，请重新登录",
            "the access token is invalid or expired; sign in again",
        ),
        "user_inactive": ("该账号已停用", "this account is deactivated"),
        "forbidden": (
            "您的角色（{role}）无权执行此操作",
            "your role ({role}) is not allowed to do this",
        ),
        "unmask_forbidden": (
            "您的角色（{role}）不能查看完整身份证号",
            "your role ({role}) may not see full ID numbers",
        ),
        "csrf_failed": (
            "表单校验令牌缺失或不匹配，请刷新页面后重试",
            "the form's CSRF token is missing or wrong; reload the page and try again",
        ),
        "username_taken": ("用户名“{username}”已存在", "username {username!r} is already taken"),
        "username_invalid": (
            "用户名“{username}”只能包含字母、数字、点、下划线和短横线（2–64位）",
            "username {username!r} may only contain letters, digits, dots, underscores "
            "and hyphens (2–64)",
        ),
        "unknown_role": (
            "角色“{role}”不存在；可选：{roles}",
            "role {role!r} does not exist; choose one of {roles}",
        ),
        "clerk_needs_school": (
            "学校人事专干必须指定所属学校",
            "a school clerk must belong to a school",
        ),
        "school_only_for_clerks": (
            "只有学校人事专干可以指定学校",
            "only school clerks belong to a school",
        ),
        "unknown_school": ("学校（编号 {school_id}）不存在", "school {school_id} does not exist"),
        "county_not_for_role": (
            "只有区人事股和审计人员可以限定到一个县（区）；管理员和学校人事专干不能",
            "only HR officers and auditors may be scoped to a county; administrators and "
            "school clerks may not",
        ),
        "city_level_only": (
            "此操作仅限全市用户；您限定在“{county}”",
            "this is for city-level users only; you are scoped to {county!r}",
        ),
        "unknown_county": (
            "学校名单中没有县（区）“{county}”；已登记的县（区）：{known}",
            "no school of the registry is in county {county!r}; the counties recorded: {known}",
        ),
        "password_too_short": (
            "密码至少需要 {min_length} 位",
            "the password needs at least {min_length} characters",
        ),
        "password_too_weak": (
            "密码太容易被猜中（常见密码、键盘顺序、重复或连续的字符、日期、与用户名或本系统相关的词）；"
            "请用更长的、不常见的短语",
            "the password is too easy to guess (a common password, a keyboard run, repeated or "
            "sequential characters, a date, words of the username or of this system); use a "
            "longer, uncommon phrase",
        ),
        "password_mismatch": ("两次输入的密码不一致", "the two passwords differ"),
        "user_not_found": ("用户（编号 {key}）不存在", "user {key} does not exist"),
        "cannot_demote_self": (
            "不能停用自己的账号或取消自己的管理员角色",
            "you cannot deactivate yourself or give up your own administrator role",
        ),
        "last_admin": (
            "“{username}”是最后一个启用的管理员账号，不能停用或改为其他角色；请先设置另一名管理员",
            "{username!r} is the last active administrator and cannot be deactivated or given "
            "another role; make someone else an administrator first",
        ),
    }
)
