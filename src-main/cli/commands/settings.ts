import { settingSpecs } from '../../settings/hub-settings';
import { apiOptions, parseCommand } from '../args';
import { withLocalApi } from '../local-api';
import { UsageError } from '../output';

export const settingsHelp = `outpost settings get|set|list [KEY] [VALUE] [--data-dir DIR] [--json]
  Hub settings (hub:admin); a running hub applies a change within a second.
${settingSpecs.map((s) => `  ${s.name.padEnd(16)} ${s.description}`).join('\n')}`;

export async function settingsCommand(argv: string[]): Promise<number> {
  const { values, positionals, out, exit } = parseCommand(argv, apiOptions, settingsHelp);
  if (exit !== undefined) return exit;
  // A subcommand is there: parseCommand answered the help otherwise.
  const [action, name, text] = positionals as [string, ...(string | undefined)[]];
  if (action === 'get' && !name) throw new UsageError('settings get needs a KEY');
  if (action === 'set' && (!name || text === undefined)) throw new UsageError('settings set needs a KEY and a VALUE');
  if (!['get', 'set', 'list'].includes(action)) throw new UsageError(`unknown action "${action}"`);
  return withLocalApi(values, out, async (api) => {
    const shown = action === 'set' ? [await api.call('hubSettings.set', { name: name!, value: text! })] : await api.call('hubSettings.list', {});
    const chosen = action === 'get' ? shown.filter((s) => s.name === name) : shown;
    if (chosen.length === 0) throw new UsageError(`There is no setting "${name}". Known settings: ${shown.map((s) => s.name).join(', ')}.`);
    for (const s of chosen) {
      const warning = action === 'set' && s.insecure ? `\nWarning: ${settingSpecs.find((spec) => spec.name === s.name)?.insecureWhen?.flag ?? 'this weakens security'}.` : '';
      out.event('setting', { name: s.name, key: s.key, value: s.value }, `${s.name} = ${s.text}${warning}`);
    }
    return 0;
  });
}
