import { settingSpecs } from '../../settings/hub-settings';
import { apiOptions, parseCommand } from '../args';
import { withLocalApi, type LocalApi } from '../local-api';
import { UsageError, type Output } from '../output';

const mapTilesName = 'map-tiles';

export const settingsHelp = `outpost settings get|set|list [KEY] [VALUE] [--attribution TEXT] [--data-dir DIR] [--json]
  Hub settings (hub:admin); a running hub applies a change within a second.
${settingSpecs.map((s) => `  ${s.name.padEnd(16)} ${s.description}`).join('\n')}
  ${mapTilesName.padEnd(16)} map tile server for position widgets: an https URL template with {z}, {x} and {y}
  ${''.padEnd(16)} (e.g. https://tiles.example.org/{z}/{x}/{y}.png), or none (default none); --attribution TEXT
  ${''.padEnd(16)} is shown under the tiles. Console pages loaded afterwards allow images from that origin only.`;

const options = { ...apiOptions, attribution: { type: 'string' } } as const;

export async function settingsCommand(argv: string[]): Promise<number> {
  const { values, positionals, out, exit } = parseCommand(argv, options, settingsHelp);
  if (exit !== undefined) return exit;
  // A subcommand is there: parseCommand answered the help otherwise.
  const [action, name, text] = positionals as [string, ...(string | undefined)[]];
  if (action === 'get' && !name) throw new UsageError('settings get needs a KEY');
  if (action === 'set' && (!name || text === undefined)) throw new UsageError('settings set needs a KEY and a VALUE');
  if (!['get', 'set', 'list'].includes(action)) throw new UsageError(`unknown action "${action}"`);
  if (values.attribution !== undefined && !(action === 'set' && name === mapTilesName)) throw new UsageError(`--attribution goes with settings set ${mapTilesName}`);
  return withLocalApi(values, out, async (api) => {
    if (name === mapTilesName) return mapTiles(api, out, action === 'set' ? { url: text!.trim() === 'none' ? '' : text!.trim(), attribution: values.attribution } : null);
    const shown = action === 'set' ? [await api.call('hubSettings.set', { name: name!, value: text! })] : await api.call('hubSettings.list', {});
    const chosen = action === 'get' ? shown.filter((s) => s.name === name) : shown;
    if (chosen.length === 0) throw new UsageError(`There is no setting "${name}". Known settings: ${[...shown.map((s) => s.name), mapTilesName].join(', ')}.`);
    for (const s of chosen) {
      const warning = action === 'set' && s.insecure ? `\nWarning: ${settingSpecs.find((spec) => spec.name === s.name)?.insecureWhen?.flag ?? 'this weakens security'}.` : '';
      out.event('setting', { name: s.name, key: s.key, value: s.value }, `${s.name} = ${s.text}${warning}`);
    }
    if (action === 'list') await mapTiles(api, out, null);
    return 0;
  });
}

/** The map tile server has two fields (URL and attribution) and a contract method of its own (mapTiles.set). */
async function mapTiles(api: LocalApi, out: Output, change: { url: string; attribution: string | undefined } | null): Promise<number> {
  const input = change && { url: change.url, ...(change.attribution !== undefined ? { attribution: change.attribution } : {}) };
  const tiles = input ? await api.call('mapTiles.set', input) : await api.call('mapTiles.get', {});
  const text = tiles.url ? `${tiles.url}${tiles.attribution ? ` (attribution: ${tiles.attribution})` : ''}` : 'none';
  out.event('setting', { name: mapTilesName, key: 'maps.tileServer', value: { url: tiles.url, attribution: tiles.attribution } }, `${mapTilesName} = ${text}`);
  return 0;
}
