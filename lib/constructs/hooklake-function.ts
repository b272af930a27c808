import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_LAMBDA_RUNTIME, LAMBDA_BUNDLING } from '../lambda-bundling';

/** Properties of a {@link HooklakeFunction}. */
export interface HooklakeFunctionProps {
  /** Path of the TypeScript entry file, bundled with the local esbuild. */
  readonly entry: string;

  /**
   * Exported name of the handler in `entry`.
   * @default 'handler'
   */
  readonly handler?: string;

  /** A short description shown in the Lambda console. @default - no description */
  readonly description?: string;

  /**
   * Environment variables of the function. No `NODE_OPTIONS` is needed for source maps: the entry
   * maps its stack traces itself when one is first written (`lambdas/aws/lambda-source-maps.ts`).
   * @default - none
   */
  readonly environment?: Record<string, string>;

  /**
   * Node.js runtime; must be Node 22 or newer.
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;

  /**
   * Memory; CPU share scales with it, which matters for parsing multi-megabyte bodies.
   * @default 1024
   */
  readonly memorySize?: number;

  /**
   * Function timeout. The ingest handler keeps its own budget of about 3 s; this is a backstop.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;

  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;

  /**
   * X-Ray tracing. With ACTIVE, Lambda records one request a second and 5% of the rest, at $5 per
   * million traces: on a busy function that is a real share of its cost.
   * @default lambda.Tracing.ACTIVE
   */
  readonly tracing?: lambda.Tracing;

  /**
   * Lowest level of the function's own log lines that reaches CloudWatch (Powertools follows it).
   * @default lambda.ApplicationLogLevel.INFO
   */
  readonly applicationLogLevel?: lambda.ApplicationLogLevel;
}

/**
 * The one way Hooklake builds a Lambda function: a `NodejsFunction` bundled locally with
 * esbuild (never Docker) as `../lambda-bundling.ts` says, arm64, Node 22 or newer, a source map
 * next to the code, X-Ray tracing (active unless turned off), and an explicit log group with
 * retention that the function's own role may write to.
 *
 * Logs are JSON, and Lambda's own lines are kept from WARN up: the START, END and REPORT lines of
 * every invocation (about 300 bytes a request, billed as log ingestion) are dropped, while failed
 * invocations, the function's own warnings and errors, and the Duration and Errors metrics remain.
 *
 * The role is created here instead of by Lambda so that it carries no
 * `AWSLambdaBasicExecutionRole` managed policy (whose log permissions are `Resource: *`):
 * it may write to its own log group only. Grant it more with the usual `grantXxx(fn)`.
 */
export class HooklakeFunction extends Construct implements iam.IGrantable {
  /** The underlying function. */
  readonly function: NodejsFunction;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;
  /** The execution role. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: HooklakeFunctionProps) {
    super(scope, id);

    const runtime = props.runtime ?? DEFAULT_LAMBDA_RUNTIME;
    assertNode22OrNewer(this, runtime);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.node.path}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      applicationLogLevelV2: props.applicationLogLevel ?? lambda.ApplicationLogLevel.INFO,
      tracing: props.tracing ?? lambda.Tracing.ACTIVE,
      environment: props.environment,
      bundling: LAMBDA_BUNDLING,
    });

    // Tracing.ACTIVE adds xray:PutTraceSegments/PutTelemetryRecords on "*" to this role.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only actions that support no resource-level permissions use Resource "*": the X-Ray statement added by ' +
        'Tracing.ACTIVE (xray:PutTraceSegments, xray:PutTelemetryRecords) and, for a function a DynamoDB stream ' +
        'invokes, dynamodb:ListStreams. Every other grant names its resource (an infrastructure test asserts this).',
    });
  }

  /** The principal to grant permissions to: the function's execution role. */
  get grantPrincipal(): iam.IPrincipal {
    return this.role;
  }
}

function assertNode22OrNewer(scope: Construct, runtime: lambda.Runtime): void {
  const match = /^nodejs(\d+)\./.exec(runtime.name);
  if (!match || Number(match[1]) < 22) {
    throw new Error(`${scope.node.path}: HooklakeFunction needs a Node.js 22 or newer runtime, got ${runtime.name}.`);
  }
}
