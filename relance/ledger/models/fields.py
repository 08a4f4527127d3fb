"""Field definitions shared by the ledger models."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


def money(verbose_name: Any, **kwargs: Any) -> models.DecimalField[Any, Any]:
    """Amount in a currency's unit, two decimal places, up to a trillion."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(verbose_name, max_digits=15, decimal_places=2, **kwargs)


def acting_user(verbose_name: Any, **kwargs: Any) -> models.ForeignKey[Any, Any]:
    """The user who did something; empty when the system acted, kept when the user goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        **kwargs,
    )


def currency(**kwargs: Any) -> models.CharField[Any, Any]:
    return models.CharField(_("currency"), max_length=3, default="EUR", **kwargs)


class PostalAddress(models.Model):
    """Postal address columns, laid out as a French envelope window expects them."""

    address_line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FR")

    class Meta:
        abstract = True
