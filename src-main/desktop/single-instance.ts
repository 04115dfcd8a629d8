import { setupCodePattern, setupRoute } from '../../src-shared/setup';

/** What the first instance's window looks like when a second instance is started. */
export interface FirstWindow {
  exists: boolean;
  minimized: boolean;
  visible: boolean;
}

export interface SecondInstanceAction {
  /** No window (closed to the tray): open one. */
  createWindow: boolean;
  restore: boolean;
  show: boolean;
  focus: boolean;
  /** A route of the console to open (`#/setup/CODE`), or null to leave the page as it is. */
  navigate: string | null;
}

/**
 * Only one Outpost runs per data directory (the database, the listeners'
 * ports and the tray belong to one process), so a second start hands over
 * to the first (Electron `requestSingleInstanceLock` / 'second-instance') and
 * quits. The first brings its window forward. While the hub has no owner yet
 * it also opens "Create the owner account": the technician who starts the
 * app again because they lost the window must land on setup. A setup address
 * passed on the second instance's command line (`outpost://app/#/setup/...`
 * or the printed `https://.../#/setup/...`) is honoured when its code is
 * well-formed; the hub checks the code itself when the form is sent.
 */
export function secondInstanceAction(window: FirstWindow, argv: readonly string[], ownSetupCode: string | null): SecondInstanceAction {
  const passed = setupCodeIn(argv);
  const code = ownSetupCode !== null ? (passed ?? ownSetupCode) : null;
  return {
    createWindow: !window.exists,
    restore: window.exists && window.minimized,
    show: window.exists && !window.visible,
    focus: true,
    navigate: code === null ? null : setupRoute(code),
  };
}

/** The setup code in a `#/setup/CODE` address among command-line arguments; null when none is there or it is malformed. */
export function setupCodeIn(argv: readonly string[]): string | null {
  for (const arg of argv) {
    const match = /#\/setup\/([^/?#\s]+)$/.exec(arg);
    if (!match?.[1]) continue;
    let code: string;
    try {
      code = decodeURIComponent(match[1]);
    } catch {
      continue;
    }
    if (setupCodePattern.test(code)) return code;
  }
  return null;
}
