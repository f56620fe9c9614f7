// The HTTPS API in AWS: an API Gateway HTTP API whose routes come from the route table
// (functions/api/routes.ts), one Lambda function per route group, the API-key authorizer on
// every non-public route, throttling per route and JSON access logs on the default stage, and
// table grants cut to the partitions each group touches (lib/table-access.ts).
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  type HttpMethod,
  type HttpRoute,
  type HttpStage,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { routeGroups } from '../functions/api/routes.ts';
import type { RouteSpec } from '../functions/api/routing.ts';
import { lambdaFunction, type SharedEnvironment } from './functions.ts';
import { grantTableAccess } from './table-access.ts';

/**
 * Steady-state requests per second and burst of each route (every route has its own bucket), and
 * the stage default for any route the contract adds later; raise them per deployment.
 */
export const DEFAULT_THROTTLE: Required<ThrottleSettings> = { rateLimit: 50, burstLimit: 100 };

/**
 * Public routes answer anyone, key or not: low limits of their own, so an unauthenticated caller
 * hammering them spends their budget only, never the routes customers and agents use.
 */
export const PUBLIC_ROUTE_THROTTLE: Required<ThrottleSettings> = { rateLimit: 5, burstLimit: 10 };

/**
 * One access-log line per request, as JSON. Deliberately without the Authorization header, the
 * query string or any body: keys and customer content never reach the logs. `keyId` is the
 * non-secret id of the caller's key (from the authorizer context), for tracing abuse.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  responseLength: '$context.responseLength',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  keyId: '$context.authorizer.keyId',
  authorizerError: '$context.authorizer.error',
  integrationError: '$context.integrationErrorMessage',
} as const;

/** Whether a group has a route that pages (takes a `cursor`): its function seals cursors. */
export function groupPages(contracts: Record<string, RouteSpec>): boolean {
  return Object.values(contracts).some(
    (contract) => contract.query !== undefined && 'cursor' in contract.query.shape,
  );
}

export interface SupportDeskApiProps {
  table: ITableV2;
  /** Every function's environment from the deployment settings (lib/settings.ts). */
  environment: SharedEnvironment;
  /** Production keeps log groups when the stack is deleted. */
  production: boolean;
  /** Throttling of each authenticated route; defaults to DEFAULT_THROTTLE. */
  throttle?: Partial<ThrottleSettings>;
  /** Throttling of each public route; defaults to PUBLIC_ROUTE_THROTTLE. */
  publicThrottle?: Partial<ThrottleSettings>;
  /** Retention of access logs and function logs. */
  logRetention?: RetentionDays;
}

export class SupportDeskApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly authorizerFunction: NodejsFunction;
  /** One function per route group, by group name. */
  readonly functions: Record<string, NodejsFunction> = {};
  readonly accessLogs: LogGroup;
  /** The API's base URL (ends with `/`); routes are under `v1/`. */
  readonly url: string;
  /** The throttle of each route, by route key, as set on the stage. */
  readonly routeThrottles: Record<string, Required<ThrottleSettings>> = {};
  /** The secret that seals paging cursors (functions/store/cursor.ts), read by the groups that page. */
  readonly cursorSecret: Secret;

  private readonly props: SupportDeskApiProps;

  constructor(scope: Construct, id: string, props: SupportDeskApiProps) {
    super(scope, id);
    this.props = props;
    const removalPolicy = props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const retention = props.logRetention ?? RetentionDays.THREE_MONTHS;

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `${Stack.of(this).stackName}-api`,
      description: 'Support desk HTTPS API (/v1)',
      // The stage is created below, with throttling and access logs.
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention, removalPolicy });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { ...DEFAULT_THROTTLE, ...props.throttle },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.url = this.stage.url;

    this.authorizerFunction = this.apiFunction('Authorizer', 'auth', retention, removalPolicy);
    grantTableAccess(this.authorizerFunction, props.table, 'api-auth');
    const authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', this.authorizerFunction, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      // A revoked key keeps working for at most this long; the authorizer runs once per key per TTL.
      resultsCacheTtl: Duration.minutes(5),
    });

    // Generated at deployment, never seen by anyone: it only keys the cursors' AES-256-GCM seal.
    this.cursorSecret = new Secret(this, 'CursorSecret', {
      description: 'Seals the API paging cursors (support desk)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(this.cursorSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret only seals paging cursors; rotating it would only invalidate cursors in flight, so it is replaced by redeploying rather than rotated',
    });

    const authenticated = { ...DEFAULT_THROTTLE, ...props.throttle };
    const open = { ...PUBLIC_ROUTE_THROTTLE, ...props.publicThrottle };
    const routes: HttpRoute[] = [];
    for (const [group, contracts] of Object.entries(routeGroups)) {
      const fn = this.apiFunction(pascal(group), group, retention, removalPolicy);
      this.functions[group] = fn;
      grantTableAccess(fn, props.table, `api-${group}`);
      if (groupPages(contracts)) {
        // Read once per container, on the first paged list (functions/store/cursor-secret.ts).
        this.cursorSecret.grantRead(fn);
        fn.addEnvironment('CURSOR_SECRET_ARN', this.cursorSecret.secretArn);
      }
      const integration = new HttpLambdaIntegration(`${pascal(group)}Integration`, fn);
      for (const contract of Object.values(contracts)) {
        const added = this.addRoute(contract, integration, authorizer);
        routes.push(...added);
        this.routeThrottles[contract.routeKey] = contract.roles === 'public' ? open : authenticated;
        const [route] = added;
        if (contract.roles === 'public' && route) {
          Validations.of(route).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${contract.routeKey} is public by contract (DESIGN.md): health checks and the OpenAPI document need no API key`,
          });
        }
      }
    }
    this.throttleRoutes(routes);
  }

  /**
   * Route settings on the stage: each route its own limits (the L2 stage only sets the default).
   * API Gateway refuses settings for a route that does not exist yet, so the stage waits for them.
   */
  private throttleRoutes(routes: HttpRoute[]): void {
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      Object.entries(this.routeThrottles).map(([routeKey, limits]) => [
        routeKey,
        { ThrottlingRateLimit: limits.rateLimit, ThrottlingBurstLimit: limits.burstLimit },
      ]),
    );
    for (const route of routes) cfnStage.node.addDependency(route);
  }

  private addRoute(
    contract: RouteSpec,
    integration: HttpLambdaIntegration,
    authorizer: HttpLambdaAuthorizer,
  ): HttpRoute[] {
    const [method, path] = contract.routeKey.split(' ') as [HttpMethod, string];
    return this.httpApi.addRoutes({
      path,
      methods: [method],
      integration,
      ...(contract.roles === 'public' ? {} : { authorizer }),
    });
  }

  /** A function of the API: Node 24 on ARM64, an ESM bundle with the AWS SDK inside it. */
  private apiFunction(
    id: string,
    file: string,
    retention: RetentionDays,
    removalPolicy: RemovalPolicy,
  ): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, { retention, removalPolicy });
    // An own role instead of the AWSLambdaBasicExecutionRole managed policy: it may write to its
    // own log group and nowhere else.
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${file} API function`,
    });
    logGroup.grantWrite(role);
    return lambdaFunction(this, `${id}Function`, `api-${file}`, this.props.environment, {
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      role,
      logGroup,
      environment: { TABLE_NAME: this.props.table.tableName },
    });
  }
}

function pascal(name: string): string {
  return name.replace(/(^|[-_])(\w)/g, (_m, _sep, letter: string) => letter.toUpperCase());
}
