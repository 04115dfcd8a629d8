import { defineContract, type MethodInput, type MethodName, type MethodOutput } from './define';
import { hubMethods } from './areas/hub';
import { authMethods } from './areas/auth';
import { usersMethods } from './areas/users';
import { groupsMethods } from './areas/groups';
import { appsMethods } from './areas/apps';
import { auditMethods } from './areas/audit';
import { settingsMethods } from './areas/settings';
import { orgsMethods } from './areas/orgs';
import { devicesMethods } from './areas/devices';
import { deviceAdminMethods } from './areas/device-admin';
import { syncMethods } from './areas/sync';
import { historyMethods } from './areas/history';
import { dashboardsMethods } from './areas/dashboards';
import { stewardshipMethods } from './areas/stewardship';
import { retentionMethods } from './areas/retention';
import { personalMethods } from './areas/personal';
import { trafficMethods } from './areas/traffic';
import { alarmsMethods } from './areas/alarms';
import { alarmChannelsMethods } from './areas/alarm-channels';
import { healthMethods } from './areas/health';

export { hubStatusSchema, type HubStatus } from './areas/hub';

/**
 * The one API between the console (Electron window or browser) and the hub,
 * assembled from one file per area under ./areas.
 */
export const apiContract = defineContract({
  ...hubMethods,
  ...authMethods,
  ...usersMethods,
  ...groupsMethods,
  ...appsMethods,
  ...auditMethods,
  ...settingsMethods,
  ...orgsMethods,
  ...devicesMethods,
  ...deviceAdminMethods,
  ...syncMethods,
  ...historyMethods,
  ...dashboardsMethods,
  ...stewardshipMethods,
  ...retentionMethods,
  ...personalMethods,
  ...trafficMethods,
  ...alarmsMethods,
  ...alarmChannelsMethods,
  ...healthMethods,
});

export type ApiContract = typeof apiContract;
export type ApiMethod = MethodName<ApiContract>;
export type ApiInput<M extends ApiMethod> = MethodInput<ApiContract, M>;
export type ApiOutput<M extends ApiMethod> = MethodOutput<ApiContract, M>;
