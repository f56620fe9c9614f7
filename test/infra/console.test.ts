// The console construct as CloudFormation: a private bucket read by CloudFront through origin access
// control only, HTTPS, the security headers the local server sends (one declaration), the API on the
// same origin under /v1/* without caching, the built files deployed, and cdk-nag clean.
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import { SupportDeskConsole } from '../../lib/console.ts';
import { CONSOLE_HEADERS, CONTENT_SECURITY_POLICY } from '../../web/headers.ts';

let template: Template;

beforeAll(() => {
  const app = new App();
  const stack = new Stack(app, 'ConsoleUnderTest');
  const api = new HttpApi(stack, 'Api');
  const accessLogs = new Bucket(stack, 'AccessLogs', { enforceSSL: true });
  Validations.of(accessLogs).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'stands in for the stack’s log bucket',
  });
  Validations.of(api).acknowledge(
    { id: 'AwsSolutions-APIG1', reason: 'stands in for the stack’s API' },
    { id: 'AwsSolutions-APIG4', reason: 'stands in for the stack’s API' },
  );
  new SupportDeskConsole(stack, 'Console', { api, accessLogs, production: false });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // Throws on any unacknowledged cdk-nag finding.
  app.synth();
  template = Template.fromStack(stack);
}, 120_000);

const distribution = () =>
  Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;

describe('bucket', () => {
  test('is private: public access blocked, TLS enforced, encrypted, read by CloudFront through OAC only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { LogFilePrefix: 'console/' },
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    expect(
      distribution().Origins.some(
        (o: { S3OriginConfig?: unknown; OriginAccessControlId?: unknown }) => o.OriginAccessControlId,
      ),
    ).toBe(true);
  });
});

describe('distribution', () => {
  test('serves index.html at /, redirects HTTP to HTTPS, logs requests', () => {
    const config = distribution();
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.Logging.Prefix).toBe('console/');
  });

  test('sends the same security headers as the local server, CSP included', () => {
    const policy = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0]!
      .Properties.ResponseHeadersPolicyConfig;
    const security = policy.SecurityHeadersConfig;
    expect(security.ContentSecurityPolicy.ContentSecurityPolicy).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(security.FrameOptions.FrameOption).toBe('DENY');
    expect(security.ReferrerPolicy.ReferrerPolicy).toBe('no-referrer');
    expect(security.ContentTypeOptions.Override).toBe(true);
    expect(`max-age=${security.StrictTransportSecurity.AccessControlMaxAgeSec}; includeSubDomains`).toBe(
      CONSOLE_HEADERS['strict-transport-security'],
    );
    const custom = Object.fromEntries(
      policy.CustomHeadersConfig.Items.map((item: { Header: string; Value: string }) => [
        item.Header,
        item.Value,
      ]),
    );
    for (const name of ['permissions-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy']) {
      expect(custom[name]).toBe(CONSOLE_HEADERS[name]);
    }
    expect(distribution().DefaultCacheBehavior.ResponseHeadersPolicyId).toBeDefined();
  });

  test('puts the API on the same origin under /v1/*: HTTPS, every method, no caching, all but Host forwarded', () => {
    const behaviors = distribution().CacheBehaviors as Record<string, unknown>[];
    expect(behaviors).toHaveLength(1);
    const api = behaviors[0]!;
    expect(api.PathPattern).toBe('/v1/*');
    expect(api.ViewerProtocolPolicy).toBe('https-only');
    expect(api.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
    // AWS managed policies: CachingDisabled and AllViewerExceptHostHeader.
    expect(api.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect(api.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
    const origin = (
      distribution().Origins as { Id: string; CustomOriginConfig?: Record<string, unknown> }[]
    ).find((o) => o.Id === api.TargetOriginId)!;
    expect(origin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
  });
});

describe('files', () => {
  test('are deployed from the build: hashed assets immutable, index.html revalidated and invalidated', () => {
    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment')).map(
      (r) => r.Properties,
    );
    expect(deployments).toHaveLength(2);
    const page = deployments.find((d) => d.DistributionPaths);
    const assets = deployments.find((d) => !d.DistributionPaths);
    expect(page.DistributionPaths).toEqual(['/index.html', '/']);
    expect(page.SystemMetadata['cache-control']).toBe('no-cache');
    expect(assets.SystemMetadata['cache-control']).toBe('public, max-age=31536000, immutable');
  });
});
