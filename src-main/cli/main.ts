import { caCommand, caHelp } from './commands/ca';
import { doctor, doctorHelp } from './commands/doctor';
import { serve, serveHelp } from './commands/serve';
import { deviceCommand, deviceHelp } from './commands/device';
import { readingsCommand, readingsHelp } from './commands/readings';
import { userCommand, userHelp } from './commands/user';
import { groupCommand, groupHelp } from './commands/group';
import { appCommand, appHelp } from './commands/app';
import { apikeyCommand, apikeyHelp } from './commands/apikey';
import { auditCommand, auditHelp } from './commands/audit';
import { commandCommand, commandHelp } from './commands/command';
import { settingsCommand, settingsHelp } from './commands/settings';
import { tokenCommand, tokenHelp } from './commands/token';
import { syncCommand, syncHelp } from './commands/sync';
import { siteCommand, siteHelp } from './commands/site';
import { orgCommand, orgHelp } from './commands/org';
import { backupCommand, backupHelp } from './commands/backup';
import { keyCommand, keyHelp } from './commands/key';
import { restoreCommand, restoreHelp } from './commands/restore';
import { alarmCommand, alarmHelp } from './commands/alarm';
import { UsageError } from './output';

type Command = { run: (argv: string[]) => Promise<number> | number; help: string };

/** Every top-level command (the audit-completeness test checks each state-changing one is audited). */
export const commands: Record<string, Command> = {
  serve: { run: serve, help: serveHelp },
  doctor: { run: doctor, help: doctorHelp },
  ca: { run: caCommand, help: caHelp },
  device: { run: deviceCommand, help: deviceHelp },
  readings: { run: readingsCommand, help: readingsHelp },
  user: { run: userCommand, help: userHelp },
  group: { run: groupCommand, help: groupHelp },
  app: { run: appCommand, help: appHelp },
  apikey: { run: apikeyCommand, help: apikeyHelp },
  audit: { run: auditCommand, help: auditHelp },
  command: { run: commandCommand, help: commandHelp },
  settings: { run: settingsCommand, help: settingsHelp },
  token: { run: tokenCommand, help: tokenHelp },
  sync: { run: syncCommand, help: syncHelp },
  site: { run: siteCommand, help: siteHelp },
  org: { run: orgCommand, help: orgHelp },
  backup: { run: backupCommand, help: backupHelp },
  restore: { run: restoreCommand, help: restoreHelp },
  key: { run: keyCommand, help: keyHelp },
  alarm: { run: alarmCommand, help: alarmHelp },
};

export const usage = `Outpost: local-first IoT monitoring hub.

Usage: outpost <command> [options]

${Object.values(commands)
  .map((c) => c.help.split('\n').slice(0, 2).join('\n'))
  .join('\n\n')}

Run "outpost <command> --help" for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage}\n`);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`outpost: unknown command "${name}".\n\n${usage}\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`outpost ${name}: ${err.message}\n\n${command.help}\n`);
      return 2;
    }
    throw err;
  }
}
