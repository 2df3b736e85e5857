// The engine's event vocabulary as the shared run model (and through it the page) sees it.
// Types only: the page never loads core code, and this is the one place the shared layer
// names the core's event and ledger types.

export type {
  Citation, CitationCheck, CostEstimate, EventError, JobInfo, JobStatus, PlanTask, ProtocolName, RemoteRequestRecord, RunEvent, RunStatus,
} from '../../core/protocol/events';
export type { SavedJob } from '../../core/protocol/answer';
export type { LedgerSnapshot } from '../../core/ledger/types';
export { PROTOCOLS, MAX_QUESTION_CHARS } from '../../core/protocol/protocols';
