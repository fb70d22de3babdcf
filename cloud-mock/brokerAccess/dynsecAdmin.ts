/**
 * The cloud as the admin client of Mosquitto's dynamic-security plugin: commands go out on
 * `$CONTROL/dynamic-security/v1` over the cloud's own link, each with a correlation id, and each
 * answer (or a timeout) comes back as a value.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { err, ok, type Result } from '../../src/shared/result';

export const DYNSEC_TOPIC = '$CONTROL/dynamic-security/v1';
export const DYNSEC_RESPONSE_TOPIC = `${DYNSEC_TOPIC}/response`;

export interface DynsecCommand {
  command: string;
  [field: string]: unknown;
}

const ResponsesSchema = z.object({
  responses: z.array(
    z.object({
      command: z.string(),
      error: z.string().optional(),
      correlationData: z.string().optional(),
      data: z.unknown().optional(),
    }),
  ),
});
export type DynsecAnswer = z.infer<typeof ResponsesSchema>['responses'][number];

export class DynsecAdmin {
  private readonly pending = new Map<string, (answer: DynsecAnswer) => void>();

  constructor(
    private readonly publish: (topic: string, payload: string) => Promise<void>,
    private readonly log: Logger,
    private readonly timeoutMs = 5000,
  ) {}

  /** Sends the commands in one message; one answer per command, in order, or why there is none. */
  async run(commands: DynsecCommand[]): Promise<Result<DynsecAnswer[], string>> {
    const ids = commands.map(() => randomUUID());
    const answers = ids.map(
      (id) => new Promise<DynsecAnswer>((resolve) => this.pending.set(id, resolve)),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    try {
      const body = { commands: commands.map((c, i) => ({ ...c, correlationData: ids[i] })) };
      await this.publish(DYNSEC_TOPIC, JSON.stringify(body));
      const all = await Promise.race([Promise.all(answers), timeout]);
      if (all === 'timeout')
        return err(
          `no answer on ${DYNSEC_RESPONSE_TOPIC} within ${this.timeoutMs} ms: is the ` +
            `dynamic-security plugin loaded, and may this cloud's account use it?`,
        );
      return ok(all);
    } catch (e) {
      return err(`cannot reach the broker: ${(e as Error).message}`);
    } finally {
      clearTimeout(timer);
      for (const id of ids) this.pending.delete(id);
    }
  }

  /** A message on DYNSEC_RESPONSE_TOPIC; answers nobody waits for are dropped. */
  onResponse(payload: Buffer): void {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      this.log.warn('dynamic-security answer is not JSON; ignored');
      return;
    }
    const parsed = ResponsesSchema.safeParse(json);
    if (!parsed.success) {
      this.log.warn({ reason: parsed.error.issues[0]?.message }, 'invalid dynamic-security answer');
      return;
    }
    for (const answer of parsed.data.responses) {
      const waiter = answer.correlationData ? this.pending.get(answer.correlationData) : undefined;
      waiter?.(answer);
    }
  }
}
