"""PDF documents attached to reminder e-mails: the formal notice letter and the account
statement that stands in for invoices whose PDF is not stored."""

from relance.channels.documents.formal_notice import formal_notice_pdf
from relance.channels.documents.statement import statement_pdf

__all__ = ["formal_notice_pdf", "statement_pdf"]
