/** A client of the node for reading (no wallet); pages share it. */
import { createTributaryClient, type TributaryClient } from '@tributary/sdk';
import { apiBase } from './node';

export const reader: TributaryClient = createTributaryClient({ url: apiBase });
