from email import message_from_bytes

from django.core.mail import EmailMultiAlternatives, get_connection


def test_each_message_lands_as_one_eml_file_in_the_outbox(tmp_path):
    connection = get_connection("relance.mail.backends.EmlFileBackend", file_path=str(tmp_path))
    message = EmailMultiAlternatives(
        "Relance facture FA-1",
        "Bonjour",
        "compta@example.com",
        ["client@example.com"],
        connection=connection,
    )
    message.attach_alternative("<p>Bonjour</p>", "text/html")
    assert message.send() == 1
    assert (
        EmailMultiAlternatives("Autre", "x", to=["b@example.com"], connection=connection).send()
        == 1
    )
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    assert not list(tmp_path.glob("*.part"))
    parsed = message_from_bytes(
        files[0].read_bytes() if "FA-1" in files[0].read_text() else files[1].read_bytes()
    )
    assert parsed["Subject"] == "Relance facture FA-1"
    assert parsed["To"] == "client@example.com"
    assert parsed.get_content_type() == "multipart/alternative"


def test_a_message_without_recipients_is_not_written(tmp_path):
    connection = get_connection("relance.mail.backends.EmlFileBackend", file_path=str(tmp_path))
    assert EmailMultiAlternatives("x", "y", connection=connection).send() == 0
    assert not list(tmp_path.iterdir())
