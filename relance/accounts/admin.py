"""Giving a user access: their companies on the user's admin page, their role as a group."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from relance.accounts.models import Membership, Preference


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


class PreferenceInline(admin.StackedInline):
    model = Preference
    can_delete = False


class UserWithCompaniesAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, MembershipInline, PreferenceInline]


admin.site.unregister(User)
admin.site.register(User, UserWithCompaniesAdmin)
