"""A platform team's cdktf app in Python, written only against the published wheel.

It reads the reference app's configuration format (stacks/config.ts, ``PLATFORM_CONFIG``; the
Cloud Run environments) and wires the five constructs the way the reference stack does:
SecureSecrets -> MultiRegionDb -> ScalableWebhook -> DrBackup -> SloAlerting.

``app.ts`` beside this file is the same app in TypeScript, statement for statement; the Python
packaging test synthesizes both from one configuration and requires the same Terraform JSON.
Keep the two in step.

Run it as a team would: ``cdktf synth`` with ``"app": "python app.py"`` in cdktf.json, in a
virtual environment holding the wheel and its PyPI dependencies (requirements.txt).
"""

import json
import os

import jsii
from cdktf import App, IResolveContext, IStringProducer, Lazy, LocalBackend
from cdktf_cdktf_provider_google.compute_firewall import ComputeFirewall, ComputeFirewallDeny, ComputeFirewallLogConfig
from cdktf_cdktf_provider_google.compute_network import ComputeNetwork
from cdktf_cdktf_provider_google.compute_subnetwork import ComputeSubnetwork, ComputeSubnetworkLogConfig
from cdktf_cdktf_provider_google.data_google_project import DataGoogleProject
from cdktf_cdktf_provider_google.monitoring_notification_channel import MonitoringNotificationChannel

from convai_platform_cdktf_gcp import (
    DrBackup,
    Duration,
    Grantee,
    MultiRegionDb,
    PlatformStack,
    ScalableWebhook,
    SecretEnvVar,
    SecureSecrets,
    SloAlerting,
    SloTarget,
)

# Where the backup bucket's key lives: the KMS multi-region of DrBackup's default dual-region.
BACKUP_KEY_LOCATION = "us"


def email_channels(stack, env, prefix, emails):
    return [
        MonitoringNotificationChannel(
            stack,
            f"{prefix}-{i}",
            display_name=f"{env['name']} {prefix}: {email}",
            type="email",
            labels={"email_address": email},
        ).id
        for i, email in enumerate(emails)
    ]


@jsii.implements(IStringProducer)
class DatabaseUrl:
    """The database URL names the webhook's service account, which exists only once the webhook does."""

    def __init__(self, database):
        self.database = database
        self.webhook = None

    def produce(self, context: IResolveContext) -> str:
        return self.database.database_url(self.webhook.service_account.email)


def platform_stack(app, env):
    alerting = env.get("alerting") or {}
    stack = PlatformStack(
        app,
        env["name"],
        project_id=env["projectId"],
        environment=env["environment"],
        regions=env["regions"],
        team=env["team"],
        cost_center=env["costCenter"],
    )
    LocalBackend(stack, path=f"terraform.{env['name']}.tfstate")

    # Keys first: every construct that stores data takes them.
    secrets = SecureSecrets(stack, "secrets", name="convai", regions=[*env["regions"], BACKUP_KEY_LOCATION])

    # The VPC for the database's private IPs and Cloud Run's Direct VPC egress (as stacks/platform-network.ts).
    network = ComputeNetwork(
        stack,
        "network",
        name=f"convai-{env['name']}",
        description="Private network of the conversational platform (database private IPs, webhook egress).",
        auto_create_subnetworks=False,
        routing_mode="GLOBAL",
    )
    ComputeFirewall(
        stack,
        "deny-all-ingress",
        name=f"convai-{env['name']}-deny-all-ingress",
        network=network.id,
        direction="INGRESS",
        priority=65534,
        deny=[ComputeFirewallDeny(protocol="all")],
        source_ranges=["0.0.0.0/0"],
        log_config=ComputeFirewallLogConfig(metadata="INCLUDE_ALL_METADATA"),
    )
    subnets = [
        ComputeSubnetwork(
            stack,
            f"subnet-{region}",
            name=f"convai-{env['name']}-{region}",
            region=region,
            network=network.id,
            ip_cidr_range=f"10.8.{i * 16}.0/20",
            private_ip_google_access=True,
            log_config=ComputeSubnetworkLogConfig(
                aggregation_interval="INTERVAL_5_SEC", flow_sampling=0.5, metadata="INCLUDE_ALL_METADATA"
            ),
        )
        for i, region in enumerate(env["regions"])
    ]

    # Pages to on-call, tickets to the team.
    page_channels = email_channels(stack, env, "page-channel", alerting.get("pageEmails", []))
    ticket_channels = (
        email_channels(stack, env, "ticket-channel", alerting["ticketEmails"]) if alerting.get("ticketEmails") else None
    )
    channels = {"page_channels": page_channels or None, "ticket_channels": ticket_channels}

    database = MultiRegionDb(stack, "database", name="convai-db", network=network.id, encryption_keys=secrets)

    shared_secret = secrets.add_secret("webhook-shared-secret", annotations={"purpose": "webhook-shared-secret-auth"})
    database_url = DatabaseUrl(database)
    webhook = ScalableWebhook(
        stack,
        "webhook",
        image=env["image"],
        domains=env["domains"],
        min_instances=env.get("minInstances"),
        max_instances=env.get("maxInstances"),
        env={
            "NODE_ENV": "production",
            "PLATFORM_ENV": env["environment"],
            "AUTH_MODE": "shared-secret",
            "DATABASE_URL": Lazy.string_value(database_url),
            "PG_IAM_AUTH": "true",
            **database.database_tls_env(),
        },
        secret_env={"WEBHOOK_SHARED_SECRET": SecretEnvVar(secret=shared_secret.secret_id)},
    )
    database_url.webhook = webhook
    # Cloud Run reaches the database's private IP through Direct VPC egress in each region.
    for service, subnet in zip(webhook.services, subnets):
        service.add_override(
            "template.vpc_access",
            {
                "network_interfaces": [{"network": network.id, "subnetwork": subnet.id}],
                "egress": "PRIVATE_RANGES_ONLY",
            },
        )
    # The uptime check calls the IAM-protected webhook with the Monitoring service agent's ID token.
    project = DataGoogleProject(stack, "monitoring-project")
    webhook.grant_invoke(
        "uptime-check",
        Grantee.from_service_account_email(f"service-{project.number}@gcp-sa-monitoring-notification.iam.gserviceaccount.com"),
    )
    database.grant_connect("webhook", Grantee.from_service_account(webhook.service_account))

    # Production in several regions: lose at most 15 minutes, be back within 30.
    fast = stack.production and len(env["regions"]) > 1
    DrBackup(
        stack,
        "backups",
        database=database,
        name="convai-backups",
        rpo=Duration.minutes(15) if fast else Duration.hours(24),
        rto=Duration.minutes(30) if fast else Duration.hours(8),
        encryption_keys=secrets,
        bucket_key_location=BACKUP_KEY_LOCATION,
        failover_services=webhook.services,
        runtime_service_account_email=webhook.service_account.email,
        **channels,
    )

    SloAlerting(
        stack,
        "slo",
        name="webhook",
        target=SloTarget.from_webhook(webhook),
        **channels,
        uptime_host=env["domains"][0],
        nlp_quota_per_minute=env.get("nlpQuotaPerMinute"),
        database=database,
    )
    return stack


def main():
    with open(os.environ.get("PLATFORM_CONFIG", "platform.config.json"), encoding="utf-8") as f:
        config = json.load(f)
    app = App()
    for env in config["environments"]:
        platform_stack(app, env)
    app.synth()


if __name__ == "__main__":
    main()
