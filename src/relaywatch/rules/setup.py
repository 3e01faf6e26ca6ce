"""Setup requirements: which Windows audit policies a rule's setup text asks for.

The table maps each advanced audit policy subcategory to the Security event ids it produces
(Microsoft's "Advanced security audit policy settings" reference). A rule's requirement keeps
only the ids its query mentions, so coverage can say "no 5145 events: Audit Detailed File
Share is probably not enabled" instead of reporting a clean run on data that cannot match.
"""

from __future__ import annotations

import re

from relaywatch.rules.model import Location, SetupRequirement

AUDIT_POLICIES: dict[str, tuple[str, ...]] = {
    "Audit Credential Validation": ("4774", "4775", "4776", "4777"),
    "Audit Kerberos Authentication Service": ("4768", "4771", "4772"),
    "Audit Kerberos Service Ticket Operations": ("4769", "4770", "4773"),
    "Audit Computer Account Management": ("4741", "4742", "4743"),
    "Audit Security Group Management": (
        "4727", "4728", "4729", "4730", "4731", "4732", "4733", "4734", "4735", "4737",
        "4754", "4755", "4756", "4757", "4758", "4764", "4799",
    ),
    "Audit User Account Management": (
        "4720", "4722", "4723", "4724", "4725", "4726", "4738", "4740", "4765", "4766",
        "4767", "4780", "4781", "4794", "5376", "5377",
    ),
    "Audit Process Creation": ("4688", "4696"),
    "Audit Process Termination": ("4689",),
    "Audit Directory Service Access": ("4661", "4662"),
    "Audit Directory Service Changes": ("5136", "5137", "5138", "5139", "5141"),
    "Audit Logon": ("4624", "4625", "4648", "4675"),
    "Audit Logoff": ("4634", "4647"),
    "Audit Special Logon": ("4672", "4964"),
    "Audit Other Logon/Logoff Events": (
        "4649", "4778", "4779", "4800", "4801", "4802", "4803", "5378", "5632", "5633",
    ),
    "Audit Detailed File Share": ("5145",),
    "Audit File Share": ("5140", "5142", "5143", "5144", "5168"),
    "Audit File System": ("4656", "4658", "4660", "4663", "4664", "4670", "4985", "5051"),
    "Audit Registry": ("4656", "4657", "4658", "4660", "4663", "4670", "5039"),
    "Audit Other Object Access Events": (
        "4671", "4691", "4698", "4699", "4700", "4701", "4702", "5148", "5149", "5888",
        "5889", "5890",
    ),
    "Audit Filtering Platform Connection": (
        "5031", "5150", "5151", "5154", "5155", "5156", "5157", "5158", "5159",
    ),
    "Audit Security System Extension": ("4610", "4611", "4614", "4622", "4697"),
    "Audit Sensitive Privilege Use": ("4673", "4674", "4985"),
    "Audit Audit Policy Change": (
        "4715", "4719", "4817", "4902", "4904", "4905", "4906", "4907", "4908", "4912",
    ),
    "Audit Authentication Policy Change": (
        "4706", "4707", "4713", "4716", "4717", "4718", "4739", "4864", "4865", "4866",
        "4867",
    ),
    "Audit Authorization Policy Change": ("4703", "4704", "4705", "4670", "4911", "4913"),
    "Audit Token Right Adjusted": ("4703",),
}  # fmt: skip

_BY_LOWER = {name.lower(): name for name in AUDIT_POLICIES}
# Longest names first, so that where one policy name starts another the longer one wins.
_POLICY = re.compile(
    "|".join(re.escape(name) for name in sorted(AUDIT_POLICIES, key=len, reverse=True)),
    re.IGNORECASE,
)
_LINK_AFTER = re.compile(r"\]\((https?://[^)\s]+)\)")
_QUOTED_CODE = re.compile(r"""["'](\d{4})["']""")


def query_event_codes(query: str) -> frozenset[str]:
    """Four-digit quoted literals in a query: the event codes it can match on."""
    return frozenset(_QUOTED_CODE.findall(query))


def audit_requirements(setup: str, query: str, where: Location) -> tuple[SetupRequirement, ...]:
    """The audit policies named in `setup`, each with the query's event codes it produces.

    `where` is the line of the setup text's first line; each requirement points at its own line.
    """
    codes = query_event_codes(query)
    found: dict[str, SetupRequirement] = {}
    for offset, line in enumerate(setup.splitlines()):
        for match in _POLICY.finditer(line):
            name = _BY_LOWER[match.group(0).lower()]
            if name in found:
                continue
            link = _LINK_AFTER.match(line, match.end())
            produced = tuple(code for code in AUDIT_POLICIES[name] if code in codes)
            location = where.at(where.line + offset) if where.line else where
            found[name] = SetupRequirement(
                "audit_policy", name, produced, location, link.group(1) if link else ""
            )
    return tuple(found.values())
