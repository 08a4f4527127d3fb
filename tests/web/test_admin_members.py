import pytest
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_users_companies_are_given_on_the_users_admin_page(admin_client, world):
    user = User.objects.get(username="nora")
    page = admin_client.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert page.status_code == 200
    assert "membership" in page.content.decode().lower()
