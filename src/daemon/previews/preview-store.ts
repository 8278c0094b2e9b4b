/**
 * PreviewSets and their previews' Applications as objects of the daemon's embedded control
 * plane: reads, watches, the set's status (the preview controller is its only writer) and
 * the previews' Applications (written with a field manager of their own; their status is
 * the application reconciler's).
 */
import { ApiError, type Api } from '../../controlplane/index.js';
import {
  PREVIEW_SET_LABEL,
  type Application,
  type JsonObject,
  type PreviewSet,
  type PreviewSetStatus,
} from '../../core/index.js';
import { APPLICATIONS, PREVIEWSETS } from '../app-store.js';

export const PREVIEW_FIELD_MANAGER = 'capstan-previews';

const isNotFound = (e: unknown) => e instanceof ApiError && e.reason === 'NotFound';

function orUndefined<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export class PreviewStore {
  constructor(private readonly api: Api) {}

  list(): PreviewSet[] {
    return (this.api.list(PREVIEWSETS, undefined).items as unknown as PreviewSet[]) ?? [];
  }

  get(name: string): PreviewSet | undefined {
    return orUndefined(() => this.api.get(PREVIEWSETS, undefined, name) as unknown as PreviewSet);
  }

  watch(onEvent: (type: string, set: PreviewSet) => void): { stop(): void } {
    return this.api.watch(PREVIEWSETS, undefined, {}, (e) =>
      onEvent(e.type, e.object as unknown as PreviewSet),
    );
  }

  /** Replaces the status fields given (merge patch: lists are replaced whole). */
  async writeStatus(name: string, status: PreviewSetStatus): Promise<void> {
    try {
      await this.api.patch(PREVIEWSETS, undefined, name, 'merge', { status } as unknown as JsonObject, {
        subresource: 'status',
      });
    } catch (e) {
      if (!isNotFound(e)) throw e; // deleted meanwhile
    }
  }

  preview(name: string): Application | undefined {
    return orUndefined(() => this.api.get(APPLICATIONS, undefined, name) as unknown as Application);
  }

  /** Creates or updates a preview's Application (metadata with its owner, labels and finalizer; spec). */
  async applyPreview(app: Application): Promise<void> {
    const body = { apiVersion: app.apiVersion, kind: app.kind, metadata: app.metadata, spec: app.spec };
    await this.api.patch(APPLICATIONS, undefined, app.metadata.name, 'apply', body as unknown as JsonObject, {
      fieldManager: PREVIEW_FIELD_MANAGER,
      force: true,
    });
  }

  /** Deletes a preview's Application; its finalizer makes the reconciler delete what it deployed first. */
  async deletePreview(name: string): Promise<void> {
    try {
      await this.api.delete(APPLICATIONS, undefined, name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** Every preview Application event (the ones labelled with a PreviewSet). */
  watchPreviews(onEvent: (type: string, app: Application) => void): { stop(): void } {
    return this.api.watch(APPLICATIONS, undefined, { labelSelector: PREVIEW_SET_LABEL }, (e) =>
      onEvent(e.type, e.object as unknown as Application),
    );
  }
}
