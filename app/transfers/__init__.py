"""Transfers: a person moved within the unit, between units of the province, out of it or
into it, or seconded; each a tracked case with its decision, scan, effective date and steps."""
