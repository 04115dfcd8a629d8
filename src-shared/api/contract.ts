import { defineContract, type MethodInput, type MethodName, type MethodOutput } from './define';
import { hubMethods } from './areas/hub';
import { syncMethods } from './areas/sync';

export { hubStatusSchema, type HubStatus } from './areas/hub';

/**
 * The one API between the console (Electron window or browser) and the hub,
 * assembled from one file per area under ./areas.
 */
export const apiContract = defineContract({
  ...hubMethods,
  ...syncMethods,
});

export type ApiContract = typeof apiContract;
export type ApiMethod = MethodName<ApiContract>;
export type ApiInput<M extends ApiMethod> = MethodInput<ApiContract, M>;
export type ApiOutput<M extends ApiMethod> = MethodOutput<ApiContract, M>;
