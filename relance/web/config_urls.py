"""The back-office's config screens' routes, added to ``relance.web.urls`` (namespace ``web``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from relance.web import config_views

# "new" and "recompute" stay out of the code paths: a scenario or group may be coded so.
urlpatterns: list[URLPattern] = [
    path("config/", config_views.config_index, name="config"),
    path("config/scenarios/", config_views.scenario_list, name="config-scenarios"),
    path("config/new/scenario/", config_views.scenario_edit, name="config-scenario-new"),
    path("config/scenarios/<slug:code>/", config_views.scenario_edit, name="config-scenario"),
    path(
        "config/scenarios/<slug:code>/delete/",
        config_views.scenario_delete,
        name="config-scenario-delete",
    ),
    path("config/groups/", config_views.group_list, name="config-groups"),
    path("config/new/group/", config_views.group_edit, name="config-group-new"),
    path("config/recompute-groups/", config_views.groups_recompute, name="config-groups-recompute"),
    path("config/groups/<slug:code>/", config_views.group_edit, name="config-group"),
    path(
        "config/groups/<slug:code>/delete/", config_views.group_delete, name="config-group-delete"
    ),
    path("config/company/", config_views.company_settings, name="config-company"),
]
