/**
 * Where each applied command's latest answer sits in the event chain, so a resend while that
 * answer is still unacked is not answered again (the cloud will receive the first one). Filled
 * from the chain for commands applied before; an answer already pruned leaves it null.
 */
export const up = `
ALTER TABLE processed_commands ADD COLUMN answered_seq INTEGER;
WITH answers AS (
  SELECT json_extract(body, '$.payload.commandId') AS id, max(seq) AS seq
    FROM events WHERE type = 'command.result' GROUP BY 1
)
UPDATE processed_commands SET answered_seq = answers.seq
  FROM answers WHERE answers.id = processed_commands.id;
`;
