// The ticket use cases shared by the API, the email intake and the SLA timers, one module each:
// open (tickets/open.ts), change and reply (tickets/change.ts), log time (tickets/log-time.ts) and
// view (tickets/view.ts). Each loads what it needs, lets the domain decide, meters and composes mail
// from the decision's events, and commits one list of writes in one transaction.

export type { TicketRecord } from '../store/tickets.ts';
export { type Changed, changeTicket, fireTimer, patchCommands, replyToTicket } from './tickets/change.ts';
export { logTime } from './tickets/log-time.ts';
export { openTicketFor } from './tickets/open.ts';
export { audienceOf, loadTicket, ticketView } from './tickets/view.ts';
