/** A service's refusal: the HTTP status, a reason code and a sentence for the operator. */
import { err } from '../../src/shared/result';

export interface Refusal {
  status: 403 | 404 | 409 | 422 | 429 | 503;
  error: string;
  message: string;
}

export const refuse = (status: Refusal['status'], error: string, message: string) =>
  err<Refusal>({ status, error, message });

export const notFound = (what: string) => refuse(404, 'not_found', `no such ${what}`);
