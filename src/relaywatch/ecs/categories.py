"""The `security_standard` categorisation table: event.code -> category, type, action.

Transcribed from the "Set ECS categorization fields" script of elastic/integrations
`packages/windows/_dev/shared/ingest_pipeline/security_standard.yml` (read at
0061d8d4; the table is unchanged in 43d255cf). Every code the pipeline knows is here,
as data; `normalize` copies the lists so that documents never share them.
"""

from __future__ import annotations

from typing import NamedTuple


class Categorization(NamedTuple):
    category: tuple[str, ...]
    type: tuple[str, ...]
    action: str


def _c(category: str, type_: str, action: str) -> Categorization:
    return Categorization(tuple(category.split()), tuple(type_.split()), action)


_IAM_CONF = "iam configuration"
_GROUP_CHANGE = "group change"

CATEGORIZATION: dict[str, Categorization] = {
    "1100": _c("process", "end", "logging-service-shutdown"),
    "1102": _c("iam", "admin change", "audit-log-cleared"),
    "1104": _c("iam", "admin", "logging-full"),
    "1105": _c("iam", "admin", "auditlog-archieved"),
    "1108": _c("iam", "admin", "logging-processing-error"),
    "4610": _c("configuration", "access", "authentication-package-loaded"),
    "4611": _c("configuration", "change", "trusted-logon-process-registered"),
    "4614": _c("configuration", "access", "notification-package-loaded"),
    "4616": _c("configuration", "change", "system-time-changed"),
    "4622": _c("configuration", "access", "security-package-loaded"),
    "4624": _c("authentication", "start", "logged-in"),
    "4625": _c("authentication", "start", "logon-failed"),
    "4634": _c("authentication", "end", "logged-out"),
    "4647": _c("authentication", "end", "logged-out"),
    "4648": _c("authentication", "start", "logged-in-explicit"),
    "4657": _c("registry configuration", "change", "registry-value-modified"),
    "4662": _c(_IAM_CONF, "admin change", "object-operation-performed"),
    "4670": _c(_IAM_CONF, "admin change", "permissions-changed"),
    "4672": _c("iam", "admin", "logged-in-special"),
    "4673": _c("iam", "admin", "privileged-service-called"),
    "4674": _c("iam", "admin", "privileged-operation"),
    "4688": _c("process", "start", "created-process"),
    "4689": _c("process", "end", "exited-process"),
    "4697": _c(_IAM_CONF, "admin change", "service-installed"),
    "4698": _c(_IAM_CONF, "creation admin", "scheduled-task-created"),
    "4699": _c(_IAM_CONF, "deletion admin", "scheduled-task-deleted"),
    "4700": _c(_IAM_CONF, "change admin", "scheduled-task-enabled"),
    "4701": _c(_IAM_CONF, "change admin", "scheduled-task-disabled"),
    "4702": _c(_IAM_CONF, "change admin", "scheduled-task-updated"),
    "4706": _c("configuration", "creation", "domain-trust-added"),
    "4707": _c("configuration", "deletion", "domain-trust-removed"),
    "4713": _c("configuration", "change", "kerberos-policy-changed"),
    "4714": _c("configuration", "change", "encrypted-data-recovery-policy-changed"),
    "4715": _c("configuration", "change", "object-audit-policy-changed"),
    "4716": _c("configuration", "change", "trusted-domain-information-changed"),
    "4717": _c(_IAM_CONF, "admin change", "system-security-access-granted"),
    "4718": _c(_IAM_CONF, "admin deletion", "system-security-access-removed"),
    "4719": _c(_IAM_CONF, "admin change", "changed-audit-config"),
    "4720": _c("iam", "user creation", "added-user-account"),
    "4722": _c("iam", "user change", "enabled-user-account"),
    "4723": _c("iam", "user change", "changed-password"),
    "4724": _c("iam", "user change", "reset-password"),
    "4725": _c("iam", "user deletion", "disabled-user-account"),
    "4726": _c("iam", "user deletion", "deleted-user-account"),
    "4727": _c("iam", "group creation", "added-group-account"),
    "4728": _c("iam", _GROUP_CHANGE, "added-member-to-group"),
    "4729": _c("iam", _GROUP_CHANGE, "removed-member-from-group"),
    "4730": _c("iam", "group deletion", "deleted-group-account"),
    "4731": _c("iam", "group creation", "added-group-account"),
    "4732": _c("iam", _GROUP_CHANGE, "added-member-to-group"),
    "4733": _c("iam", _GROUP_CHANGE, "removed-member-from-group"),
    "4734": _c("iam", "group deletion", "deleted-group-account"),
    "4735": _c("iam", _GROUP_CHANGE, "modified-group-account"),
    "4737": _c("iam", _GROUP_CHANGE, "modified-group-account"),
    "4738": _c("iam", "user change", "modified-user-account"),
    "4739": _c("configuration", "change", "domain-policy-changed"),
    "4740": _c("iam", "user change", "locked-out-user-account"),
    "4741": _c("iam", "creation admin", "added-computer-account"),
    "4742": _c("iam", "change admin", "changed-computer-account"),
    "4743": _c("iam", "deletion admin", "deleted-computer-account"),
    "4744": _c("iam", "group creation", "added-distribution-group-account"),
    "4745": _c("iam", _GROUP_CHANGE, "changed-distribution-group-account"),
    "4746": _c("iam", _GROUP_CHANGE, "added-member-to-distribution-group"),
    "4747": _c("iam", _GROUP_CHANGE, "removed-member-from-distribution-group"),
    "4748": _c("iam", "group deletion", "deleted-distribution-group-account"),
    "4749": _c("iam", "group creation", "added-distribution-group-account"),
    "4750": _c("iam", _GROUP_CHANGE, "changed-distribution-group-account"),
    "4751": _c("iam", _GROUP_CHANGE, "added-member-to-distribution-group"),
    "4752": _c("iam", _GROUP_CHANGE, "removed-member-from-distribution-group"),
    "4753": _c("iam", "group deletion", "deleted-distribution-group-account"),
    "4754": _c("iam", "group creation", "added-group-account"),
    "4755": _c("iam", _GROUP_CHANGE, "modified-group-account"),
    "4756": _c("iam", _GROUP_CHANGE, "added-member-to-group"),
    "4757": _c("iam", _GROUP_CHANGE, "removed-member-from-group"),
    "4758": _c("iam", "group deletion", "deleted-group-account"),
    "4759": _c("iam", "group creation", "added-distribution-group-account"),
    "4760": _c("iam", _GROUP_CHANGE, "changed-distribution-group-account"),
    "4761": _c("iam", _GROUP_CHANGE, "added-member-to-distribution-group"),
    "4762": _c("iam", _GROUP_CHANGE, "removed-member-from-distribution-group"),
    "4763": _c("iam", "group deletion", "deleted-distribution-group-account"),
    "4764": _c("iam", _GROUP_CHANGE, "type-changed-group-account"),
    "4767": _c("iam", "user change", "unlocked-user-account"),
    "4768": _c("authentication", "start", "kerberos-authentication-ticket-requested"),
    "4769": _c("authentication", "start", "kerberos-service-ticket-requested"),
    "4770": _c("authentication", "start", "kerberos-service-ticket-renewed"),
    "4771": _c("authentication", "start", "kerberos-preauth-failed"),
    "4776": _c("authentication", "start", "credential-validated"),
    "4778": _c("authentication session", "start", "session-reconnected"),
    "4779": _c("authentication session", "end", "session-disconnected"),
    "4781": _c("iam", "user change", "renamed-user-account"),
    "4797": _c("iam", "user info", "query-existence-of-blank-password"),
    "4798": _c("iam", "user info", "group-membership-enumerated"),
    "4799": _c("iam", "group info", "user-member-enumerated"),
    "4817": _c(_IAM_CONF, "admin change", "object-audit-changed"),
    "4902": _c(_IAM_CONF, "admin creation", "user-audit-policy-created"),
    "4904": _c(_IAM_CONF, "admin change", "security-event-source-added"),
    "4905": _c(_IAM_CONF, "admin deletion", "security-event-source-removed"),
    "4906": _c(_IAM_CONF, "admin change", "crash-on-audit-changed"),
    "4907": _c(_IAM_CONF, "admin change", "audit-setting-changed"),
    "4908": _c(_IAM_CONF, "admin change", "special-group-table-changed"),
    "4912": _c(_IAM_CONF, "admin change", "per-user-audit-policy-changed"),
    "4950": _c("configuration", "change", "windows-firewall-setting-changed"),
    "4954": _c("configuration", "change", "windows-firewall-group-policy-changed"),
    "4964": _c("iam", "admin group", "logged-in-special"),
    "5024": _c("process", "start", "windows-firewall-service-started"),
    "5025": _c("process", "end", "windows-firewall-service-stopped"),
    "5033": _c("driver", "start", "windows-firewall-driver-started"),
    "5034": _c("driver", "end", "windows-firewall-driver-stopped"),
    "5037": _c("driver", "end", "windows-firewall-driver-error"),
    "5136": _c(_IAM_CONF, "admin change", "directory-service-object-modified"),
    "5137": _c(_IAM_CONF, "admin creation", "directory-service-object-created"),
    "5140": _c("network file", "info access", "network-share-object-accessed"),
    "5141": _c(_IAM_CONF, "admin deletion", "directory-service-object-deleted"),
    "5145": _c("network file", "info access", "network-share-object-access-checked"),
    "5152": _c("network", "connection info denied", "windows-firewall-packet-drop"),
    "5156": _c("network", "connection info allowed", "windows-firewall-connection"),
    "5157": _c("network", "connection info denied", "windows-firewall-packet-block"),
    "5158": _c("network", "info", "windows-firewall-bind-local-port"),
    "5379": _c("iam", "user info", "credential-manager-credentials-were-read"),
    "5380": _c("iam", "user info", "vault-credential-find"),
    "5381": _c("iam", "user info", "vault-credentials-were-read"),
    "5382": _c("iam", "user info", "vault-credentials-were-read"),
}


def codes_in_categories(categories: frozenset[str]) -> frozenset[str]:
    """The codes this table files under any of `categories`: the only Security events
    that conversion can give one of them."""
    return frozenset(
        code for code, found in CATEGORIZATION.items() if not categories.isdisjoint(found.category)
    )
