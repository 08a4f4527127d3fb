"""Reminder templates and the dated rate table of the French late-payment penalties."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.ledger.models import Company


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")
    CALL = "call", _("Call script")


class SubjectMode(models.TextChoices):
    FIXED = "fixed", _("Fixed text")
    KEYWORDS = "keywords", _("Built from keywords")


SUBJECT_KEYWORDS = ("company", "customer", "level", "invoices", "total")


class Template(models.Model):
    """What one channel says at one level in one language. A blank level is the channel's
    default for every level that has no template of its own. Who signs and sends is the
    scenario level's choice (its sender and signature roles), not the template's."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="templates", verbose_name=_("company")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    level = models.PositiveSmallIntegerField(
        _("level"), null=True, blank=True, help_text=_("Blank: every level without its own.")
    )
    language = models.CharField(_("language"), max_length=10)
    subject_mode = models.CharField(
        _("subject"), max_length=10, choices=SubjectMode.choices, default=SubjectMode.FIXED
    )
    subject = models.CharField(_("subject text"), max_length=300, blank=True)
    subject_keywords = models.CharField(
        _("subject keywords"),
        max_length=100,
        blank=True,
        help_text=_("Comma-separated, in order: company, customer, level, invoices, total."),
    )
    body = models.TextField(_("body"))
    signature = models.TextField(_("signature"), blank=True)
    legal_mention = models.TextField(
        _("legal mention"),
        blank=True,
        help_text=_('For example "Ce message vaut mise en demeure" at the formal-notice level.'),
    )
    attach_invoices = models.BooleanField(
        _("attach the invoices"),
        default=True,
        help_text=_("Each invoice's stored PDF, or a generated statement where none is stored."),
    )
    attach_formal_notice = models.BooleanField(_("attach a formal notice letter"), default=False)
    max_length = models.PositiveSmallIntegerField(
        _("maximum length (characters)"),
        null=True,
        blank=True,
        help_text=_("SMS only: a longer message is refused when saved and when rendered."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("template")
        verbose_name_plural = _("templates")
        ordering = ["company", "channel", "level", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "channel", "level", "language"],
                name="template_once_per_level",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        level = self.level if self.level is not None else "*"
        return f"{self.get_channel_display()} N{level} [{self.language}]"


class PenaltyRate(models.Model):
    """The rates in force from a date (1 January or 1 July): the ECB main refinancing rate and
    the French legal interest rate for professional creditors. Data the supervisor updates each
    half-year, not constants in code."""

    valid_from = models.DateField(_("in force from"), unique=True)
    ecb_rate = models.DecimalField(_("ECB refinancing rate (%)"), max_digits=5, decimal_places=2)
    legal_rate = models.DecimalField(
        _("legal interest rate, professional creditors (%)"), max_digits=5, decimal_places=2
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("penalty rate")
        verbose_name_plural = _("penalty rates")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from}: ECB {self.ecb_rate} %, legal {self.legal_rate} %"

    def clean(self) -> None:
        from relance.content.penalties import valid_from_error

        error = valid_from_error(self.valid_from) if self.valid_from else None
        if error:
            raise ValidationError({"valid_from": error})
