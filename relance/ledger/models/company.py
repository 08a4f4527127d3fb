from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.ledger import validators
from relance.ledger.models.fields import PostalAddress


class LegalBasis(models.TextChoices):
    CONTRACT = "contract", _("Performance of a contract")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")


class Company(PostalAddress):
    """A legal entity whose receivables are chased; all ledger data hangs off one."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    default_language = models.CharField(_("default language"), max_length=10, default="fr")
    default_currency = models.CharField(_("default currency"), max_length=3, default="EUR")
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    sender_email = models.EmailField(_("sender e-mail"), blank=True)
    sender_address = models.TextField(_("sender postal address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)
    # Who signs the reminders of each tone: the level's template names a role, and the role
    # maps to a person here (the account manager is the customer's collector).
    head_of_accounts = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("head of accounts"),
    )
    legal_department = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal department"),
    )
    payment_link = models.CharField(
        _("payment link"),
        max_length=500,
        blank=True,
        help_text=_(
            "Optional URL to pay online; {amount}, {currency}, {reference} and {customer} are "
            "replaced in each reminder."
        ),
    )
    # French penalties (Code de commerce L441-10): blank rate = ECB refinancing rate + 10
    # points, from the dated rate table.
    late_interest_rate = models.DecimalField(
        _("contractual late-payment interest rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Blank: the ECB refinancing rate + 10 points. It may not be below three times the "
            "legal interest rate."
        ),
    )
    recovery_indemnity = models.DecimalField(
        _("fixed recovery indemnity per invoice"),
        max_digits=15,
        decimal_places=2,
        default=Decimal("40.00"),
        help_text=_("Charged to business customers only, never to consumers."),
    )
    # GDPR: every journal entry records why it may be kept and until when.
    legal_basis = models.CharField(
        _("legal basis of the dunning journal"),
        max_length=20,
        choices=LegalBasis.choices,
        default=LegalBasis.CONTRACT,
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention (years)"),
        default=3,
        help_text=_("How long reminders and their journal entries are kept before anonymisation."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.code})"

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # Normalise first: "732 829 320" is a valid SIREN once compacted, and the field's
        # length check must see the compact form.
        errors: dict[str, list[ValidationError]] = {}
        for field, normalize in NORMALIZERS.items():
            value = getattr(self, field)
            if not value or (exclude and field in exclude):
                continue
            try:
                setattr(self, field, normalize(value))
            except ValidationError as exc:
                errors[field] = [exc]
        try:
            super().clean_fields(exclude=[*(exclude or []), *errors])
        except ValidationError as exc:
            errors.update(exc.error_dict)
        if errors:
            raise ValidationError(errors)

    def clean(self) -> None:
        # Imported here: the content app's models depend on this one.
        from relance.content.penalties import penalty_terms_errors

        errors: dict[str, ValidationError] = {}
        if self.siren and self.siret and not self.siret.startswith(self.siren):
            errors["siret"] = ValidationError(_("The SIRET must start with the company's SIREN."))
        errors.update(penalty_terms_errors(self.late_interest_rate, self.recovery_indemnity))
        if errors:
            raise ValidationError(errors)


NORMALIZERS = {
    "siren": validators.normalize_siren,
    "siret": validators.normalize_siret,
    "vat_number": validators.normalize_vat,
    "iban": validators.normalize_iban,
    "bic": validators.normalize_bic,
    "country": validators.normalize_country,
    "default_language": validators.normalize_language,
    "default_currency": validators.normalize_currency,
}
