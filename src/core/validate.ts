// Checks on user-supplied text before it reaches the database.
import { invalid } from './errors.js';

/** Refuse NUL characters (PostgreSQL cannot store them), empty required values and values over the limit. */
export function validateText(value: string | undefined | null, field: string, max: number, o: { required?: boolean } = {}): void {
  if (value === undefined || value === null || value.trim() === '') {
    if (o.required) throw invalid(`The ${field} is empty; it is required.`, field);
    return;
  }
  if (value.includes('\u0000')) throw invalid(`The ${field} contains a NUL character, which can't be stored.`, field);
  if (value.length > max) throw invalid(`The ${field} is ${value.length} characters long; the limit is ${max}.`, field);
}
