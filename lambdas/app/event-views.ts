import { MAX_EVENT_TYPES, eventViewName, latestEventViewName } from '../core/event-types';
import type { Integration } from '../core/integration';
import type { IntegrationStore } from './ports';

export type EventView = {
  readonly view: string;
  /** `<view>_latest`, where the integration has a primary key. */
  readonly latestView: string | null;
  readonly eventType: string;
  /** Columns its events have carried (system columns not counted). */
  readonly columns: number;
  readonly firstSeenAt: string;
};

export interface EventViews {
  /** The fields naming each event's type; empty: no per-event views. */
  readonly fields: readonly string[];
  readonly views: EventView[];
  readonly maxTypes: number;
  /** When a new type was first turned away for passing `maxTypes` (its rows land in `data` with no view); null while none was. */
  readonly firstRefusedAt: string | null;
}

/** The integration's per-event views, as `integrations show` lists them. */
export async function eventViewsOf(store: IntegrationStore, integration: Integration): Promise<EventViews> {
  const fields = integration.eventTypeFields ?? [];
  const registry = fields.length === 0 ? { types: [] } : await store.listEventTypes(integration.schema);
  return {
    fields,
    views: registry.types.map(({ eventType, columns, firstSeenAt }) => ({
      view: eventViewName(eventType),
      latestView: integration.primaryKey === undefined ? null : latestEventViewName(eventType),
      eventType,
      columns: columns.length,
      firstSeenAt,
    })),
    maxTypes: MAX_EVENT_TYPES,
    firstRefusedAt: registry.firstRefusedAt ?? null,
  };
}
