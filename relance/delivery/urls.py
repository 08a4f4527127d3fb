from django.urls import path

from relance.delivery import views

app_name = "delivery"
urlpatterns = [
    path("messages/<int:pk>/content", views.message_content, name="message-content"),
    path("journal/<int:pk>/document", views.journal_document, name="journal-document"),
    path("runs/<int:pk>/letters", views.print_batch, name="print-batch"),
]
