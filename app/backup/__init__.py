"""Backups: one encrypted archive of the database, the file store and the signing
material, restored and verified against its manifest (issue 14, item 9)."""
