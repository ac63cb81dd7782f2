// The dashboard's log: contracts' one redacting JSON logger, so a token in an error message never reaches a line.
import { createLogger } from '@proctor/contracts';

export const log = createLogger('info', { service: 'dashboard' });
