import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { HooklakeStack } from '../../lib/hooklake-stack';
import { buildHooklakeApp } from './synth-hooklake';

/**
 * cdk-nag 3 runs as a CDK validation plugin: `app.synth()` throws when a plugin reports an
 * error, and the findings land in `validation-report.json` in the cloud assembly. Warnings do
 * not fail a synth, so the pack is also run directly (`validateScope`) and must report nothing.
 */
type PluginReport = { pluginName: string; violations: unknown[] };

let app: App;
let stack: HooklakeStack;
let outdir: string;
let synthError: unknown;

beforeAll(() => {
  ({ app, stack, outdir } = buildHooklakeApp());
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]) => ({ path: c.node.path, id, reason })),
  );
}

test('the app synthesizes with the AwsSolutions plugin registered', () => {
  expect(synthError).toBeUndefined();
});

test('AwsSolutions reports no unacknowledged finding, error or warning', () => {
  const report = new AwsSolutionsChecks().validateScope(app);
  expect(report.violations).toEqual([]);
  expect(report.success).toBe(true);
});

test('the validation report in the cloud assembly holds no violation from any plugin', () => {
  const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: PluginReport[];
  };
  for (const plugin of report.pluginReports) expect({ plugin: plugin.pluginName, violations: plugin.violations }).toEqual({
    plugin: plugin.pluginName,
    violations: [],
  });
});

test('every acknowledgment sits on one construct below the stack and gives a specific reason', () => {
  const acks = acknowledgments(app);
  expect(acks.length).toBeGreaterThan(0);
  for (const ack of acks) {
    expect(ack.reason.length).toBeGreaterThan(40);
    if (ack.id === 'CloudFormation-Validate::W7001') {
      // A template-level mapping added by the DeliveryStream L2: only the stack owns it.
      expect(ack.path).toBe(stack.node.path);
    } else {
      expect(ack.path.startsWith(`${stack.node.path}/`)).toBe(true);
    }
  }
});

test('no whole-rule IAM5 acknowledgment: each wildcard finding is acknowledged by name', () => {
  const iam5 = acknowledgments(app).filter((a) => a.id.includes('AwsSolutions-IAM5'));
  expect(iam5.length).toBeGreaterThan(0);
  for (const ack of iam5) expect(ack.id).toMatch(/AwsSolutions-IAM5\[(Action|Resource)::.+\]$/);
});

describe('control: the check fails on a finding', () => {
  test('an unacknowledged finding makes synth throw and validateScope report it', () => {
    const controlOut = mkdtempSync(path.join(tmpdir(), 'hooklake-nag-control-'));
    try {
      const controlApp = new App({ outdir: controlOut });
      const controlStack = new Stack(controlApp, 'NagControl');
      new s3.Bucket(controlStack, 'PlainBucket'); // no TLS-only policy, no access logs
      Validations.of(controlApp).addPlugins(new AwsSolutionsChecks(controlApp));
      expect(() => controlApp.synth()).toThrow(/AwsSolutions-S10/);
      const ruleNames = new AwsSolutionsChecks().validateScope(controlApp).violations.map((v) => v.ruleName);
      expect(ruleNames).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
    } finally {
      rmSync(controlOut, { recursive: true, force: true });
    }
  });
});
