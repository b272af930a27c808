/**
 * What each integration type brings (issue 10's presets): the primary key its provider's events
 * carry, the fields that name an event's type (for per-event views), and what to do in the
 * provider's UI once the webhook URL is made. `webhooks` is the generic integration: the user says.
 */
import type { IntegrationType } from './integration';
import { DEFAULT_TOLERANCE_SECONDS, type SignatureScheme } from './signing';

export interface Preset {
  readonly type: IntegrationType;
  /** The provider's name, as its UI shows it. */
  readonly provider: string;
  /** Top-level field that identifies an event; undefined: append-only, each row gets a `__sdc_primary_key` UUID. */
  readonly primaryKey?: string;
  /** Fields whose values, joined with "_", name an event's type: `email_click`, `email_delivered`. */
  readonly eventTypeFields: readonly string[];
  /** The type of an event the fields give none, when it has `field`. */
  readonly otherwise?: { readonly field: string; readonly type: string };
  /** Steps in the provider's UI, where the webhook URL goes and which events to send. */
  readonly setup: (webhookUrl: string) => readonly string[];
  /**
   * How the provider signs its webhooks; checked once a key is set. Absent on `webhooks` (the user
   * describes the sender's HMAC) and on providers that do not sign (Iterable).
   */
  readonly signature?: SignatureScheme;
  /** Where the provider's UI shows the key to verify with (a step of the setup, when it signs). */
  readonly signingKeyStep?: string;
}

export const PRESETS: Readonly<Record<IntegrationType, Preset>> = {
  webhooks: {
    type: 'webhooks',
    provider: 'any service that POSTs JSON',
    eventTypeFields: [],
    setup: (url) => [`Paste ${url} where your service asks for a webhook (endpoint) URL; it must send JSON objects, arrays or NDJSON with POST.`],
  },
  iterable: {
    type: 'iterable',
    provider: 'Iterable',
    // Iterable's events carry no id of their own: every event is kept (append-only).
    eventTypeFields: ['eventName'],
    // Journey webhooks carry the journey's workflowId and no eventName.
    otherwise: { field: 'workflowId', type: 'journey_webhook' },
    setup: (url) => [
      'Open Integrations > Webhooks and create a webhook.',
      `Endpoint: ${url}`,
      'Authentication: none is needed (the token is in the URL). If you would rather keep it out of the URL, POST to the URL without the token and add an "Authorization" header of "Basic <token>" or "Bearer <token>" (the token as it is, or base64).',
      'Turn the webhook on for the system webhooks you want (email, push, SMS, in-app, web push, WhatsApp, embedded, journey exit), and use it in journey webhook tiles as well.',
    ],
  },
  customerio: {
    type: 'customerio',
    provider: 'Customer.io',
    primaryKey: 'event_id',
    eventTypeFields: ['object_type', 'metric'],
    setup: (url) => [
      'Go to Data & Integrations > Integrations, select Reporting Webhooks, then Add Reporting Webhook.',
      `Webhook Endpoint: ${url}`,
      'Select the events you want (email sent, delivered, opened, clicked, bounced, ...), then Save and Enable Webhook.',
      'Customer.io allows 4 seconds for an answer and retries on failure; a retried event keeps its event_id, so data_latest shows it once.',
    ],
    signature: {
      kind: 'hmac',
      signatureHeader: 'x-cio-signature',
      timestampHeader: 'x-cio-timestamp',
      algorithm: 'sha256',
      encoding: 'hex',
      signedPayload: 'v0:{timestamp}:{body}',
      toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
    },
    signingKeyStep: "Open the reporting webhook's settings and copy its webhook signing key.",
  },
  sendgrid: {
    type: 'sendgrid',
    provider: 'SendGrid',
    primaryKey: 'sg_event_id',
    eventTypeFields: ['event'],
    setup: (url) => [
      'Open Settings > Mail Settings > Event Webhooks and create (or edit) an Event Webhook.',
      `Post URL: ${url}`,
      'Select the deliverability and engagement events to post (processed, delivered, open, click, bounce, ...), then save and enable it. SendGrid posts JSON arrays of events.',
    ],
    signature: {
      kind: 'ecdsa-p256',
      signatureHeader: 'x-twilio-email-event-webhook-signature',
      timestampHeader: 'x-twilio-email-event-webhook-timestamp',
      signedPayload: '{timestamp}{body}',
      toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
    },
    signingKeyStep: "In the Event Webhook's security features, turn on Signed Event Webhook and copy the Verification Key it shows.",
  },
};

export function presetOf(type: IntegrationType): Preset {
  return PRESETS[type];
}
