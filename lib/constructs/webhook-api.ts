import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { WEBHOOK_ROUTE_PATHS } from '../../lambdas/core/webhook-routes';


/**
 * One JSON access-log line per request. It names the route *template* (`$context.routeKey`,
 * e.g. `POST /v1/hooks/{token}`), never the request path, the path parameters or any header:
 * those carry the token.
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  requestLength: '$context.requestLength',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
};

/** Stage throttling; both values apply to the whole stage. */
export interface WebhookThrottle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests allowed in a burst above the rate. */
  readonly burstLimit: number;
}

/** Properties of a {@link WebhookApi}. */
export interface WebhookApiProps {
  /** The ingest function every webhook route invokes (payload format 2.0). */
  readonly handler: lambda.IFunction;

  /**
   * Stage throttling. Requests above it get 429, which providers retry. Keep the rate below
   * the delivery stream's request quota (about 2,000 PutRecordBatch calls per second).
   * @default { rateLimit: 500, burstLimit: 1000 }
   */
  readonly throttle?: WebhookThrottle;

  /**
   * Also route every other method on the webhook paths to the function, so that it answers
   * 405 with `Allow: POST` as the local server does, instead of API Gateway's bare 404.
   * @default true
   */
  readonly routeOtherMethods?: boolean;

  /**
   * Retention of the access-log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: logs.RetentionDays;

  /**
   * Name of the HTTP API.
   * @default - the construct path
   */
  readonly apiName?: string;
}

/**
 * The public webhook endpoint: an API Gateway HTTP API whose `$default` stage is throttled and
 * access-logged, with `POST /v1/hooks/{token}` and `POST /v1/hooks` going to the ingest function.
 */
export class WebhookApi extends Construct {
  /** The HTTP API. */
  readonly httpApi: apigwv2.HttpApi;
  /** The `$default` stage (auto-deployed). */
  readonly stage: apigwv2.HttpStage;
  /** Where the stage writes its access logs. */
  readonly accessLogGroup: logs.LogGroup;
  /** All routes this construct created, POST routes first. */
  readonly routes: apigwv2.HttpRoute[];

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    const throttle = props.throttle ?? { rateLimit: 500, burstLimit: 1000 };

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: props.apiName,
      description: 'Hooklake webhook endpoint',
      createDefaultStage: false,
    });

    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const integration = new HttpLambdaIntegration('Ingest', props.handler, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    const methods = [apigwv2.HttpMethod.POST, ...(props.routeOtherMethods === false ? [] : [apigwv2.HttpMethod.ANY])];
    this.routes = methods.flatMap((method) =>
      WEBHOOK_ROUTE_PATHS.map(
        (path) =>
          new apigwv2.HttpRoute(this, routeId(method, path), {
            httpApi: this.httpApi,
            routeKey: apigwv2.HttpRouteKey.with(path, method),
            integration,
          }),
      ),
    );

    for (const route of this.routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Webhook senders (Iterable, Customer.io, SendGrid) cannot sign with IAM or obtain JWTs. The route carries a ' +
          '256-bit capability token (path, Bearer or Basic password) that the ingest function checks against SHA-256 ' +
          'hashes in DynamoDB before storing anything; unknown or revoked tokens get 401.',
      });
    }
  }

  /** `https://<api-id>.execute-api.<region>.amazonaws.com`, no trailing slash; append `/v1/hooks/<token>`. */
  get baseUrl(): string {
    return this.httpApi.apiEndpoint;
  }
}

function routeId(method: apigwv2.HttpMethod, path: string): string {
  const words = path.split('/').filter(Boolean).map((part) => part.replace(/[{}]/g, ''));
  return [method === apigwv2.HttpMethod.ANY ? 'Any' : 'Post', ...words.map(capitalize)].join('');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
