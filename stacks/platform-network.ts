import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { Construct } from 'constructs';

/**
 * The reference platform's VPC: the database tier's private IPs (private services access) and a
 * subnet per region for the webhook's Direct VPC egress, so Cloud Run reaches Cloud SQL without a
 * public IP or a connector VM.
 */
export class PlatformNetwork extends Construct {
  public readonly network: ComputeNetwork;
  /** Explicit deny-all ingress, logged: nothing in this VPC takes inbound connections from it. */
  public readonly denyIngress: ComputeFirewall;
  /** One subnet per region, in `regions` order. */
  public readonly subnets: ComputeSubnetwork[];

  constructor(scope: Construct, id: string, props: { readonly name: string; readonly regions: string[] }) {
    super(scope, id);
    this.network = new ComputeNetwork(this, 'network', {
      name: props.name,
      description: 'Private network of the conversational platform (database private IPs, webhook egress).',
      autoCreateSubnetworks: false,
      routingMode: 'GLOBAL',
    });
    // Cloud SQL sits in Google's peered network and Cloud Run egresses into this one; no
    // instance here accepts connections, so ingress is denied explicitly (not by the implied rule).
    this.denyIngress = new ComputeFirewall(this, 'deny-all-ingress', {
      name: `${props.name}-deny-all-ingress`,
      network: this.network.id,
      direction: 'INGRESS',
      priority: 65534,
      deny: [{ protocol: 'all' }],
      sourceRanges: ['0.0.0.0/0'],
      logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
    });
    this.subnets = props.regions.map(
      (region, i) =>
        new ComputeSubnetwork(this, `subnet-${region}`, {
          name: `${props.name}-${region}`,
          region,
          network: this.network.id,
          // 10.8.<i*16>.0/20 per region: room for Direct VPC egress (2 addresses per instance).
          ipCidrRange: `10.8.${i * 16}.0/20`,
          privateIpGoogleAccess: true,
          logConfig: { aggregationInterval: 'INTERVAL_5_SEC', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
        }),
    );
  }
}
