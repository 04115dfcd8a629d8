import type { Db } from '../store/database';
import { ServiceError } from '../errors';
import { findVariable, type Variable } from '../devices/queries/variables';

/** The named variables of a device, or a refusal naming the first one it does not have. */
export function requireVariables(db: Db, deviceId: number, labels: readonly string[]): Variable[] {
  return labels.map((label) => {
    const variable = findVariable(db, deviceId, label);
    if (!variable) throw new ServiceError('UNKNOWN_VARIABLE', `This device has no variable "${label}". devices.get lists the variables it has.`, 404);
    return variable;
  });
}
