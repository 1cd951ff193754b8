"""Exploitation of the database (issue 18; Điều 3.13 ĐN): the facts reports and search
read, kept as typed, indexed columns beside the records."""
