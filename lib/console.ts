// The web console in AWS: its built files (web/build.ts) in a private S3 bucket read only by
// CloudFront through origin access control, served over HTTPS with the same security headers the
// local server sends (web/headers.ts), and the HTTP API on the same origin under /v1/* (no caching,
// every header but Host and every query string forwarded), so the console needs no CORS.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { writeConsole } from '../web/build.ts';
import { CONSOLE_HEADERS, CONTENT_SECURITY_POLICY } from '../web/headers.ts';

export interface SupportDeskConsoleProps {
  /** The API served on the console's origin under /v1/*. */
  api: IHttpApi;
  /** Where the console bucket's S3 access logs go. */
  accessLogs: IBucket;
  production: boolean;
  /** The built console's folder; defaults to a fresh build. */
  filesDir?: string;
}

/** Headers CloudFront's security-headers block sets itself; the rest go out as custom headers. */
const SECURITY_HEADER_NAMES = [
  'content-security-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
];

const HSTS_MAX_AGE = Number(/max-age=(\d+)/.exec(CONSOLE_HEADERS['strict-transport-security']!)?.[1]);

export class SupportDeskConsole extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  /** https://<distribution domain>/: the console, and the API under /v1. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: SupportDeskConsoleProps) {
    super(scope, id);
    const removalPolicy = props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // The files are built from source on every deploy: nothing here needs keeping.
    this.bucket = new Bucket(this, 'Files', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'console/',
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // CloudFront's standard logs are delivered with object ACLs, which this bucket alone allows.
    const logs = new Bucket(this, 'RequestLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(400) }],
      removalPolicy,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket holds the console distribution’s request logs; logging it into itself would loop.',
    });

    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Support desk console: CSP, HSTS and the other security headers (web/headers.ts)',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: Object.entries(CONSOLE_HEADERS)
          .filter(([name]) => !SECURITY_HEADER_NAMES.includes(name))
          .map(([header, value]) => ({ header, value, override: true })),
      },
    });

    // The API's own domain, from its endpoint URL (https://<id>.execute-api.<region>.amazonaws.com).
    const apiDomain = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Support desk console and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'console/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: new HttpOrigin(apiDomain, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Every answer is one key's business: never cached. With caching off, this policy also
          // forwards Authorization; Host stays the API's own, which API Gateway needs.
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          compress: true,
        },
      },
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Staff and customers of the desk work from anywhere; keys, not geography, decide access.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The API behind /v1 is throttled per route by API Gateway and every route but health needs a key; a web ACL is a per-deployment choice (docs/deploy.md).',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate fixes the viewer security policy; a custom domain with its own certificate (and TLSv1.2_2021) is a per-deployment choice (docs/console.md).',
      },
    );

    const files = props.filesDir ?? writeConsole(mkdtempSync(join(tmpdir(), 'support-desk-console-')));
    // Hashed assets never change under their name; index.html is revalidated on every load.
    const assets = new BucketDeployment(this, 'Assets', {
      sources: [Source.asset(files, { exclude: ['index.html'] })],
      destinationBucket: this.bucket,
      exclude: ['index.html'],
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      prune: true,
      retainOnDelete: false,
    });
    const page = new BucketDeployment(this, 'Page', {
      sources: [Source.asset(files, { exclude: ['*', '!index.html'] })],
      destinationBucket: this.bucket,
      exclude: ['*'],
      include: ['index.html'],
      cacheControl: [CacheControl.noCache()],
      prune: false,
      retainOnDelete: false,
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/'],
    });
    page.node.addDependency(assets);
    this.acknowledgeDeploymentFunction();
    this.url = `https://${this.distribution.distributionDomainName}/`;
  }

  /**
   * The bucket deployment's function is CDK's own singleton (one per stack): its runtime, managed
   * logging policy and wildcards are CDK's, scoped to the asset bucket and this console's bucket.
   */
  private acknowledgeDeploymentFunction(): void {
    const singleton = Stack.of(this).node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (!singleton) return;
    const region = Token.isUnresolved(Stack.of(this).region) ? '<AWS::Region>' : Stack.of(this).region;
    const reason = (why: string) =>
      `CDK's bucket-deployment function (copies the console's files at deploy): ${why}`;
    Validations.of(singleton).acknowledge(
      { id: 'AwsSolutions-L1', reason: reason('CDK pins its runtime; it runs only during deployments.') },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: reason('the managed policy only lets it write its own logs.'),
      },
      ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: reason(
          'CDK grants read on the asset bucket and read-write on the console bucket, nothing else.',
        ),
      })),
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*]`,
        reason: reason('it writes and prunes the console’s files, every object of this bucket.'),
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${region}/*]`,
        reason: reason('it reads the uploaded asset from the CDK bootstrap bucket.'),
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: reason(
          'CloudFront invalidations cannot be scoped to a distribution ARN by this CDK construct.',
        ),
      },
    );
  }
}
