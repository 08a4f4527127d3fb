"""Import of customers, invoices and payments from CSV and XLSX files (all-or-nothing)."""
