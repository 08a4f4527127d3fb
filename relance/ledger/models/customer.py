from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.ledger import validators
from relance.ledger.models.company import Company
from relance.ledger.models.fields import PostalAddress


class CustomerKind(models.TextChoices):
    # French law treats businesses and consumers differently (recovery indemnity, penalties).
    COMPANY = "company", _("Company (B2B)")
    PERSON = "person", _("Person (B2C)")


class Customer(PostalAddress):
    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="customers",
        verbose_name=_("company"),
        db_index=False,  # covered by the (company, code) unique index
    )
    code = models.CharField(
        _("code"), max_length=50, help_text=_("The customer's account number in the ERP.")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CustomerKind.choices, default=CustomerKind.COMPANY
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("Language of the reminders; blank means the company's default."),
    )
    segment = models.CharField(_("segment"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, help_text=_("Stored in E.164 form.")
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="collected_customers",
        verbose_name=_("collector"),
    )
    dunning_enabled = models.BooleanField(_("dunning enabled"), default=True)
    blocked_until = models.DateField(_("blocked until"), null=True, blank=True)
    blocked_reason = models.CharField(_("reason for blocking"), max_length=200, blank=True)
    objection_email = models.BooleanField(_("objects to e-mails"), default=False)
    objection_sms = models.BooleanField(_("objects to SMS"), default=False)
    objection_letter = models.BooleanField(_("objects to letters"), default=False)
    objection_phone = models.BooleanField(_("objects to phone calls"), default=False)
    # The scenario is referenced by its code, as in the customers file; the dunning engine
    # resolves it against the company's scenarios when it plans a run.
    scenario_code = models.CharField(
        _("scenario"),
        max_length=50,
        blank=True,
        help_text=_("Code of the dunning scenario this customer follows; blank for automatic."),
    )
    extra_delay = models.PositiveSmallIntegerField(
        _("extra delay (days)"),
        default=0,
        help_text=_("Days added to every dunning window for this customer."),
    )
    # The dunning marker: the highest level reached among the customer's open invoices,
    # kept up to date by every reminder, payment and import so lists can filter on it.
    marker = models.PositiveSmallIntegerField(_("dunning marker"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["company", "code"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="customer_code_per_company"),
        ]
        indexes = [models.Index(fields=["company", "name"], name="customer_name")]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        for field, normalize in (
            ("country", validators.normalize_country),
            ("language", validators.normalize_language),
        ):
            value = getattr(self, field)
            if value:
                try:
                    setattr(self, field, normalize(value))
                except ValidationError as exc:
                    errors[field] = exc
        # A phone written the local way is read in the customer's country, so it can only be
        # checked once the country is known to be valid.
        if self.phone and "country" not in errors:
            try:
                self.phone = validators.normalize_phone(self.phone, self.country or "FR")
            except ValidationError as exc:
                errors["phone"] = exc
        if errors:
            raise ValidationError(errors)


class ContactRole(models.TextChoices):
    MAIN = "main", _("Main")
    BILLING = "billing", _("Billing")
    ACCOUNTING = "accounting", _("Accounting")


class Contact(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role"), max_length=20, choices=ContactRole.choices, default=ContactRole.BILLING
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    receives_reminders = models.BooleanField(_("receives reminders"), default=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer", "role", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.phone:
            region = self.customer.country if self.customer_id else "FR"
            try:
                self.phone = validators.normalize_phone(self.phone, region or "FR")
            except ValidationError as exc:
                raise ValidationError({"phone": exc}) from exc
