from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from relance.accounts.language import set_language
from relance.web.urls import account_urls

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("relance.web.urls")),
    path("account/", include(account_urls)),
    path("admin/", admin.site.urls),
    # Before Django's i18n URLs: the same switch, remembered on the user's account.
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("webhooks/anymail/", include("anymail.urls")),
    path("documents/", include("relance.delivery.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

admin.site.site_header = _("relance – dunning")
admin.site.site_title = "relance"
admin.site.index_title = _("Set-up and data")
admin.site.enable_nav_sidebar = False
