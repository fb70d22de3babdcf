/** The board families this driver speaks, by the name used in configuration. */
import type { BoardProtocol, LockBoardProtocolName } from './boardProtocol';
import { kerongCu16Protocol } from './kerongProtocol';
import { lcb24Protocol } from './lcb24Protocol';

export const boardProtocols: Record<LockBoardProtocolName, BoardProtocol> = {
  'kerong-cu16': kerongCu16Protocol,
  lcb24: lcb24Protocol,
};

export const protocolNames = Object.keys(boardProtocols) as LockBoardProtocolName[];
