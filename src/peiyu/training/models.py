"""Training (seeds 000 Art. 10, 12, 14, 17; 002; 003 §4; RULES.md TRN-1…13): the teacher registry, training
plans filed with the province and the city, classes with their public announcement and sessions, and
real-name trainees enrolled in classes.

A plan is authorised by an active catalog listing of its institution for its occupation and level
(TRN-2); the checks made when it is filed are a stored Decision with the profile version. Trainees are
people, one per ID number: the number is SM4-encrypted and found through its keyed blind index."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peiyu.core.fields import EncryptedTextField
from peiyu.core.models import TimeStamped


class TitleLevel(models.TextChoices):
    """A teacher's professional title or skill level, by how TRN-1 reads it (中级 or higher)."""

    NONE = "none", _("无职称或等级")
    JUNIOR = "junior", _("初级（含五级、四级）")
    INTERMEDIATE = "intermediate", _("中级（含三级）")
    SENIOR = "senior", _("高级（含二级、一级）")


class Teacher(TimeStamped):
    """A teacher (师资) of a training institution (TRN-1)."""

    institution = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="teachers", verbose_name=_("机构")
    )
    name = models.CharField(_("姓名"), max_length=64)
    id_number = EncryptedTextField(_("身份证号码"))
    id_index = models.CharField(max_length=64, editable=False)
    title = models.CharField(_("职称或职业技能等级"), max_length=100, blank=True)
    title_level = models.CharField(_("职称或等级层次"), max_length=16, choices=TitleLevel.choices)
    dual_qualified = models.BooleanField(_("双师型"), default=False)
    specialties = models.CharField(_("授课方向"), max_length=200, blank=True)
    active = models.BooleanField(_("在册"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "id_index"], name="teacher_once_per_institution")
        ]
        ordering = ["institution", "name"]
        verbose_name = _("师资")
        verbose_name_plural = _("师资")

    def __str__(self) -> str:
        return self.name


class CertType(models.TextChoices):
    """Fujian's supervision by certificate type (TRN-12, 002 三)."""

    QUALIFICATION = "qualification", _("合格证类")
    CERTIFICATE = "certificate", _("职业资格证、职业技能等级证和专项能力证书类")
    INDUSTRY = "industry", _("行业急需紧缺技能人才培训")


class TrainingPlan(TimeStamped):
    """A training plan and scheme (培训计划和方案, TRN-2) for one occupation, direction and level."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        FILED = "filed", _("已备案")
        WITHDRAWN = "withdrawn", _("已撤回")

    number = models.CharField(_("计划编号"), max_length=32, unique=True)
    institution = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="training_plans", verbose_name=_("培训机构")
    )
    listing = models.ForeignKey(
        "institutions.Listing",
        on_delete=models.PROTECT,
        related_name="training_plans",
        verbose_name=_("目录条目"),
    )
    programme = models.CharField(_("项目"), max_length=16)
    occupation_code = models.CharField(_("职业（工种）编码"), max_length=32)
    occupation_name = models.CharField(_("职业（工种）"), max_length=100)
    direction = models.CharField(_("职业方向"), max_length=100, blank=True)
    level = models.CharField(_("等级"), max_length=16)
    cert_type = models.CharField(
        _("证书类型"), max_length=16, choices=CertType.choices, default=CertType.CERTIFICATE
    )
    supervising_authority = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("行业主管部门"),
        help_text=_("行业急需紧缺技能人才培训项目由行业主管部门负责过程监管（TRN-12）"),
    )
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("培训地区")
    )
    title = models.CharField(_("计划名称"), max_length=200)
    description = models.TextField(_("培训方案"), blank=True)
    hours_theory = models.PositiveIntegerField(_("理论学时"), default=0)
    hours_practice = models.PositiveIntegerField(_("实操学时"), default=0)
    hours_online = models.PositiveIntegerField(_("线上学时"), default=0)
    hours_offline = models.PositiveIntegerField(_("线下学时"), default=0)
    fee = models.DecimalField(_("培训费（元/人）"), max_digits=10, decimal_places=2, default=0)
    makeup_fee = models.DecimalField(_("补学费用（元/人）"), max_digits=10, decimal_places=2, default=0)
    exam_fee = models.DecimalField(_("补考费用（元/人）"), max_digits=10, decimal_places=2, default=0)
    refund_terms = models.TextField(_("退费流程"), blank=True)
    makeup_terms = models.TextField(_("补学补考安排"), blank=True)
    starts_on = models.DateField(_("计划开始日期"))
    ends_on = models.DateField(_("计划结束日期"))
    schedule = models.TextField(_("培训安排"), blank=True)
    evaluation_institution = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("商定的评价机构"),
    )
    exam_plan = models.TextField(_("考核计划和方案"), blank=True)
    teachers = models.ManyToManyField(Teacher, related_name="plans", blank=True, verbose_name=_("师资"))
    commitment = models.BooleanField(_("已作出承诺"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["institution", "status"]),
        ]
        verbose_name = _("培训计划")
        verbose_name_plural = _("培训计划")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def total_hours(self) -> int:
        return self.hours_online + self.hours_offline


class Trainee(TimeStamped):
    """A real-name trainee (学员, TRN-8, TRN-13): one person per ID number."""

    name = models.CharField(_("姓名"), max_length=64)
    id_number = EncryptedTextField(_("身份证号码"))
    id_index = models.CharField(max_length=64, unique=True, editable=False)
    phone = EncryptedTextField(_("手机号码"), blank=True)
    sex = models.CharField(_("性别"), max_length=1, choices=[("M", _("男")), ("F", _("女"))])
    birth_date = models.DateField(_("出生日期"))
    employer = models.CharField(_("工作单位"), max_length=200, blank=True)
    education = models.CharField(_("学历"), max_length=32, blank=True)
    category = models.CharField(_("人员类别"), max_length=32, blank=True)
    user = models.OneToOneField(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainee",
        verbose_name=_("平台账号"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("学员")
        verbose_name_plural = _("学员")

    def __str__(self) -> str:
        return self.name


class TrainingClass(TimeStamped):
    """A class (培训班) run under a filed plan; its announcement is public once published (TRN-3)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        ANNOUNCED = "announced", _("招生中")
        OPENING = "opening", _("开班待审")
        RUNNING = "running", _("培训中")
        COMPLETED = "completed", _("已结业")
        CANCELLED = "cancelled", _("已取消")

    number = models.CharField(_("班级编号"), max_length=32, unique=True)
    plan = models.ForeignKey(TrainingPlan, on_delete=models.PROTECT, related_name="classes")
    title = models.CharField(_("班级名称"), max_length=200)
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("培训地区")
    )
    venue = models.CharField(_("培训地点"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("招生人数"), default=0)
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    announcement = models.TextField(_("招生简章"), blank=True)
    exam_conditions = models.TextField(_("考核申报条件"), blank=True)
    announced_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    online_platform = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="online_classes",
        verbose_name=_("线上培训平台"),
        help_text=_("只接受该平台推送的本班线上学习记录（TRN-4）"),
    )
    # TRN-12 (合格证类): class-opening application decided by the city bureau
    opening_requested_at = models.DateTimeField(_("开班申请时间"), null=True, blank=True)
    opening_decided_at = models.DateTimeField(_("开班审核时间"), null=True, blank=True)
    opening_decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opening_note = models.TextField(_("开班审核意见"), blank=True)
    started_at = models.DateTimeField(_("开班时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("结业时间"), null=True, blank=True)
    cancelled_reason = models.TextField(_("取消原因"), blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "number"]
        indexes = [models.Index(fields=["region", "status"])]
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Enrolment(TimeStamped):
    """A trainee in a class (报名/入班)."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("在训")
        WITHDRAWN = "withdrawn", _("已退训")
        COMPLETED = "completed", _("已结业")
        FAILED = "failed", _("未通过结业考核")

    class Source(models.TextChoices):
        INSTITUTION = "institution", _("机构录入")
        IMPORT = "import", _("花名册导入")
        SELF = "self", _("本人报名")

    klass = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="enrolments")
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ENROLLED)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    # attendance totals kept by the attendance services (TRN-5), in minutes
    offline_minutes = models.PositiveIntegerField(_("线下学习（分钟）"), default=0)
    online_minutes = models.PositiveIntegerField(_("线上学习（分钟）"), default=0)
    exam_score = models.DecimalField(_("结业考核成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    completed_at = models.DateTimeField(_("结业时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("退训原因"), max_length=200, blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["trainee", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["klass", "trainee"],
                condition=~Q(status="withdrawn"),
                name="enrolment_once_per_class",
            )
        ]
        verbose_name = _("报名")
        verbose_name_plural = _("报名")

    def audit_region_code(self) -> str:
        """The audit stream of the row is its class's region."""
        return self.klass.region_id


class RosterImport(TimeStamped):
    """One upload of a roster file into a class (TRN-13): what was asked, how far it got, what it did.
    The rows are parsed by rules.roster; a per-row error report (xlsx, Chinese) is kept with it."""

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("全部正确才导入")
        VALID_ONLY = "valid", _("只导入正确的行")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        REFUSED = "refused", _("未导入（有错误）")
        FAILED = "failed", _("失败")

    klass = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="roster_imports")
    filename = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(_("文件内容"), editable=False)
    mode = models.CharField(_("导入方式"), max_length=8, choices=Mode.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_trainees = models.PositiveIntegerField(_("新建学员"), default=0)
    existing_trainees = models.PositiveIntegerField(_("已有学员"), default=0)
    enrolled = models.PositiveIntegerField(_("新入班"), default=0)
    already_enrolled = models.PositiveIntegerField(_("已在本班"), default=0)
    rejected_rows = models.PositiveIntegerField(_("错误行数"), default=0)
    errors = models.JSONField(_("错误明细（前若干条）"), default=list, blank=True)
    error_report = models.BinaryField(_("错误报告（xlsx）"), null=True, blank=True, editable=False)
    message = models.TextField(_("说明"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")

    def audit_region_code(self) -> str:
        """The audit stream of the row is its class's region."""
        return self.klass.region_id


class TrainingSession(TimeStamped):
    """One session (课次) of a class: offline in a room or online; offline sessions carry a QR token
    the trainee scans to check in (TRN-5)."""

    class Mode(models.TextChoices):
        OFFLINE = "offline", _("线下")
        ONLINE = "online", _("线上")

    klass = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="sessions")
    topic = models.CharField(_("课程内容"), max_length=200)
    mode = models.CharField(_("方式"), max_length=8, choices=Mode.choices, default=Mode.OFFLINE)
    kind = models.CharField(
        _("类别"), max_length=16, choices=[("theory", _("理论")), ("practice", _("实操"))], default="theory"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    teacher = models.ForeignKey(
        Teacher, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    qr_token = models.CharField(max_length=43, unique=True, editable=False)

    class Meta:
        ordering = ["klass", "starts_at"]
        indexes = [models.Index(fields=["klass", "starts_at"])]
        verbose_name = _("课次")
        verbose_name_plural = _("课次")

    def __str__(self) -> str:
        return f"{self.topic} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return max(0, int((self.ends_at - self.starts_at).total_seconds() // 60))


class Attendance(TimeStamped):
    """A trainee's offline attendance at one session: check-in and check-out, by whom and from which
    device (TRN-5). Minutes count only the part inside the session."""

    class Method(models.TextChoices):
        STAFF = "staff", _("工作人员登记")
        QR = "qr", _("学员扫码")

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="attendances")
    check_in_at = models.DateTimeField(_("签到时间"))
    check_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices)
    device = models.CharField(_("设备标识（摘要）"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    minutes = models.PositiveIntegerField(_("计入学时（分钟）"), default=0)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once_per_session")
        ]
        indexes = [models.Index(fields=["session", "device"])]
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")


class OnlineBatch(models.Model):
    """One batch of learning records pushed by an online platform (TRN-4): kept with its result so
    the same batch id sent again gets the same answer and changes nothing (idempotent)."""

    platform = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="+")
    batch_id = models.CharField(max_length=64)
    body_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    accepted = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "batch_id"], name="online_batch_once")]
        verbose_name = _("线上学习记录批次")
        verbose_name_plural = _("线上学习记录批次")

    def __str__(self) -> str:
        return self.batch_id


class OnlineRecord(models.Model):
    """One online learning record of a trainee in a class, as the platform reported it (TRN-4, TRN-5).
    `record_id` is the platform's own id: a record sent twice is stored once."""

    # Written a thousand at a time (ADR 0006), so what each row costs counts:
    # - no single-column indexes on platform and enrolment: the unique (platform, record_id) and the
    #   (enrolment, started_at) indexes lead with them;
    # - no database foreign-key constraints (a per-row trigger at commit, half of a batch's database
    #   time). The references hold by construction: the batch is inserted in the same transaction, the
    #   platform is the batch's own (whose foreign key is kept), and the enrolments are the rows the
    #   same transaction's minutes UPDATE locked and counted (services/online_bulk.add_minutes).
    #   on_delete=PROTECT is still enforced by the ORM, and enrolments are never deleted.
    platform = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    record_id = models.CharField(max_length=64)
    batch = models.ForeignKey(
        OnlineBatch, on_delete=models.PROTECT, related_name="records", db_constraint=False
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="online_records",
        db_index=False,
        db_constraint=False,
    )
    course = models.CharField(_("课程"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    minutes = models.PositiveIntegerField(_("学习时长（分钟）"))
    device = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "record_id"], name="online_record_once")]
        indexes = [models.Index(fields=["enrolment", "started_at"])]
        verbose_name = _("线上学习记录")
        verbose_name_plural = _("线上学习记录")

    def __str__(self) -> str:
        return self.record_id


class PlatformKey(TimeStamped):
    """The signing key of an online platform (HMAC-SHA256 over the request, TRN-4). The secret is
    encrypted at rest; `key_id` is sent with each request."""

    platform = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="signing_keys")
    key_id = models.CharField(max_length=32, unique=True)
    secret = EncryptedTextField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("平台签名密钥")
        verbose_name_plural = _("平台签名密钥")


class Anomaly(TimeStamped):
    """An attendance anomaly with its evidence (TRN-5): one person in overlapping classes, a check-in
    outside the session, one device checking in many trainees. An official or the institution
    explains or confirms it."""

    class Kind(models.TextChoices):
        OVERLAP = "overlap", _("同一学员同时段在多个班")
        OUTSIDE_SESSION = "outside_session", _("签到时间不在课次时间内")
        SHARED_DEVICE = "shared_device", _("同一设备为多名学员签到")

    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        EXPLAINED = "explained", _("已说明")
        CONFIRMED = "confirmed", _("确认异常")

    klass = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="anomalies")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=128, help_text="kind-specific identity, so one fact is flagged once")
    trainee = models.ForeignKey(
        Trainee, on_delete=models.PROTECT, null=True, blank=True, related_name="anomalies"
    )
    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, null=True, blank=True, related_name="anomalies"
    )
    evidence = models.JSONField(_("证据"), default=dict)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("处理说明"), blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="anomaly_once")]
        indexes = [models.Index(fields=["klass", "status"])]
        ordering = ["-created_at"]
        verbose_name = _("考勤异常")
        verbose_name_plural = _("考勤异常")

    def audit_region_code(self) -> str:
        """The audit stream of the row is its class's region."""
        return self.klass.region_id


class AnomalyScan(models.Model):
    """An online batch's records in one class, waiting to be checked for overlaps (TRN-5). Written in
    the batch's transaction; a task (`anomaly_scans_run`) checks every waiting batch of a class at once,
    outside the request where Celery has a broker, and deletes the rows it checked. Rows left waiting
    (a lost task) are checked by `peiyu tick`."""

    klass = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(OnlineBatch, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["klass", "batch"], name="anomaly_scan_once")]
        verbose_name = _("待检查的学习记录批次")
        verbose_name_plural = _("待检查的学习记录批次")

    def __str__(self) -> str:
        return f"{self.klass_id}/{self.batch_id}"


class Inspection(TimeStamped):
    """A supervision step of TRN-12 recorded by an official: the process inspection of a 合格证 class,
    the certificate check of a certificate or industry-led class."""

    class Kind(models.TextChoices):
        PROCESS = "process", _("过程检查")
        CERTIFICATE = "certificate", _("证书核验")

    class Result(models.TextChoices):
        PASSED = "passed", _("符合要求")
        ISSUES = "issues", _("发现问题")

    klass = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="inspections")
    kind = models.CharField(_("环节"), max_length=16, choices=Kind.choices)
    inspected_on = models.DateField(_("检查日期"))
    result = models.CharField(_("结论"), max_length=16, choices=Result.choices)
    findings = models.TextField(_("检查情况"), blank=True)
    inspector = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-inspected_on"]
        verbose_name = _("培训监管检查")
        verbose_name_plural = _("培训监管检查")

    def audit_region_code(self) -> str:
        """The audit stream of the row is its class's region."""
        return self.klass.region_id


class TrainingCertificate(TimeStamped):
    """A training certificate (培训合格证书, TRN-6) of the unified format, counting as that year's
    continuing-education hours (TRN-7). Public verification by number or QR token."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已撤销")

    number = models.CharField(_("证书编号"), max_length=32, unique=True)
    verify_token = models.CharField(max_length=43, unique=True, editable=False)
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="certificate")
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="training_certificates")
    institution = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField(_("姓名"), max_length=64)
    occupation_code = models.CharField(_("职业（工种）编码"), max_length=32)
    occupation_name = models.CharField(_("职业（工种）"), max_length=100)
    direction = models.CharField(_("职业方向"), max_length=100, blank=True)
    level = models.CharField(_("等级"), max_length=16)
    hours = models.PositiveIntegerField(_("培训学时"))
    ce_hours = models.PositiveIntegerField(_("计入继续教育学时"))
    ce_year = models.PositiveIntegerField(_("继续教育年度"))
    issued_on = models.DateField(_("发证日期"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.VALID)
    revoked_reason = models.TextField(_("撤销原因"), blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("培训合格证书")
        verbose_name_plural = _("培训合格证书")

    def __str__(self) -> str:
        return self.number

    def audit_region_code(self) -> str:
        """The audit stream of the certificate is its class's region."""
        return self.enrolment.klass.region_id


class TrainingReport(TimeStamped):
    """The trainee list and training report of a completed class, sent to the province and the city
    (TRN-6) within `training_report_days` where the profile sets it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待报送")
        SUBMITTED = "submitted", _("已报送")

    klass = models.OneToOneField(TrainingClass, on_delete=models.PROTECT, related_name="report")
    due_on = models.DateField(_("报送期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    summary = models.JSONField(_("培训情况"), default=dict)
    narrative = models.TextField(_("培训情况说明"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["status", "due_on"])]
        verbose_name = _("培训情况报告")
        verbose_name_plural = _("培训情况报告")

    def audit_region_code(self) -> str:
        """The audit stream of the row is its class's region."""
        return self.klass.region_id


class TraineeEvaluation(TimeStamped):
    """A trainee's evaluation of the training (学员评价, TRN-12), seen by the supervising bureau."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="evaluation")
    content = models.PositiveSmallIntegerField(_("培训内容"))
    teaching = models.PositiveSmallIntegerField(_("师资授课"))
    organisation = models.PositiveSmallIntegerField(_("组织管理"))
    overall = models.PositiveSmallIntegerField(_("总体满意度"))
    fees_as_published = models.BooleanField(_("收费与公布一致"), default=True)
    comment = models.TextField(_("意见建议"), blank=True)

    class Meta:
        verbose_name = _("学员评价")
        verbose_name_plural = _("学员评价")
