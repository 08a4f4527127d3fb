from django.contrib.auth import views as auth
from django.urls import path

from relance.web import (
    config_urls,
    customer_actions,
    customer_urls,
    journal,
    run_urls,
    runs,
    templates_views,
    todo,
    views,
)

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("customers/", views.customers, name="customers"),
    path("customers/<str:code>/", views.customer, name="customer"),
    path("customers/<str:code>/act/", customer_actions.customer_action, name="customer-action"),
    path("company/", views.switch_company, name="switch-company"),
    path("runs/", runs.run_list, name="runs"),
    path("runs/<int:pk>/", runs.run_detail, name="run"),
    path("runs/<int:pk>/decide/", runs.run_decide, name="run-decide"),
    path("todo/", todo.todo_list, name="todo"),
    path("todo/<int:pk>/", todo.task_detail, name="task"),
    path("todo/<int:pk>/close/", todo.task_close, name="task-close"),
    path("journal/", journal.journal, name="journal"),
    path("templates/", templates_views.template_list, name="templates"),
    path("templates/<int:pk>/", templates_views.template_edit, name="template"),
    path("templates/<int:pk>/preview/", templates_views.template_preview, name="template-preview"),
]
urlpatterns += customer_urls.urlpatterns + run_urls.urlpatterns + config_urls.urlpatterns

# Logging in and out, and resetting a forgotten password by e-mail (Django's views, our pages).
account_urls = [
    path("login/", auth.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
