from relance.ledger.models.company import Company
from relance.ledger.models.customer import Contact, Customer
from relance.ledger.models.invoice import Invoice
from relance.ledger.models.payment import Allocation, Payment

__all__ = ["Allocation", "Company", "Contact", "Customer", "Invoice", "Payment"]
