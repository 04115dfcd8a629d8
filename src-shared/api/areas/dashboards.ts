import { z } from 'zod';
import { empty, idSchema, nameSchema, ok } from './common';
import { labelSchema } from '../../reading';

/** A place on the dashboard grid: 12 columns, rows of fixed height. */
const layoutSchema = z.object({ x: z.number().int().min(0).max(11), y: z.number().int().min(0).max(1000), w: z.number().int().min(1).max(12), h: z.number().int().min(1).max(40) }).strict();
const titleSchema = z.string().trim().max(100).optional();
const ref = z.object({ deviceId: idSchema, variable: labelSchema }).strict();
const widgetBase = { id: z.string().regex(/^[a-z0-9-]{1,40}$/), layout: layoutSchema, title: titleSchema };

export const thresholdColors = ['ok', 'warn', 'bad'] as const;

export const widgetSchema = z.discriminatedUnion('kind', [
  z.object({ ...widgetBase, kind: z.literal('line'), series: z.array(ref).min(1).max(8) }).strict(),
  z.object({ ...widgetBase, kind: z.literal('value'), ...ref.shape }).strict(),
  z
    .object({
      ...widgetBase,
      kind: z.literal('gauge'),
      ...ref.shape,
      min: z.number(),
      max: z.number(),
      /** From `value` upwards the gauge takes `color`, until the next threshold. */
      thresholds: z.array(z.object({ value: z.number(), color: z.enum(thresholdColors) }).strict()).max(10).default([]),
    })
    .strict()
    .refine((g) => g.min < g.max, { message: 'a gauge needs min < max' }),
  z.object({ ...widgetBase, kind: z.literal('table'), items: z.array(ref).min(1).max(50) }).strict(),
  z.object({ ...widgetBase, kind: z.literal('status'), deviceIds: z.array(idSchema).min(1).max(100) }).strict(),
  z
    .object({
      ...widgetBase,
      kind: z.literal('position'),
      ...ref.shape,
      /** `tiles`: over the hub's map tile server (mapTiles.get); `grid` (the default): on a coordinate grid, which works offline. */
      background: z.enum(['grid', 'tiles']).optional(),
      /**
       * Kept for dashboards saved before the hub-wide tile server (and API clients that send it): drawn only when it is
       * on the hub's tile server's origin, the one the CSP allows; otherwise the grid (src-shared/map-tiles.ts tileChoice).
       */
      tileUrl: z.string().regex(/^https:\/\/[^\s"'<>]+\{z\}[^\s"'<>]*\{x\}[^\s"'<>]*\{y\}[^\s"'<>]*$/, 'a tile URL is https:// with {z}, {x} and {y}').max(300).optional(),
    })
    .strict(),
]);
export type Widget = z.infer<typeof widgetSchema>;

/** What a caller who may not see a widget's devices gets instead of it: its place only. */
export const hiddenWidgetSchema = z.object({ id: widgetBase.id, layout: layoutSchema, kind: z.literal('unavailable') }).strict();
export type HiddenWidget = z.infer<typeof hiddenWidgetSchema>;

export const rangePresets = ['15m', '1h', '24h', '7d', '30d', '1y'] as const;
export type RangePreset = (typeof rangePresets)[number];
export const dashboardRangeSchema = z.union([
  z.object({ preset: z.enum(rangePresets) }).strict(),
  z.object({ from: z.number().int().min(0), to: z.number().int().min(0) }).strict().refine((r) => r.from < r.to, { message: '`from` must be before `to`' }),
]);

export const dashboardSpecSchema = z
  .object({
    /** One time range for every widget. */
    range: dashboardRangeSchema.default({ preset: '24h' }),
    widgets: z.array(z.union([widgetSchema, hiddenWidgetSchema])).max(100).default([]),
  })
  .strict()
  .refine((s) => new Set(s.widgets.map((w) => w.id)).size === s.widgets.length, { message: 'widget ids must be unique' });
export type DashboardSpec = z.infer<typeof dashboardSpecSchema>;

const dashboardSchema = z.object({ id: idSchema, name: z.string(), revision: z.number().int(), updatedAt: z.number(), spec: dashboardSpecSchema });
export type Dashboard = z.infer<typeof dashboardSchema>;

export const dashboardsMethods = {
  'dashboards.list': {
    input: empty,
    output: z.array(z.object({ id: idSchema, name: z.string(), updatedAt: z.number(), widgets: z.number().int() })),
    permission: 'devices:read',
    description: 'The organisation’s dashboards.',
  },
  'dashboards.get': {
    input: z.object({ dashboardId: idSchema }).strict(),
    output: dashboardSchema,
    permission: 'devices:read',
    description: 'One dashboard. Widgets showing a device the caller may not see come back as `unavailable`, with their place only.',
  },
  'dashboards.create': {
    input: z.object({ name: nameSchema, spec: dashboardSpecSchema.optional() }).strict(),
    output: dashboardSchema,
    permission: 'dashboards:write',
    kind: 'write',
    description: 'Creates a dashboard.',
  },
  'dashboards.update': {
    input: z.object({ dashboardId: idSchema, revision: z.number().int().min(1), name: nameSchema.optional(), spec: dashboardSpecSchema.optional() }).strict(),
    output: dashboardSchema,
    permission: 'dashboards:write',
    kind: 'write',
    description:
      'Renames and/or rearranges a dashboard. `revision` is the one the caller last read; a newer one (someone else saved) is refused with DASHBOARD_CHANGED. Widgets sent back as `unavailable` keep what is stored.',
  },
  'dashboards.delete': {
    input: z.object({ dashboardId: idSchema }).strict(),
    output: ok,
    permission: 'dashboards:write',
    kind: 'write',
    description: 'Deletes a dashboard.',
  },
  'devices.activity': {
    input: z.object({ deviceIds: z.array(idSchema).min(1).max(100) }).strict(),
    output: z.array(z.object({ deviceId: idSchema, label: z.string(), name: z.string(), lastSeenAt: z.number().nullable(), readingsPerMinute: z.number() })),
    permission: 'devices:read',
    description: 'Last seen and readings per minute over the last 15 minutes, for the status widget. Refused with DEVICE_NOT_FOUND if any device is not one the caller may see.',
  },
} as const;
