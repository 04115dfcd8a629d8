import { findSettingSpec, readSetting, settingSpecs, writeSettingText } from '../../settings/hub-settings';
import { commonOptions, parse } from '../args';
import { withStore } from '../open-store';
import { createOutput, UsageError } from '../output';

export const settingsHelp = `outpost settings get|set|list [KEY] [VALUE] [--data-dir DIR] [--json]
  Hub settings; a running hub applies a change within a second.
${settingSpecs.map((s) => `  ${s.name.padEnd(16)} ${s.description}`).join('\n')}`;

export async function settingsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, commonOptions, true);
  const out = createOutput(values.json);
  const [action, name, text] = positionals;
  if (values.help || !action) {
    out.line(settingsHelp);
    return values.help ? 0 : 2;
  }
  if (action === 'get' && !name) throw new UsageError('settings get needs a KEY');
  if (action === 'set' && (!name || text === undefined)) throw new UsageError('settings set needs a KEY and a VALUE');
  if (!['get', 'set', 'list'].includes(action)) throw new UsageError(`unknown action "${action}"`);
  return withStore(values, out, (store) => {
    if (action === 'set') {
      const { spec, value } = writeSettingText(store.db, name!, text!);
      const warning = spec.insecureWhen && value === spec.insecureWhen.value ? `\nWarning: ${spec.insecureWhen.flag}.` : '';
      out.event('setting', { name: spec.name, key: spec.key, value }, `${spec.name} = ${spec.toText(value)}${warning}`);
      return 0;
    }
    for (const spec of action === 'get' ? [findSettingSpec(name!)] : settingSpecs) {
      const value = readSetting(store.db, spec as never);
      out.event('setting', { name: spec.name, key: spec.key, value }, `${spec.name} = ${spec.toText(value as never)}`);
    }
    return 0;
  });
}
