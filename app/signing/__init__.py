"""Signatures: a demo PKI, signers (PKCS#12, PKCS#11 token, external), detached CMS
over canonical content, and signed PDF exports — with their verifiers.

No database here: the approval and export code decide who signs what and store the
results. See docs/signing.md.
"""
