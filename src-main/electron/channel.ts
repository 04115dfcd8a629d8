export const apiChannel = 'outpost:api';
