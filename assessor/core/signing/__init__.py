"""Keys and signatures over bytes: the commission's CA, assessor keys, the JSON signature
envelope and PAdES PDF signatures. Nothing here knows what an assessment document is; the
document layer (`assessor.core.document`) decides what is signed and checks the content.

- `keys`: create the CA, issue assessor keys (PKCS#12), open them for signing.
- `training`: the built-in, deliberately public training key and how its chain is recognised.
- `json_envelope`: a detached CMS over canonical bytes, with the signer and chain beside it.
- `pdf_signature`: a visible PAdES signature appended to the PDF report.
- `verification`: the shared result of verifying either file and the trust roots it uses.

Modules are imported directly (never re-exported here) so that commands which do not sign pay
nothing for importing pyHanko (about a second). pyHanko is asynchronous; signing and verifying run
it with `asyncio.run`, so call them from a thread that has no running event loop (a worker thread
in the GUI).
"""

CA_DAYS = 3650
"""Default validity of the commission's CA certificate (10 years)."""

ASSESSOR_DAYS = 1095
"""Default validity of an assessor certificate (3 years)."""
