// The people and the intake channel of the end-to-end suites (Slack ids).

/** Files tickets (the default user of `ticket()` and `fileTicket()` in e2eHelpers). */
export const REQ = 'UREQUEST1';
export const IRIS = 'UIRIS001';
export const DEVIN = 'UDEVIN01';
export const FELIX = 'UFELIX01';
/** Someone with no part in the ticket at hand. */
export const OTHER = 'UOTHER001';
export const INTAKE = 'CINTAKE1';
