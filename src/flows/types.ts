/**
 * What a flow is, as the engine and the CLI see it.
 *
 * Two shapes of flow exist:
 * - batch flows (products, stock): read the ERP page by page, compare content hashes with
 *   the ledger, write only what changed. `run` does plan then apply (plan only with dryRun).
 * - ledger-driven flows (subjects, orders, invoices): `discover` records new work as ledger
 *   rows; `step` moves one claimed row forward. The worker (src/engine) claims due rows with
 *   a lease, calls `step`, and does the failure bookkeeping (attempts, backoff, needs_attention)
 *   the same way for every flow.
 */
import type { Logger } from 'pino';
import type { ErpPort, ShopPort } from '../core/ports.js';
import type { Config, FlowName } from '../config/schema.js';
import type { EntityKind, LinkRow, Store } from '../store/index.js';

/** Points where a test may interrupt a flow to prove the exactly-once protocol. */
export interface FlowTestHooks {
  /** Called after the ERP accepted an order and before the ledger records its key. Throwing here simulates a crash. */
  afterErpOrderCreated?: (info: { reference: string; erpKey: string }) => void | Promise<void>;
  /** Called after the shop invoice was created and before the ledger records it. */
  afterShopInvoiceCreated?: (info: { erpInvoiceKey: string; shopInvoiceId: string }) => void | Promise<void>;
}

export interface FlowContext {
  erp: ErpPort;
  shop: ShopPort;
  store: Store;
  config: Config;
  logger: Logger;
  /** This process's identity for leases. */
  owner: string;
  now: () => Date;
  hooks?: FlowTestHooks;
}

export interface RunOptions {
  /** Read and compare, show what would be written, write nothing anywhere (not even the ledger). */
  dryRun: boolean;
  /** Ignore cursors and content hashes: read everything, write everything. */
  full: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: { phase: string; done: number; total?: number }) => void;
}

/** One record a person should look at, with the sentence that says what to do. */
export interface Problem {
  kind: EntityKind;
  key: string;
  message: string;
}

/** What a dry run would write for one record. */
export interface PlannedChange {
  kind: EntityKind;
  key: string;
  action: 'create' | 'update' | 'disable' | 'write';
  /** Field → [before, after]; before is undefined when unknown or new. */
  fields: Record<string, [unknown, unknown]>;
}

export interface FlowReport {
  flow: FlowName;
  dryRun: boolean;
  /** Named counts: read, unchanged, created, updated, written, failed, needsAttention, skipped, ... */
  counts: Record<string, number>;
  problems: Problem[];
  /** Filled on dry runs (capped), for the per-record diff. */
  changes: PlannedChange[];
  durationMs: number;
  /** Set when the flow stopped (a configuration error, or a failure that ended the run): the sentence that says why. */
  error?: string;
  /** The error class of `error`. */
  errorClass?: 'transient' | 'business' | 'configuration';
  /** True when the run was skipped because another run of the same flow held its lock, or it waits for the ERP's call budget. */
  skipped?: boolean;
  /** Why a skipped run waits (the ERP's call budget), in one sentence. */
  waiting?: string;
}

export interface BatchFlow {
  name: FlowName;
  kind: 'batch';
  run(ctx: FlowContext, options: RunOptions): Promise<FlowReport>;
}

export interface LedgerFlow {
  name: FlowName;
  kind: 'ledger';
  /** The ledger kind and the states whose rows this flow's `step` moves on. */
  entity: EntityKind;
  workStates: readonly string[];
  /** Finds new work (shop orders since the cursor, ERP invoices since the cursor) and records it. */
  discover(ctx: FlowContext, options: RunOptions): Promise<FlowReport>;
  /**
   * Moves one claimed row forward, committing each state change to the ledger before the
   * next remote call (ARCHITECTURE.md, exactly-once protocol). Throws a SyncError on
   * failure; the worker classifies it and schedules the retry or asks for a person.
   */
  step(ctx: FlowContext, row: LinkRow): Promise<void>;
}

export type Flow = BatchFlow | LedgerFlow;
