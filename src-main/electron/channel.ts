export const apiChannel = 'outpost:api';
/** Live feeds (desktop/ipc-live.ts): the window opens and closes them; the main process sends their messages. */
export const liveOpenChannel = 'outpost:live:open';
export const liveCloseChannel = 'outpost:live:close';
export const liveMessageChannel = 'outpost:live:message';
