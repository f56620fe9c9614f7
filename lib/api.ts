// The HTTPS API in AWS: an API Gateway HTTP API whose routes come from the route table
// (functions/api/routes.ts), one Lambda function per route group, the API-key authorizer on
// every non-public route, throttling and JSON access logs on the default stage, and table grants
// cut to what each function does.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
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
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routeGroups } from '../functions/api/routes.ts';
import type { RouteSpec } from '../functions/api/routing.ts';
import { GLOBAL_INDEXES } from '../functions/store/table-definition.ts';
import { lambdaFunction } from './functions.ts';

/** Steady-state requests per second and burst for the whole stage; raise them per deployment. */
export const DEFAULT_THROTTLE: Required<ThrottleSettings> = { rateLimit: 50, burstLimit: 100 };

/** Route groups that only read the table: a bug or a compromise there cannot change data. */
export const READ_ONLY_GROUPS: ReadonlySet<string> = new Set(['system']);

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
/** ConditionCheckItem only serves transactions that write, so it counts as a write here. */
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

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

export interface SupportDeskApiProps {
  table: ITableV2;
  /** Production keeps log groups when the stack is deleted. */
  production: boolean;
  /** Stage-wide throttling; defaults to DEFAULT_THROTTLE. */
  throttle?: Partial<ThrottleSettings>;
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
    // The authorizer reads one kind of item: API keys, by the hash of the presented secret.
    this.authorizerFunction.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:GetItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APIKEY#*'] } },
      }),
    );
    const authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', this.authorizerFunction, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      // A revoked key keeps working for at most this long; the authorizer runs once per key per TTL.
      resultsCacheTtl: Duration.minutes(5),
    });

    for (const [group, routes] of Object.entries(routeGroups)) {
      const fn = this.apiFunction(pascal(group), group, retention, removalPolicy);
      this.functions[group] = fn;
      this.grantTable(fn, READ_ONLY_GROUPS.has(group) ? 'read' : 'readWrite');
      const integration = new HttpLambdaIntegration(`${pascal(group)}Integration`, fn);
      for (const spec of Object.values(routes)) {
        const [route] = this.addRoute(spec, integration, authorizer);
        if (spec.roles === 'public' && route) {
          Validations.of(route).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${spec.routeKey} is public by design (DESIGN.md): health checks and the OpenAPI document need no API key`,
          });
        }
      }
    }
  }

  private addRoute(
    spec: RouteSpec,
    integration: HttpLambdaIntegration,
    authorizer: HttpLambdaAuthorizer,
  ): HttpRoute[] {
    const [method, path] = spec.routeKey.split(' ') as [HttpMethod, string];
    return this.httpApi.addRoutes({
      path,
      methods: [method],
      integration,
      ...(spec.roles === 'public' ? {} : { authorizer }),
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
    return lambdaFunction(this, `${id}Function`, `api-${file}`, {
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      role,
      logGroup,
      environment: {
        TABLE_NAME: this.props.table.tableName,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
  }

  /** Table grants without wildcards: the table and each named index, the actions the code uses. */
  private grantTable(fn: NodejsFunction, access: 'read' | 'readWrite'): void {
    const table = this.props.table.tableArn;
    const indexes = GLOBAL_INDEXES.map((index) => `${table}/index/${index.indexName}`);
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: READ_ACTIONS,
        resources: [table, ...indexes],
      }),
    );
    if (access === 'readWrite') {
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: WRITE_ACTIONS,
          resources: [table],
        }),
      );
    }
  }
}

function pascal(name: string): string {
  return name.replace(/(^|[-_])(\w)/g, (_m, _sep, letter: string) => letter.toUpperCase());
}
