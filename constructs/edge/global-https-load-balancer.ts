import { ComputeBackendService } from '@cdktf/provider-google/lib/compute-backend-service';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeGlobalForwardingRule } from '@cdktf/provider-google/lib/compute-global-forwarding-rule';
import { ComputeManagedSslCertificate } from '@cdktf/provider-google/lib/compute-managed-ssl-certificate';
import { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy';
import { ComputeTargetHttpProxy } from '@cdktf/provider-google/lib/compute-target-http-proxy';
import { ComputeTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-target-https-proxy';
import { ComputeUrlMap } from '@cdktf/provider-google/lib/compute-url-map';
import { Construct } from 'constructs';

/** TLS profile of the load balancer's SSL policy. Both require TLS 1.2 or newer. */
export enum TlsProfile {
  /** Broad client support without weak ciphers. */
  MODERN = 'MODERN',
  /** Only the strongest ciphers (e.g. for FIPS-minded reviewers). */
  RESTRICTED = 'RESTRICTED',
}

/** Protocol from the load balancer to the backends. */
export enum BackendProtocol {
  /** Serverless NEGs (Cloud Run): Google terminates TLS at the service. */
  HTTPS = 'HTTPS',
  /** Zonal NEGs of pods (GKE container-native load balancing) inside the VPC. */
  HTTP = 'HTTP',
}

export interface GlobalHttpsLoadBalancerProps {
  /** Name prefix for every load-balancer resource, unique in the project. */
  readonly name: string;
  /** Fully qualified domains served; one Google-managed certificate covers them all. */
  readonly domains: string[];
  /** Backend groups (e.g. serverless NEG ids), one per region. */
  readonly backendGroups: string[];
  /** Cloud Armor policy attached to the backend service (id or self link). */
  readonly securityPolicy: string;
  /** TLS profile. @default TlsProfile.MODERN */
  readonly tlsProfile?: TlsProfile;
  /** Fraction of requests logged, 0..1. @default 1 */
  readonly logSampleRate?: number;
  /** Protocol to the backends. @default BackendProtocol.HTTPS */
  readonly backendProtocol?: BackendProtocol;
  /**
   * Health check of the backends (required by zonal NEGs; serverless NEGs refuse one).
   * @default - none (serverless NEGs)
   */
  readonly healthCheck?: string;
  /**
   * Balance zonal NEG backends by rate: requests per second per endpoint (pod) at full load.
   * @default - no balancing mode (serverless NEGs)
   */
  readonly maxRatePerEndpoint?: number;
}

/**
 * A global external Application Load Balancer (EXTERNAL_MANAGED), HTTPS only: managed certificate,
 * SSL policy with TLS ≥ 1.2, one backend service over the given groups with outlier detection and
 * request logging, and port 80 answered with a permanent redirect to HTTPS.
 *
 * Platform-neutral: Cloud Run's serverless NEGs and GKE's zonal NEGs (container-native load
 * balancing) share it, so both get the same certificate, TLS policy, Cloud Armor and logging.
 */
export class GlobalHttpsLoadBalancer extends Construct {
  public readonly address: ComputeGlobalAddress;
  public readonly backendService: ComputeBackendService;
  public readonly urlMap: ComputeUrlMap;
  public readonly certificate: ComputeManagedSslCertificate;
  public readonly sslPolicy: ComputeSslPolicy;
  public readonly httpsProxy: ComputeTargetHttpsProxy;
  public readonly httpsForwardingRule: ComputeGlobalForwardingRule;
  public readonly redirectUrlMap: ComputeUrlMap;
  public readonly httpProxy: ComputeTargetHttpProxy;
  public readonly httpForwardingRule: ComputeGlobalForwardingRule;

  constructor(scope: Construct, id: string, props: GlobalHttpsLoadBalancerProps) {
    super(scope, id);
    const scheme = 'EXTERNAL_MANAGED';
    const name = props.name;

    this.address = new ComputeGlobalAddress(this, 'address', { name: `${name}-ip`, ipVersion: 'IPV4' });

    this.backendService = new ComputeBackendService(this, 'backend', {
      name: `${name}-backend`,
      loadBalancingScheme: scheme,
      protocol: props.backendProtocol ?? BackendProtocol.HTTPS,
      backend: props.backendGroups.map((group) =>
        props.maxRatePerEndpoint === undefined ? { group } : { group, balancingMode: 'RATE', maxRatePerEndpoint: props.maxRatePerEndpoint },
      ),
      healthChecks: props.healthCheck ? [props.healthCheck] : undefined,
      securityPolicy: props.securityPolicy,
      logConfig: { enable: true, sampleRate: props.logSampleRate ?? 1 },
      // Eject a region's backend after repeated 5xx so traffic shifts to healthy regions.
      outlierDetection: {
        consecutiveErrors: 5,
        interval: { seconds: 10 },
        baseEjectionTime: { seconds: 30 },
        maxEjectionPercent: 50,
      },
    });

    this.urlMap = new ComputeUrlMap(this, 'url-map', { name: `${name}-urlmap`, defaultService: this.backendService.id });

    this.certificate = new ComputeManagedSslCertificate(this, 'certificate', {
      name: `${name}-cert`,
      managed: { domains: props.domains },
      // A certificate in use cannot be deleted: create the replacement first.
      lifecycle: { createBeforeDestroy: true },
    });

    this.sslPolicy = new ComputeSslPolicy(this, 'ssl-policy', {
      name: `${name}-tls`,
      minTlsVersion: 'TLS_1_2',
      profile: props.tlsProfile ?? TlsProfile.MODERN,
    });

    this.httpsProxy = new ComputeTargetHttpsProxy(this, 'https-proxy', {
      name: `${name}-https`,
      urlMap: this.urlMap.id,
      sslCertificates: [this.certificate.id],
      sslPolicy: this.sslPolicy.id,
    });

    this.httpsForwardingRule = new ComputeGlobalForwardingRule(this, 'https-rule', {
      name: `${name}-https`,
      loadBalancingScheme: scheme,
      ipAddress: this.address.id,
      portRange: '443',
      target: this.httpsProxy.id,
    });

    this.redirectUrlMap = new ComputeUrlMap(this, 'redirect-url-map', {
      name: `${name}-redirect`,
      defaultUrlRedirect: { httpsRedirect: true, stripQuery: false, redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT' },
    });

    this.httpProxy = new ComputeTargetHttpProxy(this, 'http-proxy', { name: `${name}-http`, urlMap: this.redirectUrlMap.id });

    this.httpForwardingRule = new ComputeGlobalForwardingRule(this, 'http-rule', {
      name: `${name}-http`,
      loadBalancingScheme: scheme,
      ipAddress: this.address.id,
      portRange: '80',
      target: this.httpProxy.id,
    });
  }
}
